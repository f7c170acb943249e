//! WebAssembly tests in headless Chromium (chromedriver; arguments in webdriver.json):
//! the same checks as under Node. (The scale test, 1,000,000 x 100 through the real page and
//! worker, is in tests/e2e/scale.test.mjs.)
#![cfg(target_arch = "wasm32")]

mod common;
#[path = "wasm/shared.rs"]
mod shared;

use wasm_bindgen_test::wasm_bindgen_test_configure;
wasm_bindgen_test_configure!(run_in_browser);
