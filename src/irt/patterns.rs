//! Identical response patterns collapsed with counts, so each E-step visits each distinct
//! pattern once.

use crate::data::ResponseMatrix;
use std::collections::HashMap;

/// Distinct response patterns of a matrix.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// Items per pattern.
    pub n_items: usize,
    /// Distinct patterns, pattern-major (`codes[p * n_items + j]`), `MISSING` for missing.
    pub codes: Vec<u8>,
    /// How many examinees have each pattern.
    pub counts: Vec<f64>,
    /// For each examinee, the index of their pattern.
    pub person_pattern: Vec<u32>,
}

impl Patterns {
    /// Collapses the rows of `data` (in order of first appearance, so results are deterministic).
    pub fn new(data: &ResponseMatrix) -> Patterns {
        let k = data.n_items();
        let mut index: HashMap<&[u8], u32> = HashMap::with_capacity(data.n_persons().min(1 << 20));
        let mut codes = Vec::new();
        let mut counts = Vec::new();
        let mut person_pattern = Vec::with_capacity(data.n_persons());
        for p in 0..data.n_persons() {
            let row = data.person(p);
            let id = *index.entry(row).or_insert_with(|| {
                codes.extend_from_slice(row);
                counts.push(0.0);
                (counts.len() - 1) as u32
            });
            counts[id as usize] += 1.0;
            person_pattern.push(id);
        }
        Patterns {
            n_items: k,
            codes,
            counts,
            person_pattern,
        }
    }

    /// Number of distinct patterns.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// One pattern's codes.
    pub fn pattern(&self, p: usize) -> &[u8] {
        &self.codes[p * self.n_items..(p + 1) * self.n_items]
    }
}
