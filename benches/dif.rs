//! DIF and raw-choice speed on a seeded 10,000 x 50 test (2PL-like responses, two groups of
//! 5,000, five items with DIF), with the plain item analysis of the same scored matrix as the
//! baseline in the same run: `dif` (Mantel-Haenszel, standardization and logistic regression
//! for every item) without and with purification, and the item analysis of the same test as
//! raw choices (options A-D) with its answer key (reading, rescoring, distractors).
//! Run: `cargo bench --bench dif`.

use criterion::{criterion_group, criterion_main, Criterion};
use pacer::ctt::{item_analysis, ItemAnalysisOptions};
use pacer::data::{read_responses, OmitScoring};
use pacer::dif::{dif, DifOptions};

const N: usize = 10_000;
const K: usize = 50;

/// The scored CSV (with a group column) and the same test as raw choices with its key.
fn data() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut s: u64 = 11;
    let mut uniform = move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64) / ((1u64 << 53) as f64)
    };
    let items: Vec<String> = (1..=K).map(|j| format!("i{j:02}")).collect();
    let mut scored = format!("group,{}\n", items.join(",")).into_bytes();
    let mut raw = scored.clone();
    let mut key = b"item,key\n".to_vec();
    for (j, item) in items.iter().enumerate() {
        key.extend(format!("{item},{}\n", char::from(b'A' + (j % 4) as u8)).as_bytes());
    }
    for p in 0..N {
        let focal = p % 2 == 1;
        // θ from the sum of uniforms (near normal).
        let theta = (0..12).map(|_| uniform()).sum::<f64>() - 6.0;
        let group = if focal { "F" } else { "R" };
        scored.extend(group.as_bytes());
        raw.extend(group.as_bytes());
        for j in 0..K {
            let b = -2.0 + 4.0 * j as f64 / (K - 1) as f64;
            let shift = if focal && j % 10 == 3 { 0.5 } else { 0.0 };
            let prob = 1.0 / (1.0 + (-1.2 * (theta - b - shift)).exp());
            let right = uniform() < prob;
            scored.extend(if right { b",1" } else { b",0" });
            let letter = if right {
                b'A' + (j % 4) as u8
            } else {
                b'A' + ((j % 4) as u8 + 1 + (uniform() * 3.0) as u8) % 4
            };
            raw.push(b',');
            raw.push(letter);
        }
        scored.push(b'\n');
        raw.push(b'\n');
    }
    (scored, raw, key)
}

fn bench(c: &mut Criterion) {
    let (scored, raw, key) = data();
    let matrix = read_responses(&scored, "scored.csv").unwrap();
    let mut group = c.benchmark_group("dif_10000x50");
    group.sample_size(10);
    group.bench_function("item_analysis_baseline", |b| {
        b.iter(|| item_analysis(&matrix, &ItemAnalysisOptions::default()).unwrap())
    });
    group.bench_function("dif", |b| {
        b.iter(|| dif(&matrix, &DifOptions::new("R")).unwrap())
    });
    group.bench_function("dif_purified", |b| {
        let options = DifOptions {
            purify: true,
            ..DifOptions::new("R")
        };
        b.iter(|| dif(&matrix, &options).unwrap())
    });
    group.bench_function("items_with_key_from_bytes", |b| {
        b.iter(|| {
            pacer::tools::analyze_items_with_key(
                &raw,
                "raw.csv",
                (&key, "key.csv"),
                OmitScoring::Wrong,
                &ItemAnalysisOptions::default(),
            )
            .unwrap()
        })
    });
    group.bench_function("items_from_bytes_baseline", |b| {
        b.iter(|| {
            pacer::tools::analyze_items(&scored, "scored.csv", &ItemAnalysisOptions::default())
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
