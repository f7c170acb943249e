//! Item Analysis speed: reading a CSV into the compact matrix, and the analysis itself, over a
//! table of sizes with seeded data (binary items, about 5 % missing in the `missing` variants).
//! Run: `cargo bench --bench item_analysis`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pacer::ctt::{item_analysis, ItemAnalysisOptions};
use pacer::data::read_responses;

/// A CSV of `n` examinees x `k` binary items from a seeded LCG; `missing` leaves ~5 % empty.
fn csv(n: usize, k: usize, missing: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * n * k + 8 * k);
    let header: Vec<String> = (1..=k).map(|j| format!("i{j}")).collect();
    out.extend_from_slice(header.join(",").as_bytes());
    out.push(b'\n');
    let mut s: u32 = 7;
    for _ in 0..n {
        for j in 0..k {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let r = (s >> 16) % 100;
            if !(missing && r < 5) {
                out.push(if r < 60 { b'1' } else { b'0' });
            }
            out.push(if j + 1 < k { b',' } else { b'\n' });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("item_analysis");
    group.sample_size(10);
    for &(n, k, missing) in &[
        (10_000, 50, false),
        (100_000, 100, false),
        (10_000, 50, true),
    ] {
        let label = format!("{n}x{k}{}", if missing { "_missing" } else { "" });
        let bytes = csv(n, k, missing);
        group.throughput(Throughput::Elements((n * k) as u64));
        group.bench_with_input(BenchmarkId::new("read_csv", &label), &bytes, |b, bytes| {
            b.iter(|| read_responses(bytes, "bench.csv").unwrap())
        });
        let data = read_responses(&bytes, "bench.csv").unwrap();
        group.bench_with_input(BenchmarkId::new("analyse", &label), &data, |b, data| {
            b.iter(|| item_analysis(data, &ItemAnalysisOptions::default()).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
