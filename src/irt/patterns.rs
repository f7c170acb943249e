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
    /// Each pattern's group (all 0 without groups); patterns of different groups are distinct.
    pub groups: Vec<u32>,
}

impl Patterns {
    /// Collapses the rows of `data` (in order of first appearance, so results are deterministic).
    pub fn new(data: &ResponseMatrix) -> Patterns {
        Patterns::from_codes(data.codes(), data.n_items(), None)
    }

    /// Collapses person-major rows of `n_items` codes, keeping persons of different groups
    /// (`person_groups`, one per row) apart.
    pub fn from_codes(codes: &[u8], n_items: usize, person_groups: Option<&[u32]>) -> Patterns {
        let k = n_items;
        let n = codes.len() / k.max(1);
        let mut index: HashMap<(u32, &[u8]), u32> = HashMap::with_capacity(n.min(1 << 20));
        let mut out = Vec::new();
        let mut counts = Vec::new();
        let mut groups = Vec::new();
        let mut person_pattern = Vec::with_capacity(n);
        for p in 0..n {
            let row = &codes[p * k..(p + 1) * k];
            let g = person_groups.map_or(0, |v| v[p]);
            let id = *index.entry((g, row)).or_insert_with(|| {
                out.extend_from_slice(row);
                counts.push(0.0);
                groups.push(g);
                (counts.len() - 1) as u32
            });
            counts[id as usize] += 1.0;
            person_pattern.push(id);
        }
        Patterns {
            n_items: k,
            codes: out,
            counts,
            person_pattern,
            groups,
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
