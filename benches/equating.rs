//! Equating speed on Kolen & Brennan's KB04 forms (36 3PL items each, 12 common items; the
//! website's sample files in www/samples): linking by every method (each link computes all four
//! methods' constants), and the whole equating (link, true-score and observed-score equating).
//! From the items in memory to the result struct.
//! Run: `cargo bench --bench equating`.

use criterion::{criterion_group, criterion_main, Criterion};
use pacer::data::{read_anchors, read_item_parameters};
use pacer::equating::linking::LinkingMethod;
use pacer::equating::{equate, link, EquatingOptions, Forms, LinkingOptions};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/www/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn bench(c: &mut Criterion) {
    let base =
        read_item_parameters(&sample("KB04-base-form-Y-parameters.csv"), "base", 1.7).unwrap();
    let new = read_item_parameters(&sample("KB04-new-form-X-parameters.csv"), "new", 1.7).unwrap();
    let anchors = read_anchors(&sample("KB04-anchors.csv"), "anchors").unwrap();
    let forms = Forms {
        base: &base,
        base_file: "base",
        new: &new,
        new_file: "new",
        anchors: &anchors,
        anchor_file: "anchors",
    };
    let mut group = c.benchmark_group("equating_kb04");
    for symmetric in [false, true] {
        let mut options = LinkingOptions {
            method: LinkingMethod::StockingLord,
            d_constant: 1.7,
            ..Default::default()
        };
        options.curve.symmetric = symmetric;
        let name = if symmetric { "link_symmetric" } else { "link" };
        group.bench_function(name, |b| b.iter(|| link(forms, &options).unwrap()));
    }
    let options = EquatingOptions {
        linking: LinkingOptions {
            d_constant: 1.7,
            ..Default::default()
        },
        ..Default::default()
    };
    group.bench_function("equate", |b| b.iter(|| equate(forms, &options).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
