//! WebAssembly tests under Node (wasm-bindgen-test-runner's default).
#![cfg(target_arch = "wasm32")]

mod common;
#[path = "wasm/shared.rs"]
mod shared;
