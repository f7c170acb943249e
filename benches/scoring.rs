//! Test Scoring speed: EAP for 1,000,000 examinees x 50 items of a 2PL test (simulated here with
//! a fixed seed, every examinee's pattern drawn independently), from the response matrix in
//! memory to the result struct (reading the file and writing JSON are not included; the browser
//! benchmark's `score_eap_1m` case times the whole call on the page). Also reading the 100 MB
//! CSV, for the share of the whole.
//! Run: `cargo bench --bench scoring`.

use criterion::{criterion_group, criterion_main, Criterion};
use pacer::data::{read_item_parameters, read_responses, ResponseMatrix};
use pacer::scoring::{match_items, score, ScoringMethod, ScoringOptions};

/// xorshift64*: a small deterministic generator for the simulated data.
struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// 1,000,000 x 50 2PL responses (a in [0.6, 2], b in [−2, 2], θ ~ N(0, 1)) as CSV, and the
/// parameter file.
fn simulate(n: usize, k: usize) -> (Vec<u8>, String) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let items: Vec<(f64, f64)> = (0..k)
        .map(|_| (0.6 + 1.4 * rng.uniform(), -2.0 + 4.0 * rng.uniform()))
        .collect();
    let mut csv: Vec<u8> = (0..k)
        .map(|j| format!("i{j:02}"))
        .collect::<Vec<_>>()
        .join(",")
        .into_bytes();
    csv.push(b'\n');
    for _ in 0..n {
        let theta = rng.normal();
        for (j, &(a, b)) in items.iter().enumerate() {
            let p = 1.0 / (1.0 + (-a * (theta - b)).exp());
            csv.push(if rng.uniform() < p { b'1' } else { b'0' });
            csv.push(if j + 1 == k { b'\n' } else { b',' });
        }
    }
    let mut params = String::from("item,model,a,b\n");
    for (j, (a, b)) in items.iter().enumerate() {
        params.push_str(&format!("i{j:02},2pl,{a},{b}\n"));
    }
    (csv, params)
}

fn bench(c: &mut Criterion) {
    let (csv, params) = simulate(1_000_000, 50);
    let data: ResponseMatrix = read_responses(&csv, "sim.csv").unwrap();
    let parsed = read_item_parameters(params.as_bytes(), "params.csv", 1.0).unwrap();
    let (items, codes) = match_items(&data, &parsed, "params.csv").unwrap();
    let options = ScoringOptions {
        method: ScoringMethod::Eap,
        d_constant: 1.0,
        ..Default::default()
    };
    let mut group = c.benchmark_group("scoring");
    group.sample_size(10);
    group.bench_function("eap_1000000x50_61nodes", |b| {
        b.iter(|| score(&data, &items, &codes, "params.csv", &options).unwrap())
    });
    group.bench_function("read_csv_1000000x50", |b| {
        b.iter(|| read_responses(&csv, "sim.csv").unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
