//! Property tests (proptest): invariances the estimators must satisfy on arbitrary data, and
//! determinism (the same input and options give bit-identical output).
//!
//! - permuting the item columns permutes the per-item results and leaves the test-level ones;
//! - duplicating every examinee leaves the estimates unchanged (the likelihood doubles, the
//!   maximum stays; proportions and correlations are the same);
//! - linking forms whose parameters differ by a known linear transformation θ* = Aθ + B
//!   recovers A and B with every method;
//! - a 1PL fitted to data generated from a 1PL recovers the generating parameters;
//! - every tool returns the same JSON, byte for byte, when run twice.

mod common;

use pacer::ctt::ItemAnalysisOptions;
use pacer::em::Control;
use pacer::equating::linking::LinkingMethod;
use pacer::tools::{self, IrtRequest, LinkRequest};
use proptest::prelude::*;

/// A response file from a matrix of scores (`None` = missing), items named `I1..Ik` in the order
/// `order` gives (column c holds item `order[c]`).
fn csv(rows: &[Vec<Option<u8>>], order: &[usize]) -> Vec<u8> {
    let mut out = String::from("id");
    for &j in order {
        out.push_str(&format!(",I{}", j + 1));
    }
    out.push('\n');
    for (p, row) in rows.iter().enumerate() {
        out.push_str(&format!("P{p}"));
        for &j in order {
            out.push(',');
            if let Some(v) = row[j] {
                out.push_str(&v.to_string());
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// 0/1 responses of `n` examinees to `k` items from a 2PL with slopes 0.5..2 and difficulties
/// −1.5..1.5, drawn from `seed` (xorshift; the same on every platform).
fn two_pl_data(n: usize, k: usize, seed: u64, missing: f64) -> Vec<Vec<Option<u8>>> {
    let mut rng = common::XorShift::new(seed | 1);
    let a: Vec<f64> = (0..k).map(|j| 0.5 + 1.5 * j as f64 / k as f64).collect();
    let b: Vec<f64> = (0..k)
        .map(|j| -1.5 + 3.0 * ((j * 7) % k) as f64 / k as f64)
        .collect();
    (0..n)
        .map(|_| {
            let theta = rng.normal();
            (0..k)
                .map(|j| {
                    let p = 1.0 / (1.0 + (-1.702 * a[j] * (theta - b[j])).exp());
                    let x = rng.uniform() < p;
                    (rng.uniform() >= missing).then_some(u8::from(x))
                })
                .collect()
        })
        .collect()
}

fn items_json(bytes: &[u8]) -> serde_json::Value {
    let r = tools::analyze_items(bytes, "data.csv", &ItemAnalysisOptions::default())
        .expect("item analysis");
    serde_json::to_value(&r).unwrap()
}

fn irt(bytes: &[u8], options: &str) -> pacer::irt::IrtCalibration {
    let req: IrtRequest = tools::parse_request(options).unwrap();
    tools::calibrate_irt(bytes, "data.csv", &req.options(), &mut |_| {
        Control::Continue
    })
    .expect("calibration")
}

/// Whether a calibration's estimates are interior: no Heywood-like or zero slope.
fn interior(r: &pacer::irt::IrtCalibration) -> bool {
    !r.warnings
        .iter()
        .any(|w| w.code == "heywood_slope" || w.code == "zero_slope")
}

/// A permutation of 0..k from a proptest-chosen vector of keys.
fn permutation(keys: &[u32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&j| (keys[j], j));
    order
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Classical statistics: permuting the columns permutes the item rows exactly (up to
    /// rounding) and leaves alpha and the score distribution.
    #[test]
    fn item_analysis_follows_a_permutation_of_the_items(
        seed in any::<u64>(),
        n in 20usize..200,
        keys in proptest::collection::vec(any::<u32>(), 3..12),
        missing in prop_oneof![Just(0.0), Just(0.1)],
    ) {
        let k = keys.len();
        let rows = two_pl_data(n, k, seed, missing);
        let identity: Vec<usize> = (0..k).collect();
        let order = permutation(&keys);
        let plain = items_json(&csv(&rows, &identity));
        let permuted = items_json(&csv(&rows, &order));
        for (c, &j) in order.iter().enumerate() {
            common::json_close_tol(&permuted["items"][c], &plain["items"][j], &format!("item {j}"), 1e-9);
        }
        let alpha = |v: &serde_json::Value| v["test"]["alpha"].as_f64();
        match (alpha(&plain), alpha(&permuted)) {
            (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9, "alpha {x} vs {y}"),
            (x, y) => prop_assert_eq!(x, y),
        }
        prop_assert_eq!(&permuted["score_distribution"], &plain["score_distribution"]);
    }

    /// Duplicating every examinee leaves the proportions, correlations and alpha unchanged.
    #[test]
    fn item_analysis_is_unchanged_by_duplicating_every_examinee(
        seed in any::<u64>(),
        n in 20usize..150,
        k in 3usize..10,
    ) {
        let rows = two_pl_data(n, k, seed, 0.0);
        let twice: Vec<_> = rows.iter().chain(&rows).cloned().collect();
        let order: Vec<usize> = (0..k).collect();
        let once = items_json(&csv(&rows, &order));
        let doubled = items_json(&csv(&twice, &order));
        for j in 0..k {
            for field in ["p_value", "mean", "item_rest_r", "item_total_r"] {
                let (a, b) = (&once["items"][j][field], &doubled["items"][j][field]);
                match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9, "{field} of item {j}: {x} vs {y}"),
                    _ => prop_assert_eq!(a, b),
                }
            }
        }
        let alpha = |v: &serde_json::Value| v["test"]["alpha"].as_f64();
        match (alpha(&once), alpha(&doubled)) {
            (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9, "alpha {x} vs {y}"),
            (x, y) => prop_assert_eq!(x, y),
        }
    }

    /// Every tool's JSON is the same byte for byte when the same input is run twice.
    #[test]
    fn results_are_bit_identical_across_runs(seed in any::<u64>(), n in 30usize..120, k in 3usize..8) {
        let rows = two_pl_data(n, k, seed, 0.05);
        let bytes = csv(&rows, &(0..k).collect::<Vec<_>>());
        let outcome = |r: pacer::Result<String>| r.unwrap_or_else(|e| e.to_json());
        let run_items = || outcome(tools::analyze_items_json(&bytes, ""));
        prop_assert_eq!(run_items(), run_items());
        let run_irt = || outcome(tools::calibrate_irt_json(&bytes, r#"{"model":"2pl","maxIter":60,"se":true}"#, &mut |_| Control::Continue));
        prop_assert_eq!(run_irt(), run_irt());
        let mut q = String::from("item,A1,A2\n");
        for j in 0..k {
            q.push_str(&format!("I{},{},{}\n", j + 1, u8::from(j % 2 == 0), u8::from(j % 3 != 0)));
        }
        let run_cdm = || outcome(tools::calibrate_cdm_json(&bytes, q.as_bytes(), r#"{"model":"dina","maxIter":50}"#, &mut |_| Control::Continue));
        prop_assert_eq!(run_cdm(), run_cdm());
    }
}

proptest! {
    // IRT fits take longer: fewer cases.
    #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

    /// A 2PL calibration follows a permutation of the items: the same estimates, permuted, and
    /// the same log-likelihood.
    #[test]
    fn irt_follows_a_permutation_of_the_items(
        seed in any::<u64>(),
        keys in proptest::collection::vec(any::<u32>(), 4..8),
    ) {
        let k = keys.len();
        let rows = two_pl_data(400, k, seed, 0.0);
        let identity: Vec<usize> = (0..k).collect();
        let order = permutation(&keys);
        let options = r#"{"model":"2pl","tol":1e-8,"maxIter":2000}"#;
        let plain = irt(&csv(&rows, &identity), options);
        let permuted = irt(&csv(&rows, &order), options);
        prop_assume!(interior(&plain) && interior(&permuted));
        prop_assert!(plain.converged && permuted.converged);
        prop_assert!((plain.loglik - permuted.loglik).abs() < 1e-7, "{} vs {}", plain.loglik, permuted.loglik);
        for (c, &j) in order.iter().enumerate() {
            let (x, y) = (&permuted.items[c], &plain.items[j]);
            prop_assert_eq!(&x.item, &y.item);
            prop_assert!((x.a1 - y.a1).abs() < 1e-5, "a1 of {}: {} vs {}", x.item, x.a1, y.a1);
            prop_assert!((x.d.unwrap() - y.d.unwrap()).abs() < 1e-5, "d of {}", x.item);
        }
    }

    /// Duplicating every examinee doubles the log-likelihood and leaves the estimates.
    #[test]
    fn irt_is_unchanged_by_duplicating_every_examinee(seed in any::<u64>(), k in 4usize..8) {
        let rows = two_pl_data(300, k, seed, 0.0);
        let twice: Vec<_> = rows.iter().chain(&rows).cloned().collect();
        let order: Vec<usize> = (0..k).collect();
        let options = r#"{"model":"2pl","tol":1e-8,"maxIter":2000}"#;
        let once = irt(&csv(&rows, &order), options);
        let doubled = irt(&csv(&twice, &order), options);
        // The invariance is of the maximum; a Heywood-like slope has none (it drifts with the
        // iterations), and such runs say so.
        prop_assume!(interior(&once) && interior(&doubled));
        prop_assert!(once.converged && doubled.converged);
        prop_assert!((2.0 * once.loglik - doubled.loglik).abs() < 1e-6, "{} vs {}", once.loglik, doubled.loglik);
        for (x, y) in once.items.iter().zip(&doubled.items) {
            prop_assert!((x.a1 - y.a1).abs() < 1e-5, "a1 of {}: {} vs {}", x.item, x.a1, y.a1);
            prop_assert!((x.d.unwrap() - y.d.unwrap()).abs() < 1e-5, "d of {}", x.item);
        }
    }

    /// A 1PL fitted to data generated from a 1PL (common slope 1 in the IRT metric, D = 1.702)
    /// recovers the slope and the difficulties: with 3,000 examinees the SE of a difficulty is
    /// about 0.05, so an RMSE below 0.15 fails only when the estimator is wrong.
    #[test]
    fn one_pl_recovers_its_generating_parameters(
        seed in any::<u64>(),
        b in proptest::collection::vec(-1.5f64..1.5, 5..10),
    ) {
        let k = b.len();
        let mut rng = common::XorShift::new(seed | 1);
        let rows: Vec<Vec<Option<u8>>> = (0..3000)
            .map(|_| {
                let theta = rng.normal();
                b.iter().map(|&bj| Some(u8::from(rng.uniform() < 1.0 / (1.0 + (-1.702 * (theta - bj)).exp())))).collect()
            })
            .collect();
        let fit = irt(&csv(&rows, &(0..k).collect::<Vec<_>>()), r#"{"model":"1pl"}"#);
        prop_assert!(fit.converged);
        let rmse = (fit.items.iter().zip(&b).map(|(it, bj)| (it.b.unwrap() - bj).powi(2)).sum::<f64>() / k as f64).sqrt();
        prop_assert!(rmse < 0.15, "difficulty RMSE {rmse}");
        prop_assert!((fit.items[0].a - 1.0).abs() < 0.12, "common slope {}", fit.items[0].a);
    }
}

/// An item-parameter file of 0/1 or graded items.
fn params_file(items: &[(f64, Vec<f64>)]) -> String {
    let mut out = String::from("item,model,a,b,b1,b2\n");
    for (j, (a, b)) in items.iter().enumerate() {
        match b.as_slice() {
            [b] => out.push_str(&format!("I{},2pl,{a},{b},,\n", j + 1)),
            [b1, b2] => out.push_str(&format!("I{},grm,{a},,{b1},{b2}\n", j + 1)),
            _ => unreachable!(),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// If the new form's parameters are the base form's on a scale θ_new = (θ − B)/A
    /// (a_new = A·a, b_new = (b − B)/A), every linking method recovers A and B.
    #[test]
    fn linking_recovers_a_linear_transformation_of_the_scale(
        a_scale in 0.5f64..2.0,
        b_shift in -1.5f64..1.5,
        items in proptest::collection::vec((0.5f64..2.0, -2.0f64..2.0, 0.2f64..1.5, any::<bool>()), 4..10),
    ) {
        let base: Vec<(f64, Vec<f64>)> = items
            .iter()
            .map(|&(a, b, step, graded)| (a, if graded { vec![b, b + step] } else { vec![b] }))
            .collect();
        let new: Vec<(f64, Vec<f64>)> = base
            .iter()
            .map(|(a, b)| (a * a_scale, b.iter().map(|v| (v - b_shift) / a_scale).collect()))
            .collect();
        let mut anchors = String::from("new_item,base_item\n");
        for j in 0..items.len() {
            anchors.push_str(&format!("I{},I{}\n", j + 1, j + 1));
        }
        for method in LinkingMethod::ALL {
            let req: LinkRequest = tools::parse_request(&format!(r#"{{"method":"{}"}}"#, method.name())).unwrap();
            let r = tools::link_forms(
                (params_file(&base).as_bytes(), "base.csv"),
                (params_file(&new).as_bytes(), "new.csv"),
                (anchors.as_bytes(), "anchors.csv"),
                &req.options(),
            ).expect("linking");
            let constants = r.methods.iter().find(|m| m.method == method).expect("the method's constants");
            prop_assert!((constants.a - a_scale).abs() < 1e-5, "{}: A {} vs {a_scale}", method.name(), constants.a);
            prop_assert!((constants.b - b_shift).abs() < 1e-5, "{}: B {} vs {b_shift}", method.name(), constants.b);
        }
    }
}

/// Native results on the pseudo-random data sets of `common::RANDOM_CASES`, kept in
/// tests/fixtures/golden/random.json (PACER_UPDATE_GOLDEN=1 rewrites it): the wasm tests
/// compute the same and compare within 1e-10, and this test checks the native build still
/// gives exactly these results.
#[test]
fn random_golden_file_matches_native() {
    let mut cases = Vec::new();
    for (seed, n, k) in common::RANDOM_CASES {
        let data = common::random_response_csv(seed, n, k);
        let items: serde_json::Value =
            serde_json::from_str(&tools::analyze_items_json(&data, "").unwrap()).unwrap();
        let irt: serde_json::Value = serde_json::from_str(
            &tools::calibrate_irt_json(&data, common::RANDOM_IRT_OPTIONS, &mut |_| {
                Control::Continue
            })
            .unwrap(),
        )
        .unwrap();
        let cdm: serde_json::Value = serde_json::from_str(
            &tools::calibrate_cdm_json(
                &data,
                common::random_qmatrix(k).as_bytes(),
                common::RANDOM_CDM_OPTIONS,
                &mut |_| Control::Continue,
            )
            .unwrap(),
        )
        .unwrap();
        cases.push(serde_json::json!({ "seed": seed, "items": items, "irt": irt, "cdm": cdm }));
    }
    let ours = serde_json::Value::Array(cases);
    let path = common::fixture("golden/random.json");
    if std::env::var("PACER_UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, format!("{ours}\n")).unwrap();
    }
    let golden: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut golden = golden;
    for c in golden.as_array_mut().unwrap() {
        for tool in ["items", "irt", "cdm"] {
            c[tool]["engine"]["version"] = serde_json::json!(env!("CARGO_PKG_VERSION"));
        }
    }
    common::json_close_tol(&ours, &golden, "random", 1e-12);
}
