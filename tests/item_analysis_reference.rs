//! Item Analysis against psych::alpha (psych 2.2.9) on LSAT7 and Science, tolerance 1e-6,
//! and native results against the golden files the wasm tests also use.

mod common;
use common::*;
use pacer::ctt::{item_analysis, ItemAnalysisOptions, MissingHandling};
use pacer::data::read_responses;

const TOL: f64 = 1e-6;

fn check_against_psych(set: &str) {
    let data = read_responses(&fixture_bytes(&format!("{set}/data.csv")), "data.csv").unwrap();
    let result = item_analysis(&data, &ItemAnalysisOptions::default()).unwrap();
    let (header, rows) = read_csv_table(&format!("{set}/classical_items.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), result.items.len());
    for (row, it) in rows.iter().zip(&result.items) {
        let v = |name: &str| row[col(name)].parse::<f64>().unwrap();
        assert_eq!(row[0], it.item);
        assert_close(&format!("{set} {} mean", it.item), it.mean, v("mean"), TOL);
        assert_close(
            &format!("{set} {} sd", it.item),
            it.sd.unwrap(),
            v("sd"),
            TOL,
        );
        assert_close(
            &format!("{set} {} item_rest_r", it.item),
            it.item_rest_r.unwrap(),
            v("item_rest_r"),
            TOL,
        );
        assert_close(
            &format!("{set} {} item_total_r", it.item),
            it.item_total_r.unwrap(),
            v("item_total_r"),
            TOL,
        );
        assert_close(
            &format!("{set} {} alpha_if_deleted", it.item),
            it.alpha_if_deleted.unwrap(),
            v("alpha_if_deleted"),
            TOL,
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&fixture_bytes(&format!("{set}/classical_summary.json"))).unwrap();
    let s = |k: &str| summary[k].as_f64().unwrap();
    assert_close(
        &format!("{set} alpha"),
        result.test.alpha.unwrap(),
        s("raw_alpha"),
        TOL,
    );
    assert_close(
        &format!("{set} total mean"),
        result.test.mean,
        s("total_score_mean"),
        TOL,
    );
    assert_close(
        &format!("{set} total sd"),
        result.test.sd.unwrap(),
        s("total_score_sd"),
        TOL,
    );
    assert_eq!(result.test.n_persons as f64, s("N"));
    // SEM = SD·√(1 − alpha), from the reference numbers.
    let sem = s("total_score_sd") * (1.0 - s("raw_alpha")).sqrt();
    assert_close(&format!("{set} sem"), result.test.sem.unwrap(), sem, TOL);
}

#[test]
fn lsat7_matches_psych_alpha() {
    check_against_psych("LSAT7");
}

#[test]
fn science_matches_psych_alpha() {
    check_against_psych("Science");
}

#[test]
fn lsat7_is_kr20_and_science_cronbach() {
    let l = item_analysis(
        &read_responses(&fixture_bytes("LSAT7/data.csv"), "x").unwrap(),
        &Default::default(),
    )
    .unwrap();
    let s = item_analysis(
        &read_responses(&fixture_bytes("Science/data.csv"), "x").unwrap(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(l.test.alpha_kind, "KR-20");
    assert_eq!(s.test.alpha_kind, "Cronbach");
    assert!(l
        .items
        .iter()
        .all(|i| i.biserial_r.is_some() && i.polyserial_r.is_none()));
    assert!(s
        .items
        .iter()
        .all(|i| i.polyserial_r.is_some() && i.biserial_r.is_none()));
}

#[test]
fn biserial_follows_from_psych_point_biserial() {
    // Hand computation from the reference: r_bis = r_rest · √(pq) / φ(Φ⁻¹(q)), with psych's
    // item-rest correlation and the item's proportion correct.
    let data = read_responses(&fixture_bytes("LSAT7/data.csv"), "x").unwrap();
    let r = item_analysis(&data, &Default::default()).unwrap();
    let (header, rows) = read_csv_table("LSAT7/classical_items.csv");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, it) in rows.iter().zip(&r.items) {
        let p: f64 = row[col("mean")].parse().unwrap();
        let rpb: f64 = row[col("item_rest_r")].parse().unwrap();
        let z = pacer::math::norm_quantile(1.0 - p);
        let expected = rpb * (p * (1.0 - p)).sqrt() / pacer::math::norm_pdf(z);
        assert_close(
            &format!("{} biserial", it.item),
            it.biserial_r.unwrap(),
            expected,
            1e-9,
        );
    }
}

#[test]
fn score_distribution_and_frequencies_are_counts() {
    let data = read_responses(&fixture_bytes("LSAT7/data.csv"), "x").unwrap();
    let r = item_analysis(&data, &Default::default()).unwrap();
    assert_eq!(r.score_distribution.len(), 6);
    assert_eq!(
        r.score_distribution.iter().map(|s| s.count).sum::<usize>(),
        1000
    );
    // The distribution must equal the one implied by mirt's pattern-frequency table.
    let (_, patterns) = read_csv_table("LSAT7/data_patterns_freq.csv");
    let mut expected = [0usize; 6];
    for row in &patterns {
        let score: usize = row[..5].iter().map(|c| c.parse::<usize>().unwrap()).sum();
        expected[score] += row[5].parse::<usize>().unwrap();
    }
    let got: Vec<usize> = r.score_distribution.iter().map(|s| s.count).collect();
    assert_eq!(got, expected);
    // Item 1's p-value .828 from psych means 828 correct answers.
    assert_eq!(r.items[0].frequencies, vec![172, 828]);
    assert_eq!(r.test.max_possible, 5);
}

#[test]
fn golden_files_match_native() {
    for set in ["LSAT7", "Science"] {
        let json = pacer::tools::analyze_items_json(
            &fixture_bytes(&format!("{set}/data.csv")),
            &format!("{{\"fileName\":\"{set}.csv\"}}"),
        )
        .unwrap();
        let path = fixture(&format!("golden/{set}_items.json"));
        if std::env::var("PACER_UPDATE_GOLDEN").is_ok() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("{json}\n")).unwrap();
        }
        let golden: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut golden_no_version = golden.clone();
        golden_no_version["engine"]["version"] = ours["engine"]["version"].clone();
        json_close(&ours, &golden_no_version, set);
    }
}

#[test]
fn listwise_equals_pairwise_on_complete_data() {
    let data = read_responses(&fixture_bytes("Science/data.csv"), "x").unwrap();
    let a = item_analysis(
        &data,
        &ItemAnalysisOptions {
            missing: MissingHandling::Pairwise,
        },
    )
    .unwrap();
    let b = item_analysis(
        &data,
        &ItemAnalysisOptions {
            missing: MissingHandling::Listwise,
        },
    )
    .unwrap();
    assert_eq!(a.items, b.items);
    assert_eq!(a.test, b.test);
}

/// The IRT golden file: LSAT7, 2PL, D = 1, SEs; the wasm tests compare with it (1e-9 relative:
/// wasm's libm and the native one may differ in the last bit of exp and ln).
#[test]
fn irt_golden_file_matches_native() {
    let json = pacer::tools::calibrate_irt_json(
        fixture_bytes("LSAT7/data.csv"),
        IRT_GOLDEN_OPTIONS,
        &mut |_| pacer::em::Control::Continue,
    )
    .unwrap();
    let path = fixture("golden/LSAT7_irt_2pl.json");
    if std::env::var("PACER_UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, format!("{json}\n")).unwrap();
    }
    let mut golden: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    golden["engine"]["version"] = ours["engine"]["version"].clone();
    json_close_tol(&ours, &golden, "LSAT7 irt", 1e-9);
}

/// Options of the IRT golden file (the wasm tests use the same string).
const IRT_GOLDEN_OPTIONS: &str = r#"{"fileName":"LSAT7.csv","model":"2pl","D":1,"se":true}"#;
