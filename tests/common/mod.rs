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

/// xorshift64 (Marsaglia, 2003): the same stream on every platform, for generated test data.
pub struct XorShift(u64);

impl XorShift {
    /// A generator whose state starts at `state` (not 0).
    pub fn new(state: u64) -> Self {
        XorShift(state)
    }

    /// A uniform number in [0, 1) from the top 53 bits.
    pub fn uniform(&mut self) -> f64 {
        let s = &mut self.0;
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal number (Box-Muller, the cosine branch; two uniforms).
    pub fn normal(&mut self) -> f64 {
        let r = (-2.0 * self.uniform().max(1e-300).ln()).sqrt();
        r * (2.0 * std::f64::consts::PI * self.uniform()).cos()
    }
}

/// Pseudo-random data sets for the native-vs-WebAssembly comparison: the same bytes on every
/// platform (xorshift64, Box-Muller). Seed `seed`, `n` examinees, `k` 0/1 items from a 2PL with
/// slopes 0.6..1.8 and difficulties −1.2..1.2, about 3% of the cells missing.
pub fn random_response_csv(seed: u64, n: usize, k: usize) -> Vec<u8> {
    let mut rng = XorShift::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = (1..=k)
        .map(|j| format!("I{j}"))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for _ in 0..n {
        let theta = rng.normal();
        let row: Vec<String> = (0..k)
            .map(|j| {
                let a = 0.6 + 1.2 * j as f64 / k as f64;
                let b = -1.2 + 2.4 * ((j * 5) % k) as f64 / k as f64;
                let x = rng.uniform() < 1.0 / (1.0 + (-1.702 * a * (theta - b)).exp());
                if rng.uniform() < 0.03 {
                    String::new()
                } else {
                    u8::from(x).to_string()
                }
            })
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// The seeds, sizes and options of the random golden file (tests/fixtures/golden/random.json).
pub const RANDOM_CASES: [(u64, usize, usize); 3] = [(1, 300, 6), (2, 800, 8), (3, 150, 5)];
/// The calibration options of the random golden file.
pub const RANDOM_IRT_OPTIONS: &str = r#"{"model":"2pl","se":true}"#;
/// The CDM options of the random golden file (Q-matrix: [`random_qmatrix`]).
pub const RANDOM_CDM_OPTIONS: &str = r#"{"model":"gdina"}"#;

/// A Q-matrix of two attributes for `k` items: item j needs A1 when j is even, A2 when j is not
/// a multiple of 3 (and A1 when that leaves it with none).
pub fn random_qmatrix(k: usize) -> String {
    let mut q = String::from("item,A1,A2\n");
    for j in 0..k {
        let (a1, a2) = (j % 2 == 0, j % 3 != 0);
        q.push_str(&format!(
            "I{},{},{}\n",
            j + 1,
            u8::from(a1 || !a2),
            u8::from(a2)
        ));
    }
    q
}
