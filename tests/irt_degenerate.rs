//! IRT calibration on degenerate and awkward data: each case converges or fails with a clear
//! message, and no result holds NaN.

mod common;
use common::*;
use pacer::data::{read_responses, ResponseMatrix, MISSING};
use pacer::em::{Control, StopReason};
use pacer::error::ErrorCode;
use pacer::irt::{calibrate, DichotomousModel, IrtCalibration, IrtOptions, QuadratureRule};

fn no_nan(r: &IrtCalibration) {
    let v = serde_json::to_value(r).unwrap();
    fn walk(v: &serde_json::Value, path: &str) {
        match v {
            serde_json::Value::Number(n) => assert!(n.as_f64().unwrap().is_finite(), "{path}"),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, &format!("{path}[{i}]"))),
            serde_json::Value::Object(o) => {
                o.iter().for_each(|(k, x)| walk(x, &format!("{path}.{k}")))
            }
            _ => {}
        }
    }
    walk(&v, "result");
    assert!(r.loglik.is_finite());
    for it in &r.items {
        assert!(
            it.a1.is_finite() && it.d.unwrap().is_finite() && it.b.unwrap().is_finite(),
            "{it:?}"
        );
    }
}

/// Responses simulated from a 2PL with a small LCG (deterministic).
fn simulate(n: usize, a: &[f64], d: &[f64], missing_rate: f64) -> ResponseMatrix {
    let mut s: u64 = 99;
    let mut unif = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64) / ((1u64 << 53) as f64)
    };
    let mut codes = Vec::with_capacity(n * a.len());
    for _ in 0..n {
        // Box-Muller normal ability.
        let theta =
            (-2.0 * unif().max(1e-300).ln()).sqrt() * (2.0 * std::f64::consts::PI * unif()).cos();
        for j in 0..a.len() {
            if unif() < missing_rate {
                codes.push(MISSING);
            } else {
                let p = 1.0 / (1.0 + (-(a[j] * theta + d[j])).exp());
                codes.push((unif() < p) as u8);
            }
        }
    }
    ResponseMatrix::from_codes(
        (1..=a.len()).map(|j| format!("i{j}")).collect(),
        codes,
        "sim",
    )
    .unwrap()
}

fn run(data: &ResponseMatrix, model: DichotomousModel) -> pacer::Result<IrtCalibration> {
    let mut o = IrtOptions::new(model);
    o.se = true;
    calibrate(data, &o, &mut |_| Control::Continue)
}

#[test]
fn an_item_everyone_answers_correctly_is_a_clear_error() {
    let data = read_responses(b"a,b,c\n1,0,1\n1,1,0\n1,0,0\n1,1,1\n", "t.csv").unwrap();
    let e = run(&data, DichotomousModel::TwoPl).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TooFewData);
    assert!(
        e.to_string().contains("item 'a'") && e.to_string().contains("scored 1"),
        "{e}"
    );
}

#[test]
fn polytomous_scores_are_a_clear_error() {
    let data = read_responses(&fixture_bytes("Science/data.csv"), "Science.csv").unwrap();
    let e = run(&data, DichotomousModel::TwoPl).unwrap_err();
    assert!(e.to_string().contains("0/1"), "{e}");
}

#[test]
fn a_two_item_test_converges_or_reports_without_nan() {
    let data = simulate(500, &[1.2, 0.8], &[0.3, -0.4], 0.0);
    for model in [
        DichotomousModel::Rasch,
        DichotomousModel::OnePl,
        DichotomousModel::TwoPl,
    ] {
        let r = run(&data, model).unwrap();
        no_nan(&r);
        assert!(
            r.converged || r.warnings.iter().any(|w| w.code == "not_converged"),
            "{model:?}"
        );
        // Two items identify three pattern probabilities: the 2PL's four parameters are not
        // identified, and the output must say why it has no SEs.
        if model == DichotomousModel::TwoPl && r.items[0].se_a1.is_none() {
            assert!(r
                .warnings
                .iter()
                .any(|w| w.code == "information_not_positive_definite"));
        }
    }
}

#[test]
fn a_perfect_guttman_pattern_set_stays_finite() {
    // Items ordered by difficulty and every examinee answers a prefix correctly: slopes diverge
    // in theory; the fit must stop (iteration limit) and say so, or converge, without NaN.
    let mut text = String::from("i1,i2,i3,i4\n");
    for k in 0..=4 {
        for _ in 0..20 {
            let row: Vec<&str> = (0..4).map(|j| if j < k { "1" } else { "0" }).collect();
            text.push_str(&row.join(","));
            text.push('\n');
        }
    }
    let data = read_responses(text.as_bytes(), "guttman.csv").unwrap();
    let mut o = IrtOptions::new(DichotomousModel::TwoPl);
    o.max_iterations = 200;
    let r = calibrate(&data, &o, &mut |_| Control::Continue).unwrap();
    no_nan(&r);
    if !r.converged {
        assert!(r.warnings.iter().any(|w| w.code == "not_converged"));
    }
}

#[test]
fn all_missing_rows_and_missing_cells_are_ignored_not_deleted() {
    let a = [1.0, 1.5, 0.7, 1.2, 0.9, 1.1];
    let d = [0.5, -0.2, 0.0, 1.0, -0.8, 0.3];
    let full = simulate(3000, &a, &d, 0.0);
    let holes = simulate(3000, &a, &d, 0.1);
    // Add five all-missing examinees to the version with holes.
    let mut codes = holes.codes().to_vec();
    codes.extend(std::iter::repeat_n(MISSING, 5 * a.len()));
    let holes = ResponseMatrix::from_codes(holes.items().to_vec(), codes, "holes").unwrap();
    let r_full = run(&full, DichotomousModel::TwoPl).unwrap();
    let r_holes = run(&holes, DichotomousModel::TwoPl).unwrap();
    no_nan(&r_holes);
    assert_eq!(r_holes.n_persons, 3005);
    for (x, (y, (&ta, &td))) in r_full
        .items
        .iter()
        .zip(r_holes.items.iter().zip(a.iter().zip(&d)))
    {
        // Both recover the generating values within sampling error.
        assert!(
            (x.a1 - ta).abs() < 0.25 && (y.a1 - ta).abs() < 0.25,
            "{} {} {}",
            x.a1,
            y.a1,
            ta
        );
        assert!(
            (x.d.unwrap() - td).abs() < 0.2 && (y.d.unwrap() - td).abs() < 0.2,
            "{:?} {:?} {}",
            x.d,
            y.d,
            td
        );
    }
}

#[test]
fn every_model_and_both_quadratures_run_clean() {
    let data = read_responses(&fixture_bytes("LSAT7/data.csv"), "LSAT7.csv").unwrap();
    for model in [
        DichotomousModel::Rasch,
        DichotomousModel::OnePl,
        DichotomousModel::TwoPl,
        DichotomousModel::ThreePl,
        DichotomousModel::FourPl,
    ] {
        for rule in [QuadratureRule::Rectangular, QuadratureRule::GaussHermite] {
            let mut o = IrtOptions::new(model);
            o.quadrature_rule = rule;
            o.se = true;
            let r = calibrate(&data, &o, &mut |_| Control::Continue).unwrap();
            no_nan(&r);
            assert!(
                r.loglik < 0.0 && r.loglik > -2700.0,
                "{model:?} {rule:?}: {}",
                r.loglik
            );
        }
    }
    // Gauss-Hermite with 41 nodes is close to the 61-node grid for the 2PL.
    let mut o = IrtOptions::new(DichotomousModel::TwoPl);
    let grid = calibrate(&data, &o, &mut |_| Control::Continue).unwrap();
    o.quadrature_rule = QuadratureRule::GaussHermite;
    o.quadrature_nodes = Some(41);
    let gh = calibrate(&data, &o, &mut |_| Control::Continue).unwrap();
    assert_close("GH vs grid logLik", gh.loglik, grid.loglik, 1e-2);
}

#[test]
fn cancel_and_iteration_limit_are_reported_never_hidden() {
    let data = read_responses(&fixture_bytes("LSAT7/data.csv"), "LSAT7.csv").unwrap();
    let mut o = IrtOptions::new(DichotomousModel::TwoPl);
    o.max_iterations = 2;
    let r = calibrate(&data, &o, &mut |_| Control::Continue).unwrap();
    assert_eq!(
        (r.converged, r.stop_reason),
        (false, StopReason::IterationLimit)
    );
    assert!(r.warnings.iter().any(|w| w.code == "not_converged"));
    o.max_iterations = 500;
    let r = calibrate(&data, &o, &mut |p| {
        if p.iteration >= 3 {
            Control::Cancel
        } else {
            Control::Continue
        }
    })
    .unwrap();
    assert_eq!(r.stop_reason, StopReason::Cancelled);
    assert!(!r.converged);
}

#[test]
fn absurd_options_are_refused_before_fitting() {
    let data = read_responses(&fixture_bytes("LSAT7/data.csv"), "LSAT7.csv").unwrap();
    type Tweak = Box<dyn Fn(&mut IrtOptions)>;
    let cases: Vec<Tweak> = vec![
        Box::new(|o| o.quadrature_nodes = Some(0)),
        Box::new(|o| o.tolerance = -1.0),
        Box::new(|o| o.d_constant = 0.0),
        Box::new(|o| o.max_iterations = 0),
    ];
    for set in cases {
        let mut o = IrtOptions::new(DichotomousModel::TwoPl);
        set(&mut o);
        let e = calibrate(&data, &o, &mut |_| Control::Continue).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    }
    let e =
        pacer::tools::calibrate_irt_json(b"a,b\n1,0\n0,1\n", "{\"model\":\"5pl\"}", &mut |_| {
            Control::Continue
        })
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
}
