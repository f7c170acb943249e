//! The Skill Profiler on arbitrary small binary matrices, Q-matrices, CDM item-parameter files
//! (probabilities anywhere in [0, 1], patterns possibly missing or extra) and class-proportion
//! files.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer_fuzz::{check, qmatrix_csv, SmallMatrix};

#[derive(Debug, Arbitrary)]
struct Input {
    matrix: SmallMatrix,
    attributes: u8,
    q: Vec<u8>,
    probs: Vec<u16>,
    drop_pattern: Option<u8>,
    classes: Option<Vec<u16>>,
}

fn pattern(m: usize, width: usize) -> String {
    (0..width)
        .map(|i| if m >> i & 1 == 1 { '1' } else { '0' })
        .collect()
}

fuzz_target!(|input: Input| {
    let k = input.matrix.n_items();
    let n_att = 1 + input.attributes as usize % 3;
    let (q, masks) = qmatrix_csv(k, n_att, &input.q);
    let mut params = String::from("item,pattern,prob\n");
    let mut probs = input.probs.iter().cycle();
    for (j, bits) in masks.into_iter().enumerate() {
        let kj = bits.count_ones() as usize;
        for m in 0..1usize << kj {
            if input.drop_pattern == Some((j * 8 + m) as u8) {
                continue;
            }
            let p = probs.next().map(|&v| f64::from(v) / 65535.0).unwrap_or(0.5);
            params.push_str(&format!("I{},{},{p}\n", j + 1, pattern(m, kj)));
        }
    }
    let classes = input.classes.as_ref().map(|c| {
        let mut out = String::from("pattern,proportion\n");
        let total: f64 = c.iter().take(1 << n_att).map(|&v| f64::from(v)).sum();
        for (m, &v) in c.iter().take(1 << n_att).enumerate() {
            let share = if total > 0.0 {
                f64::from(v) / total
            } else {
                0.0
            };
            out.push_str(&format!("{},{share}\n", pattern(m, n_att)));
        }
        out
    });
    let csv = input.matrix.csv(1, false);
    let r = pacer::tools::profile_skills(
        (&csv, "data.csv"),
        (q.as_bytes(), "Q.csv"),
        (params.as_bytes(), "params.csv"),
        classes.as_ref().map(|c| (c.as_bytes(), "classes.csv")),
    );
    check(&r, "skill profiles");
});
