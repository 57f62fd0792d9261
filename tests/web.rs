//! The engine inside a real browser (headless Chromium via wasm-bindgen-test): the same input
//! must give the same results in wasm as natively.
#![cfg(target_arch = "wasm32")]

use layerlab::analysis::{analyze, Effect};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SEED: &str = include_str!("../gallery/seed/Dockerfile");

#[wasm_bindgen_test]
fn seed_example_analyses_in_the_browser() {
    let a = analyze(SEED);
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    let keywords: Vec<&str> = a.instructions.iter().map(|r| r.keyword.as_str()).collect();
    assert_eq!(
        keywords,
        ["FROM", "LABEL", "RUN", "RUN", "WORKDIR", "COPY", "RUN", "EXPOSE", "CMD"]
    );
    assert_eq!(a.instructions[0].start_line, 2);
    assert_eq!(a.layer_count(), 5);
    assert_eq!(a.instructions[1].effect, Effect::Metadata);
}

#[wasm_bindgen_test]
fn invalid_utf8_and_garbage_do_not_panic_in_wasm() {
    let garbage: String = (0u32..4000)
        .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('?'))
        .collect();
    let a = analyze(&garbage);
    assert!(a.has_errors());
}
