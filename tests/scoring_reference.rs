//! Test Scoring against mirt 1.45.1's `fscores` (61 nodes on [−6, 6], N(0, 1) prior, D = 1):
//! θ and SE of ML, MAP, EAP and WLE for every response pattern of LSAT7 (2PL) and Science
//! (graded), and LSAT7's summed-score EAP table, within 1e-3; the item parameters come from a
//! parameter file holding mirt's estimates, as a user would score with external parameters.

mod common;
use common::*;
use pacer::data::{read_item_parameters, read_responses};
use pacer::scoring::{match_items, score, ScoringMethod, ScoringOptions, TestScoring};

/// A parameter file (item, model, a, d1..) from mirt's slope-intercept estimates.
fn parameter_file(pars: &str, model: &str, scores: Option<&str>) -> Vec<u8> {
    let (h, rows) = read_csv_table(pars);
    let ds: Vec<usize> = (0..h.len())
        .filter(|&i| h[i] == "d" || (h[i].starts_with('d') && !h[i].ends_with("_se")))
        .collect();
    let mut out = format!(
        "item,model,a,{}{}\n",
        (1..=ds.len())
            .map(|k| format!("d{k}"))
            .collect::<Vec<_>>()
            .join(","),
        if scores.is_some() { ",scores" } else { "" }
    );
    let a = h.iter().position(|c| c == "a1").unwrap();
    for r in &rows {
        out.push_str(&format!("{},{model},{}", r[0], r[a]));
        for &i in &ds {
            out.push_str(&format!(",{}", r[i]));
        }
        if let Some(s) = scores {
            out.push_str(&format!(",{s}"));
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// The patterns of a mirt `fscores` pattern file as a response file, and the reference rows.
fn patterns(file: &str, n_items: usize) -> (Vec<u8>, Vec<String>, Vec<Vec<String>>) {
    let (h, rows) = read_csv_table(file);
    let mut csv = h[..n_items].join(",") + "\n";
    for r in &rows {
        csv.push_str(&r[..n_items].join(","));
        csv.push('\n');
    }
    (csv.into_bytes(), h, rows)
}

fn run(data: &[u8], params: &[u8], method: ScoringMethod) -> TestScoring {
    let data = read_responses(data, "patterns.csv").unwrap();
    let items = read_item_parameters(params, "params.csv", 1.0).unwrap();
    let (items, codes) = match_items(&data, &items, "params.csv").unwrap();
    let options = ScoringOptions {
        method,
        d_constant: 1.0,
        ..ScoringOptions::default()
    };
    score(&data, &items, &codes, "params.csv", &options).unwrap()
}

fn check_all_methods(fscores: &str, n_items: usize, params: &[u8]) {
    let (data, h, rows) = patterns(fscores, n_items);
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    for (method, name) in [
        (ScoringMethod::Eap, "EAP"),
        (ScoringMethod::Map, "MAP"),
        (ScoringMethod::Ml, "ML"),
        (ScoringMethod::Wle, "WLE"),
    ] {
        let r = run(&data, params, method);
        assert_eq!(r.persons.len(), rows.len());
        for (p, row) in r.persons.iter().zip(&rows) {
            let want = &row[col(name)];
            let pattern = row[..n_items].join("");
            if want.contains("Inf") {
                assert_eq!(p.theta, None, "{name} {pattern}");
                assert!(p.extreme.is_some(), "{name} {pattern}");
                continue;
            }
            let theta = p
                .theta
                .unwrap_or_else(|| panic!("{name} {pattern}: no estimate"));
            assert_close(
                &format!("{name} θ {pattern}"),
                theta,
                want.parse().unwrap(),
                1e-3,
            );
            assert_close(
                &format!("{name} SE {pattern}"),
                p.se.unwrap(),
                row[col(&format!("{name}_SE"))].parse().unwrap(),
                1e-3,
            );
        }
    }
}

#[test]
fn lsat7_2pl_scores_match_mirt_for_every_pattern() {
    let params = parameter_file("LSAT7/mirt_2PL_pars_slopeint_se.csv", "2pl", None);
    check_all_methods("LSAT7/mirt_2PL_fscores_patterns.csv", 5, &params);
}

#[test]
fn science_graded_scores_match_mirt_for_every_pattern() {
    let params = parameter_file(
        "Science/mirt_GRM_pars_slopeint_se.csv",
        "grm",
        Some("1;2;3;4"),
    );
    check_all_methods("Science/mirt_GRM_fscores_patterns.csv", 4, &params);
}

#[test]
fn lsat7_summed_score_table_matches_mirt() {
    let params = parameter_file("LSAT7/mirt_2PL_pars_slopeint_se.csv", "2pl", None);
    let data = fixture_bytes("LSAT7/data.csv");
    let r = run(&data, &params, ScoringMethod::Eapsum);
    let (h, rows) = read_csv_table("LSAT7/mirt_2PL_eapsum_table.csv");
    let col = |n: &str| h.iter().position(|c| c.trim_matches('"') == n).unwrap();
    assert_eq!(r.eapsum_table.len(), rows.len());
    for (t, row) in r.eapsum_table.iter().zip(&rows) {
        let s = t.sum_score;
        assert_close(
            &format!("EAPsum θ {s}"),
            t.theta.expect("defined"),
            row[col("F1")].parse().unwrap(),
            1e-3,
        );
        assert_close(
            &format!("EAPsum SE {s}"),
            t.se.expect("defined"),
            row[col("SE_F1")].parse().unwrap(),
            1e-3,
        );
        assert_eq!(t.n.to_string(), row[col("observed")]);
        assert_close(
            &format!("expected {s}"),
            t.expected,
            row[col("expected")].parse().unwrap(),
            1e-3,
        );
    }
    // Each examinee gets the table's value for their summed score.
    for p in &r.persons {
        let t = &r.eapsum_table[p.sum_score as usize];
        assert_eq!((p.theta, p.se), (t.theta, t.se));
    }
}

#[test]
fn reporting_and_test_characteristics() {
    use pacer::scoring::ScaleTransform;
    let (h, rows) = read_csv_table("LSAT7/mirt_2PL_pars_slopeint_se.csv");
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let pars: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r[col("a1")].parse().unwrap(), r[col("d")].parse().unwrap()))
        .collect();
    let params = parameter_file("LSAT7/mirt_2PL_pars_slopeint_se.csv", "2pl", None);
    let data = read_responses(&fixture_bytes("LSAT7/data.csv"), "LSAT7.csv").unwrap();
    let items = read_item_parameters(&params, "params.csv", 1.0).unwrap();
    let (items, codes) = match_items(&data, &items, "params.csv").unwrap();
    let scale = ScaleTransform {
        slope: 10.0,
        intercept: 50.0,
        decimals: None,
        min: Some(20.0),
        max: Some(80.0),
    };
    let options = ScoringOptions {
        method: ScoringMethod::Ml,
        d_constant: 1.0,
        theta_points: vec![-1.0, 0.0, 2.5],
        scale: Some(scale.clone()),
        cuts: vec![45.0, 55.0],
        levels: vec!["Basic".into(), "Proficient".into(), "Advanced".into()],
        ..ScoringOptions::default()
    };
    let r = score(&data, &items, &codes, "params.csv", &options).unwrap();
    // TCC and TIF by the 2PL's formulas.
    for (i, &t) in r.characteristics.theta.iter().enumerate() {
        let p: Vec<f64> = pars
            .iter()
            .map(|(a, d)| 1.0 / (1.0 + (-(a * t + d)).exp()))
            .collect();
        let tcc: f64 = p.iter().sum();
        let tif: f64 = pars
            .iter()
            .zip(&p)
            .map(|((a, _), p)| a * a * p * (1.0 - p))
            .sum();
        assert_close("TCC", r.characteristics.tcc[i], tcc, 1e-12);
        assert_close("TIF", r.characteristics.tif[i], tif, 1e-12);
        assert_close(
            "CSEM",
            r.characteristics.csem[i].expect("positive information"),
            1.0 / tif.sqrt(),
            1e-12,
        );
    }
    assert_eq!(r.characteristics.max_score, 5);
    // Marginal reliability over 61 nodes on [−6, 6] with normal weights.
    let nodes: Vec<f64> = (0..61).map(|i| -6.0 + 0.2 * i as f64).collect();
    let w: Vec<f64> = nodes.iter().map(|t| (-t * t / 2.0).exp()).collect();
    let total: f64 = w.iter().sum();
    let err: f64 = nodes
        .iter()
        .zip(&w)
        .map(|(&t, &w)| {
            let info: f64 = pars
                .iter()
                .map(|(a, d)| {
                    let p = 1.0 / (1.0 + (-(a * t + d)).exp());
                    a * a * p * (1.0 - p)
                })
                .sum();
            w / total / info
        })
        .sum();
    assert_close(
        "marginal reliability",
        r.marginal_reliability,
        1.0 / (1.0 + err),
        1e-12,
    );
    // Scale scores, levels and classification.
    let class = r.classification.as_ref().unwrap();
    assert_eq!(class.levels.iter().map(|l| l.n).sum::<usize>(), 1000);
    assert_eq!(class.levels[2].name, "Advanced");
    assert!(class.accuracy > 1.0 / 3.0 && class.accuracy < 1.0);
    assert!(class.consistency > 1.0 / 3.0 && class.consistency <= class.accuracy + 1e-12);
    for p in &r.persons {
        match (p.theta, p.extreme) {
            (Some(t), _) => {
                let s = (10.0 * t + 50.0).round().clamp(20.0, 80.0);
                assert_eq!(p.scale_score, Some(s));
                assert_eq!(
                    p.level,
                    Some(usize::from(s >= 45.0) + usize::from(s >= 55.0))
                );
                assert!(p.p_above[0] >= p.p_above[1]);
            }
            (None, Some("minimum")) => {
                assert_eq!((p.scale_score, p.level), (Some(20.0), Some(0)));
                assert_eq!(p.p_above, vec![0.0, 0.0]);
            }
            (None, Some("maximum")) => {
                assert_eq!((p.scale_score, p.level), (Some(80.0), Some(2)));
                assert_eq!(p.p_above, vec![1.0, 1.0]);
            }
            _ => panic!("no estimate and not extreme: {p:?}"),
        }
    }
    assert_eq!(r.warnings[0].code, "ml_extreme_patterns");
    // Options out of order are errors.
    let bad = ScoringOptions {
        cuts: vec![1.0, 0.0],
        ..ScoringOptions::default()
    };
    assert!(score(&data, &items, &codes, "params.csv", &bad).is_err());
}

#[test]
fn a_missing_response_scores_as_if_the_item_were_not_in_the_test() {
    // EAP, WLE and EAP-sum of LSAT7 patterns with Item.3 missing (every other examinee) equal
    // those of the four-item test without Item.3 (the row kernel subtracts the missing item's
    // row).
    let params = parameter_file("LSAT7/mirt_2PL_pars_slopeint_se.csv", "2pl", None);
    let text = String::from_utf8(fixture_bytes("LSAT7/data.csv")).unwrap();
    let mut with_missing = String::new();
    let mut without = String::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let mut blanked = cells.clone();
        if i % 2 == 1 {
            blanked[2] = "";
        }
        with_missing.push_str(&(blanked.join(",") + "\n"));
        let kept: Vec<&str> = cells
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != 2)
            .map(|(_, c)| *c)
            .collect();
        without.push_str(&(kept.join(",") + "\n"));
    }
    let four: String = String::from_utf8(params.clone())
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("Item.3,"))
        .map(|l| format!("{l}\n"))
        .collect();
    for method in [
        ScoringMethod::Eap,
        ScoringMethod::Wle,
        ScoringMethod::Eapsum,
    ] {
        let a = run(with_missing.as_bytes(), &params, method);
        let b = run(without.as_bytes(), four.as_bytes(), method);
        for (p, q) in a.persons.iter().zip(&b.persons).step_by(2) {
            assert_eq!(p.answered, 4);
            assert_close("θ", p.theta.unwrap(), q.theta.unwrap(), 1e-10);
            assert_close("SE", p.se.unwrap(), q.se.unwrap(), 1e-10);
        }
    }
}
