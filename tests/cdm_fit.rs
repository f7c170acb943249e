//! Absolute fit of CDMs: the noncentral chi-square distribution and the RMSEA interval against
//! scipy (tests/fixtures/noncentral_chi_square), and M2 checked by simulation: under a correct
//! model its replications average their degrees of freedom and reject at about the nominal
//! rate; under a wrong one it rejects. (The GDINA package's `modelfit` is the reference
//! formula; no GDINA M2 values for these data sets are in the reference set.)

mod common;

use pacer::cdm::higher_order::class_proportions;
use pacer::cdm::patterns::{attribute_patterns, group_of_classes};
use pacer::cdm::{calibrate, AttributeDistribution, CdmModel, CdmOptions};
use pacer::data::{read_qmatrix, ResponseMatrix};
use pacer::em::Control;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn noncentral_chi_square_and_rmsea_interval_match_scipy() {
    let reference: serde_json::Value =
        serde_json::from_str(&fixture("noncentral_chi_square/scipy.json")).unwrap();
    for case in reference["cdf"].as_array().unwrap() {
        let f = |k: &str| case[k].as_f64().unwrap();
        let ours = pacer::math::noncentral_chi_square_cdf(f("x"), f("df"), f("ncp"));
        let expected = f("cdf");
        let tol = 1e-12 + 1e-9 * expected;
        assert!(
            (ours - expected).abs() <= tol,
            "F({}; {}, {}) = {ours}, scipy {expected}",
            f("x"),
            f("df"),
            f("ncp")
        );
    }
    for case in reference["rmsea_interval_90"].as_array().unwrap() {
        let stat = case["stat"].as_f64().unwrap();
        let df = case["df"].as_u64().unwrap() as usize;
        let n = case["n"].as_f64().unwrap();
        let (lo, hi) = pacer::margins::rmsea_interval(stat, df, n, 0.90);
        let expected = case["interval"].as_array().unwrap();
        for (ours, theirs) in [lo, hi].iter().zip(expected) {
            let theirs = theirs.as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-8,
                "RMSEA interval of {stat} on {df} df, N = {n}: {lo}, {hi} vs {expected:?}"
            );
        }
    }
}

/// Q-matrix of the simulations: 15 items on 3 attributes (each single attribute twice, each
/// pair twice, all three three times).
const Q: &str = "item,A1,A2,A3\n\
    I01,1,0,0\nI02,0,1,0\nI03,0,0,1\nI04,1,0,0\nI05,0,1,0\nI06,0,0,1\n\
    I07,1,1,0\nI08,1,0,1\nI09,0,1,1\nI10,1,1,0\nI11,1,0,1\nI12,0,1,1\n\
    I13,1,1,1\nI14,1,1,1\nI15,1,1,1\n";

/// N examinees from a higher-order class distribution and the DINA (or DINO) model with
/// guess 0.1 + 0.005 j and slip 0.08 + 0.004 j.
fn simulate(n: usize, dino: bool, rng: &mut Xoshiro256PlusPlus) -> ResponseMatrix {
    let q = read_qmatrix(Q.as_bytes(), "Q.csv").unwrap();
    let classes = attribute_patterns(3);
    let pi = class_proportions(&classes, 3, &[-0.3, 1.5, 0.2, 1.2, 0.5, 1.8]);
    let required: Vec<Vec<usize>> = (0..15).map(|j| q.required(j)).collect();
    let groups: Vec<Vec<u32>> = required
        .iter()
        .map(|r| group_of_classes(&classes, r))
        .collect();
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut codes = Vec::with_capacity(n * 15);
    for _ in 0..n {
        let c = common::draw_category(&pi, uniform());
        for j in 0..15 {
            let top = (1u32 << required[j].len()) - 1;
            let g = groups[j][c];
            let high = if dino { g != 0 } else { g == top };
            let p = if high {
                1.0 - (0.08 + 0.004 * j as f64)
            } else {
                0.1 + 0.005 * j as f64
            };
            codes.push(u8::from(uniform() < p));
        }
    }
    ResponseMatrix::from_codes(q.items.clone(), codes, "sim.csv").unwrap()
}

/// M2 and its df of `model` with `distribution` on `data`.
fn m2_of(
    data: &ResponseMatrix,
    model: CdmModel,
    distribution: AttributeDistribution,
) -> (f64, usize, f64) {
    let q = read_qmatrix(Q.as_bytes(), "Q.csv").unwrap();
    let options = CdmOptions {
        model,
        distribution,
        starts: 1,
        ..CdmOptions::default()
    };
    let r = calibrate(data, &q, "Q.csv", &options, &mut |_| Control::Continue).unwrap();
    let m2 = r.m2.unwrap_or_else(|| panic!("no M2: {:?}", r.fit_note));
    (m2.m2, m2.df, m2.p)
}

#[test]
fn m2_follows_its_reference_distribution_under_the_model() {
    // 100 replications of N = 1,000 from a DINA model with a higher-order class distribution,
    // fitted by DINA (saturated and higher-order distributions) and by G-DINA. The mean of a
    // chi-square on df degrees of freedom over 100 replications has SD √(2 df / 100) (1.3 at
    // df = 83): the means must be within 4 SDs plus 3% of df (the small-sample bias of an
    // asymptotic statistic), and at most 12 of the 100 may reject at the 5% level.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20261124);
    let fits = [
        (CdmModel::Dina, AttributeDistribution::Saturated),
        (CdmModel::Dina, AttributeDistribution::HigherOrder),
        (CdmModel::Gdina, AttributeDistribution::Saturated),
    ];
    let reps = 100;
    let mut sums = [0.0; 3];
    let mut rejections = [0; 3];
    let mut dfs = [0; 3];
    for _ in 0..reps {
        let data = simulate(1000, false, &mut rng);
        for (f, &(model, distribution)) in fits.iter().enumerate() {
            let (m2, df, p) = m2_of(&data, model, distribution);
            sums[f] += m2;
            dfs[f] = df;
            rejections[f] += usize::from(p < 0.05);
        }
    }
    for (f, fit) in fits.iter().enumerate() {
        let mean = sums[f] / reps as f64;
        let df = dfs[f] as f64;
        let allowed = 4.0 * (2.0 * df / reps as f64).sqrt() + 0.03 * df;
        eprintln!(
            "{fit:?}: df {df}, mean M2 {mean:.2} (allowed ±{allowed:.2}), {} of {reps} rejected at 5%",
            rejections[f]
        );
        assert!(
            (mean - df).abs() <= allowed,
            "{fit:?}: mean {mean} on {df} df"
        );
        assert!(rejections[f] <= 12, "{fit:?}: {} rejections", rejections[f]);
    }
    assert_eq!(dfs, [120 - 37, 120 - 36, 120 - 67]);
}

#[test]
fn m2_rejects_a_wrong_model() {
    // DINO data fitted by DINA: the misfit is large at N = 1,000.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let data = simulate(1000, true, &mut rng);
    let (m2, df, p) = m2_of(&data, CdmModel::Dina, AttributeDistribution::Saturated);
    eprintln!("DINA on DINO data: M2 {m2:.1} on {df} df, p {p:e}");
    assert!(p < 1e-6);
    let (m2, df, p) = m2_of(&data, CdmModel::Dino, AttributeDistribution::Saturated);
    eprintln!("DINO on DINO data: M2 {m2:.1} on {df} df, p {p}");
    assert!(p > 1e-3);
}
