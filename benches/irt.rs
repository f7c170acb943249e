//! IRT calibration speed on the simulated 2PL data (10,000 x 50; mirt 1.45 took 2-3 s for the
//! same fit on this machine kind), without and with standard errors. Run: `cargo bench --bench irt`.

use criterion::{criterion_group, criterion_main, Criterion};
use pacer::data::read_responses;
use pacer::em::Control;
use pacer::irt::{calibrate, DichotomousModel, IrtOptions};

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
    group.bench_function("2pl_10000x50_61nodes", |b| {
        b.iter(|| calibrate(&data, &options, &mut |_| Control::Continue).unwrap())
    });
    options.se = true;
    group.bench_function("2pl_10000x50_61nodes_se", |b| {
        b.iter(|| calibrate(&data, &options, &mut |_| Control::Continue).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
