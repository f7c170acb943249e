//! Attribute patterns: the 2^K latent classes of a model with K attributes, and each item's
//! reduced patterns over the attributes it requires.
//!
//! Patterns are bit masks (bit k set = attribute k mastered) listed in the order the GDINA
//! package uses: by the number of attributes mastered, then by the mastered attributes' indices
//! in lexicographic order (for K = 3: 000, 100, 010, 001, 110, 101, 011, 111).

/// The 2^K patterns of K attributes, in GDINA's order.
pub fn attribute_patterns(k: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(1 << k);
    for m in 0..=k {
        // The m-subsets of 0..k in lexicographic order of their index lists.
        let mut idx: Vec<usize> = (0..m).collect();
        loop {
            out.push(idx.iter().fold(0u32, |mask, &i| mask | (1 << i)));
            // Next combination.
            let mut i = m;
            while i > 0 && idx[i - 1] == k - m + i - 1 {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            idx[i - 1] += 1;
            for t in i..m {
                idx[t] = idx[t - 1] + 1;
            }
        }
    }
    out
}

/// A pattern written as 0/1 digits, attribute 1 first (e.g. "101").
pub fn pattern_label(mask: u32, k: usize) -> String {
    (0..k)
        .map(|a| if mask >> a & 1 == 1 { '1' } else { '0' })
        .collect()
}

/// Item j's reduced pattern of class `class`: bit i set when the class masters the item's i-th
/// required attribute.
pub fn reduced(class: u32, required: &[usize]) -> u32 {
    required
        .iter()
        .enumerate()
        .fold(0, |m, (i, &a)| m | ((class >> a & 1) << i))
}

/// For each class (in `classes` order), the index of its reduced pattern in the GDINA-ordered
/// list of the item's 2^{K_j} reduced patterns.
pub fn group_of_classes(classes: &[u32], required: &[usize]) -> Vec<u32> {
    let kj = required.len();
    let order = attribute_patterns(kj);
    let mut position = vec![0u32; 1 << kj];
    for (i, &m) in order.iter().enumerate() {
        position[m as usize] = i as u32;
    }
    classes
        .iter()
        .map(|&c| position[reduced(c, required) as usize])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdina_order() {
        let labels: Vec<String> = attribute_patterns(3)
            .into_iter()
            .map(|m| pattern_label(m, 3))
            .collect();
        assert_eq!(
            labels,
            ["000", "100", "010", "001", "110", "101", "011", "111"]
        );
        let p = attribute_patterns(8);
        assert_eq!(p.len(), 256);
        let mut sorted = p.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 256);
        assert_eq!(pattern_label(p[1], 8), "10000000");
        assert_eq!(pattern_label(p[255], 8), "11111111");
        assert_eq!(attribute_patterns(0), [0]);
    }

    #[test]
    fn groups_follow_the_required_attributes() {
        let classes = attribute_patterns(3);
        // An item requiring attributes 1 and 3 (indices 0 and 2).
        let g = group_of_classes(&classes, &[0, 2]);
        // 000 -> 00, 100 -> 10, 010 -> 00, 001 -> 01, 110 -> 10, 101 -> 11, 011 -> 01, 111 -> 11;
        // reduced order 00, 10, 01, 11.
        assert_eq!(g, [0, 1, 0, 2, 1, 3, 2, 3]);
    }
}
