//! Tests run inside WebAssembly, under Node (`wasm_node.rs`) and headless Chromium
//! (`wasm_browser.rs`): the wasm build's results equal the native build's golden files.

use crate::common::json_close;
use wasm_bindgen_test::wasm_bindgen_test;

fn analyze(data: &[u8], name: &str) -> serde_json::Value {
    let json = pacer::wasm::analyze_items(data, &format!("{{\"fileName\":\"{name}\"}}"))
        .expect("analysis");
    serde_json::from_str(&json).unwrap()
}

fn golden(text: &str, ours: &serde_json::Value) -> serde_json::Value {
    let mut g: serde_json::Value = serde_json::from_str(text).unwrap();
    g["engine"]["version"] = ours["engine"]["version"].clone();
    g
}

#[wasm_bindgen_test]
fn lsat7_equals_native() {
    let ours = analyze(include_bytes!("../fixtures/LSAT7/data.csv"), "LSAT7.csv");
    json_close(
        &ours,
        &golden(include_str!("../fixtures/golden/LSAT7_items.json"), &ours),
        "LSAT7",
    );
    let alpha = ours["test"]["alpha"].as_f64().unwrap();
    assert!((alpha - 0.453408735387426).abs() < 1e-6);
}

#[wasm_bindgen_test]
fn science_equals_native() {
    let ours = analyze(
        include_bytes!("../fixtures/Science/data.csv"),
        "Science.csv",
    );
    json_close(
        &ours,
        &golden(include_str!("../fixtures/golden/Science_items.json"), &ours),
        "Science",
    );
}

#[wasm_bindgen_test]
fn errors_are_thrown_as_json() {
    let err =
        pacer::wasm::analyze_items(b"a,b\n1,0\n1,x\n", "{\"fileName\":\"bad.csv\"}").unwrap_err();
    let text = err.as_string().expect("a string");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["code"], "non_numeric");
    assert_eq!(v["row"], 3);
    assert_eq!(v["column"], "b");
}
