//! Shared pieces of the fuzz targets: small response matrices and parameter files built from
//! arbitrary bytes, and the checks every target applies to what the engine returns.
//!
//! The reader targets feed raw bytes to the readers. The estimator targets build *valid* small
//! files from structured input (so the fuzzer spends its time in the estimators, not in
//! rejected headers) and pass arbitrary options; the engine must then either return an error
//! with a message or a result whose every number is finite.

use arbitrary::Arbitrary;
use serde::Serialize;
use serde_value::Value;

/// Panics (a fuzzing finding) if any number in `value`'s serde form is NaN or infinite.
pub fn assert_finite<T: Serialize>(value: &T, what: &str) {
    let v = serde_value::to_value(value).expect("a result serialises");
    walk(&v, what, &mut Vec::new());
}

fn walk(v: &Value, what: &str, path: &mut Vec<String>) {
    match v {
        Value::F64(x) => assert!(
            x.is_finite(),
            "{what}: non-finite {x} at {}",
            path.join(".")
        ),
        Value::F32(x) => assert!(
            x.is_finite(),
            "{what}: non-finite {x} at {}",
            path.join(".")
        ),
        Value::Option(Some(inner)) | Value::Newtype(inner) => walk(inner, what, path),
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(item, what, path);
                path.pop();
            }
        }
        Value::Map(map) => {
            for (k, item) in map {
                path.push(match k {
                    Value::String(s) => s.clone(),
                    other => format!("{other:?}"),
                });
                walk(item, what, path);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Panics if an error has no message or no hint of what to change.
pub fn assert_explained(e: &pacer::Error) {
    let d = e.details();
    assert!(
        !d.message.trim().is_empty(),
        "an error without a message: {d:?}"
    );
}

/// Checks either outcome of an engine call: a finite result or an explained error.
pub fn check<T: Serialize>(r: &pacer::Result<T>, what: &str) {
    match r {
        Ok(v) => assert_finite(v, what),
        Err(e) => assert_explained(e),
    }
}

/// A small response matrix: up to 60 examinees × 8 items, scores 0..=`max`, some missing.
#[derive(Debug, Arbitrary)]
pub struct SmallMatrix {
    /// Number of items is 1 + this % 8.
    pub items: u8,
    /// Cells, row by row; a byte ≥ 250 is a missing cell, otherwise `byte % (max + 1)`.
    pub cells: Vec<u8>,
    /// Highest score (1 + this % 3 for polytomous targets; binary targets take 1).
    pub max: u8,
    /// Group of each examinee (`g0`..`g2`), by row.
    pub groups: Vec<u8>,
}

impl SmallMatrix {
    /// Number of items.
    pub fn n_items(&self) -> usize {
        1 + self.items as usize % 8
    }

    /// The highest score when polytomous items are allowed.
    pub fn poly_max(&self) -> u8 {
        1 + self.max % 3
    }

    /// The matrix's cells as `rows[examinee][item]` (None = missing), at most 60 rows.
    pub fn rows(&self, max: u8) -> Vec<Vec<Option<u8>>> {
        let k = self.n_items();
        self.cells
            .chunks_exact(k)
            .take(60)
            .map(|r| {
                r.iter()
                    .map(|&b| (b < 250).then_some(b % (max + 1)))
                    .collect()
            })
            .collect()
    }

    /// The matrix as a CSV response file (`id`, optionally `group`, items `I1..Ik`).
    pub fn csv(&self, max: u8, with_group: bool) -> Vec<u8> {
        let k = self.n_items();
        let mut out = String::from("id");
        if with_group {
            out.push_str(",group");
        }
        for j in 1..=k {
            out.push_str(&format!(",I{j}"));
        }
        out.push('\n');
        for (p, row) in self.rows(max).iter().enumerate() {
            out.push_str(&format!("P{p}"));
            if with_group {
                let g = self.groups.get(p).copied().unwrap_or(0) % 3;
                out.push_str(&format!(",g{g}"));
            }
            for cell in row {
                out.push(',');
                if let Some(v) = cell {
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
        out.into_bytes()
    }
}

/// A number from an arbitrary integer, spread over a useful range including extremes:
/// `scale · i / 16` for small `i`, with a few huge and tiny values.
pub fn number(i: i16, scale: f64) -> f64 {
    match i {
        i16::MAX => 1e300,
        i16::MIN => -1e300,
        32766 => 1e-300,
        _ => scale * f64::from(i) / 1024.0,
    }
}

/// JSON for a number (`null` for a non-finite one, which the engine must then refuse or default).
pub fn json_number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        "null".into()
    }
}

/// A Q-matrix file of `items` items (I1, I2, …) and `attributes` attributes (A1, …): item j
/// measures the attributes whose bits are set in `bits[j]` (attribute 1 alone where `bits` is
/// too short). Returns the CSV and each item's attribute bits, masked to the attributes.
pub fn qmatrix_csv(items: usize, attributes: usize, bits: &[u8]) -> (String, Vec<usize>) {
    let mut q = String::from("item");
    for a in 1..=attributes {
        q.push_str(&format!(",A{a}"));
    }
    q.push('\n');
    let mut masks = Vec::with_capacity(items);
    for j in 0..items {
        let mask = bits.get(j).copied().unwrap_or(1) as usize & ((1 << attributes) - 1);
        q.push_str(&format!("I{}", j + 1));
        for a in 0..attributes {
            q.push_str(if mask >> a & 1 == 1 { ",1" } else { ",0" });
        }
        q.push('\n');
        masks.push(mask);
    }
    (q, masks)
}
