/*
 * layerlab embed loader. One line in a page:
 *
 *   <script src="https://…/layerlab-embed.js" defer></script>
 *
 * turns every <pre data-layerlab> into a live widget (an iframe on embed.html next to this
 * script) whose Dockerfile is the <pre>'s text. Options as data attributes:
 *   data-view="layers|problems|image|instructions"   data-readonly="1-3"
 *   data-checks='[{"type":"max_layers","value":5}]'   data-files='{"app.py":"print(1)"}'
 *   data-example="seed"   data-allow="https://course.example"  (origins, comma-separated;
 *   default: this page's origin)
 * The iframe follows the widget's height. Results arrive as `layerlab:result` messages and
 * are also re-dispatched on the <pre>'s replacement element as a `layerlab-result` event.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL('.', (script && script.src) || location.href);
  var widgetOrigin = base.origin;
  var frames = {};
  var counter = 0;

  function mount(pre) {
    if (pre.dataset.layerlabMounted) return;
    pre.dataset.layerlabMounted = '1';
    var id = pre.id || 'layerlab-' + (++counter);
    var params = new URLSearchParams();
    var text = pre.textContent.replace(/^\n/, '');
    if (pre.dataset.example) params.set('example', pre.dataset.example);
    if (text.trim() !== '') params.set('dockerfile', text);
    ['view', 'readonly', 'checks', 'files'].forEach(function (k) {
      if (pre.dataset[k]) params.set(k, pre.dataset[k]);
    });
    params.set('allow', pre.dataset.allow || location.origin);
    params.set('id', id);
    var frame = document.createElement('iframe');
    frame.src = new URL('embed.html', base).href + '?' + params.toString();
    frame.title = pre.getAttribute('aria-label') || 'Dockerfile exercise (layerlab)';
    frame.className = 'layerlab-frame';
    frame.dataset.layerlabId = id;
    frame.setAttribute('loading', 'lazy');
    frame.style.cssText = 'width:100%;border:1px solid #d0d7de;border-radius:6px;height:' +
      Math.max(160, (text.split('\n').length + 8) * 20) + 'px';
    pre.replaceWith(frame);
    frames[id] = frame;
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== widgetOrigin) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    var frame = frames[data.id];
    if (!frame || event.source !== frame.contentWindow) return;
    if (data.type === 'layerlab:height' && typeof data.px === 'number' && data.px > 0) {
      frame.style.height = Math.min(data.px, 4000) + 'px';
    } else if (data.type === 'layerlab:result') {
      frame.dispatchEvent(new CustomEvent('layerlab-result', { detail: data, bubbles: true }));
    }
  });

  /** Sends new content or checks to a widget: layerlab.set(id, {dockerfile, files, checks}). */
  window.layerlab = window.layerlab || {};
  window.layerlab.set = function (id, message) {
    var frame = frames[id];
    if (!frame) return false;
    var msg = { type: 'layerlab:set' };
    ['dockerfile', 'files', 'checks'].forEach(function (k) {
      if (message && message[k] !== undefined) msg[k] = message[k];
    });
    frame.contentWindow.postMessage(msg, widgetOrigin);
    return true;
  };

  function scan() {
    document.querySelectorAll('pre[data-layerlab]').forEach(mount);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', scan);
  } else {
    scan();
  }
})();
