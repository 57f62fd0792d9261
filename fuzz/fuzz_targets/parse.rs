//! Fuzz target: arbitrary bytes through the parser and the instructions layer. Checks the
//! invariants an editor relies on: no panic, spans in bounds and on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = layerlab::syntax::parse_bytes(data);
    let source = parsed.source.as_str();
    let ok = |s: layerlab::span::Span| {
        s.start <= s.end
            && s.end <= source.len()
            && source.is_char_boundary(s.start)
            && source.is_char_boundary(s.end)
    };
    for inst in &parsed.dockerfile.instructions {
        assert!(ok(inst.span) && ok(inst.keyword_span) && ok(inst.rest_span));
        assert!(inst.args.iter().all(|w| ok(w.span)));
        assert!(inst.flags.iter().all(|f| ok(f.span)));
        assert!(inst
            .heredocs
            .iter()
            .all(|h| ok(h.span) && ok(h.content_span)));
    }
    assert!(parsed.diagnostics.iter().all(|d| ok(d.span)));
    let typed = layerlab::instructions::parse(&parsed.dockerfile);
    assert!(typed.diagnostics.iter().all(|d| ok(d.span)));
    let _ = parsed.dockerfile.dump();
});
