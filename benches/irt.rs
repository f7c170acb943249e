//! IRT calibration speed on the simulated 2PL data (10,000 x 50; mirt 1.45 took 2-3 s for the
//! same fit on this machine kind), without and with standard errors, and with M2. mirt's fit
//! leaves M2 to a separate call, so the first two cases leave it out (`m2_max_items = 0`).
//! The graded response model on sim_grm_20k (20,000 x 30, 5 categories; mirt 1.45 took 6.5 to
//! 7.9 s).
//! Run: `cargo bench --bench irt`.

use criterion::{criterion_group, criterion_main, Criterion};
use pacer::data::read_responses;
use pacer::em::Control;
use pacer::irt::{calibrate, DichotomousModel, IrtModel, IrtOptions};

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sim_2pl_10k/data.csv"
    );
    let data = read_responses(&std::fs::read(path).unwrap(), "sim_2pl_10k.csv").unwrap();
    let mut group = c.benchmark_group("irt");
    group.sample_size(10);
    let mut options = IrtOptions::new(DichotomousModel::TwoPl);
    options.d_constant = 1.0;
    options.m2_max_items = 0;
    group.bench_function("2pl_10000x50_61nodes", |b| {
        b.iter(|| calibrate(&data, &options, &mut |_| Control::Continue).unwrap())
    });
    options.se = true;
    group.bench_function("2pl_10000x50_61nodes_se", |b| {
        b.iter(|| calibrate(&data, &options, &mut |_| Control::Continue).unwrap())
    });
    options.se = false;
    options.m2_max_items = 50;
    group.bench_function("2pl_10000x50_61nodes_m2", |b| {
        b.iter(|| calibrate(&data, &options, &mut |_| Control::Continue).unwrap())
    });
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sim_grm_20k/data.csv"
    );
    let grm_data = read_responses(&std::fs::read(path).unwrap(), "sim_grm_20k.csv").unwrap();
    let mut grm = IrtOptions::new(IrtModel::Grm);
    grm.d_constant = 1.0;
    grm.m2_max_items = 0;
    group.bench_function("grm_20000x30_5cat_61nodes", |b| {
        b.iter(|| calibrate(&grm_data, &grm, &mut |_| Control::Continue).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
