//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Path of a fixture file under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Bytes of a fixture file.
pub fn fixture_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// A simple CSV table: header names and rows of text cells.
pub fn read_csv_table(rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = String::from_utf8(fixture_bytes(rel)).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Asserts |a - b| <= tol with a readable message.
pub fn assert_close(what: &str, a: f64, b: f64, tol: f64) {
    assert!(
        (a - b).abs() <= tol,
        "{what}: got {a}, expected {b} (tolerance {tol}, difference {})",
        (a - b).abs()
    );
}

/// Compares two JSON values, numbers within a relative 1e-12.
pub fn json_close(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    json_close_tol(a, b, path, 1e-12)
}

/// Compares two JSON values, numbers within `tol` relative (absolute below 1).
pub fn json_close_tol(a: &serde_json::Value, b: &serde_json::Value, path: &str, tol: f64) {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= tol * x.abs().max(1.0),
                "{path}: {x} vs {y}"
            );
        }
        (Array(x), Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths");
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                json_close_tol(u, v, &format!("{path}[{i}]"), tol);
            }
        }
        (Object(x), Object(y)) => {
            let kx: Vec<_> = x.keys().collect();
            let ky: Vec<_> = y.keys().collect();
            assert_eq!(kx, ky, "{path}: keys");
            for (k, u) in x {
                json_close_tol(u, &y[k], &format!("{path}.{k}"), tol);
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// A KB04 parameter file (tests/fixtures/linking_KB04: columns item, a, b, c) in pacer's
/// item-parameter format: the `model` column (3pl) added.
pub fn kb04_params_text(raw: &str) -> String {
    let mut out = String::from("item,model,a,b,c\n");
    for l in raw.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (item, rest) = l.split_once(',').unwrap();
        out.push_str(&format!("{item},3pl,{rest}\n"));
    }
    out
}

/// KB04's common items (form_x_item, form_y_item) as an anchor file (new_item, base_item).
pub fn kb04_anchors_text(raw: &str) -> String {
    raw.replace("form_x_item,form_y_item", "new_item,base_item")
}

/// The category drawn by a uniform number `u` in [0, 1) from the probabilities `p` (inverse
/// CDF; the last category takes any rounding remainder).
pub fn draw_category(p: &[f64], u: f64) -> usize {
    let mut c = 0;
    let mut acc = p[0];
    while acc < u && c + 1 < p.len() {
        c += 1;
        acc += p[c];
    }
    c
}
