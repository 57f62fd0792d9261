// Helper for the end-to-end tests: puts files into the build context as a person would,
// by dropping them on the Context tab.
import { selectTab } from './harness.mjs';

/** Drops files (`[name, string | byte array]`) on the Context tab and waits for them. */
export async function dropFiles(page, files) {
  await selectTab(page, 'context');
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const [name, content] of list) {
      dt.items.add(new File([typeof content === 'string' ? content : new Uint8Array(content)], name));
    }
    document.querySelector('.context-panel').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
  for (const [name] of files) await page.waitForSelector(`[data-path="${name}"]`);
}
