//! Classical item analysis on arbitrary small matrices (scored, or raw choices with a key),
//! both missing-data rules.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer::ctt::{ItemAnalysisOptions, MissingHandling};
use pacer::data::OmitScoring;
use pacer_fuzz::{check, SmallMatrix};

#[derive(Debug, Arbitrary)]
struct Input {
    matrix: SmallMatrix,
    listwise: bool,
    /// With a key: the matrix is read as choices A..D and this is the key (one byte per item).
    key: Option<Vec<u8>>,
    omits_missing: bool,
}

fuzz_target!(|input: Input| {
    let options = ItemAnalysisOptions {
        missing: if input.listwise {
            MissingHandling::Listwise
        } else {
            MissingHandling::Pairwise
        },
    };
    match &input.key {
        None => {
            let csv = input.matrix.csv(input.matrix.poly_max(), false);
            check(
                &pacer::tools::analyze_items(&csv, "data.csv", &options),
                "item analysis",
            );
        }
        Some(key) => {
            let k = input.matrix.n_items();
            let mut choices = String::from("id");
            for j in 1..=k {
                choices.push_str(&format!(",I{j}"));
            }
            choices.push('\n');
            for (p, row) in input.matrix.rows(3).iter().enumerate() {
                choices.push_str(&format!("P{p}"));
                for cell in row {
                    choices.push(',');
                    if let Some(v) = cell {
                        choices.push((b'A' + v) as char);
                    }
                }
                choices.push('\n');
            }
            let mut key_csv = String::from("item,key\n");
            for j in 0..k {
                let b = key.get(j).copied().unwrap_or(0);
                let entry = match b % 6 {
                    5 => "scored".to_string(),
                    o => ((b'A' + o) as char).to_string(),
                };
                key_csv.push_str(&format!("I{},{entry}\n", j + 1));
            }
            let omits = if input.omits_missing {
                OmitScoring::Missing
            } else {
                OmitScoring::Wrong
            };
            let r = pacer::tools::analyze_items_with_key(
                choices.as_bytes(),
                "choices.csv",
                (key_csv.as_bytes(), "key.csv"),
                omits,
                &options,
            );
            check(&r, "item analysis with a key");
        }
    }
});
