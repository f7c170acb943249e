//! CDM calibration speed on the reference sets (tests/fixtures): DINA and saturated G-DINA on
//! sim_dina_10k (10,000 x 30, K = 5) and G-DINA on Tatsuoka's fraction subtraction (536 x 20,
//! K = 8), with the default options (3 starts, tolerance 1e-4, standard errors), from the
//! response matrix and Q-matrix in memory to the result struct.
//! Run: `cargo bench --bench cdm`.

use criterion::{criterion_group, criterion_main, Criterion};
use pacer::cdm::{calibrate, CdmModel, CdmOptions};
use pacer::data::{read_qmatrix, read_responses};
use pacer::em::Control;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("cdm");
    group.sample_size(10);
    for (set, model, name) in [
        ("sim_dina_10k", CdmModel::Dina, "sim_dina_10k_dina"),
        ("sim_dina_10k", CdmModel::Gdina, "sim_dina_10k_gdina"),
        ("frac20", CdmModel::Gdina, "frac20_gdina"),
    ] {
        let data = read_responses(&fixture(&format!("{set}/data.csv")), "data.csv").unwrap();
        let q = read_qmatrix(&fixture(&format!("{set}/Q.csv")), "Q.csv").unwrap();
        let options = CdmOptions {
            model,
            ..Default::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| calibrate(&data, &q, "Q.csv", &options, &mut |_| Control::Continue).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
