//! IRT linking and equating checked against plink 1.5.1 on Kolen & Brennan's KB04 example
//! (tests/fixtures/linking_KB04), and linking on true parameters of two forms with known
//! constants.

mod common;

use pacer::data::{read_anchors, read_item_parameters, ParameterItem};
use pacer::equating::linking::{self, CurveOptions, LinkingMethod};
use pacer::equating::observed_score::{
    observed_score_equating, ObservedScoreEquating, ObservedScoreOptions, ScoreProbability,
};
use pacer::equating::{equate, link, Equating, EquatingOptions, Forms, LinkingOptions};
use pacer::irt::{ItemModel, PolyItem};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/linking_KB04/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A KB04 parameter file in pacer's format: the `model` column added.
fn params(name: &str, d: f64) -> Vec<ParameterItem> {
    let text = fixture(name);
    assert_eq!(text.lines().next().unwrap().trim(), "item,a,b,c");
    let out = common::kb04_params_text(&text);
    read_item_parameters(out.as_bytes(), name, d).unwrap()
}

fn anchors(exclude_27: bool) -> Vec<pacer::data::Anchor> {
    let text = common::kb04_anchors_text(&fixture("common_items.csv"));
    let mut a = read_anchors(text.as_bytes(), "common_items.csv").unwrap();
    if exclude_27 {
        a.retain(|a| a.new_item != "27");
    }
    a
}

#[test]
fn kb04_constants_match_plink() {
    let reference = fixture("plink_constants.csv");
    let mut worst: f64 = 0.0;
    let mut rows = 0;
    for line in reference.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let d: f64 = f[0].parse().unwrap();
        let exclude = f[1] == "27";
        let method = match f[2] {
            "Mean/Mean" => LinkingMethod::MeanMean,
            "Mean/Sigma" => LinkingMethod::MeanSigma,
            "Haebara" => LinkingMethod::Haebara,
            "Stocking-Lord" => LinkingMethod::StockingLord,
            other => panic!("unknown method {other}"),
        };
        let (a_ref, b_ref): (f64, f64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        let new = params("form_x_new_pars.csv", d);
        let base = params("form_y_old_pars.csv", d);
        let options = LinkingOptions {
            method,
            d_constant: d,
            exclude: if exclude { vec!["27".into()] } else { vec![] },
            ..Default::default()
        };
        let r = link(
            Forms {
                base: &base,
                base_file: "y.csv",
                new: &new,
                new_file: "x.csv",
                anchors: &anchors(false),
                anchor_file: "anchors.csv",
            },
            &options,
        )
        .unwrap();
        assert!(r.converged, "{line}: converged");
        assert_eq!(r.n_anchors, if exclude { 11 } else { 12 });
        let diff = (r.a - a_ref).abs().max((r.b - b_ref).abs());
        assert!(
            diff < 1e-3,
            "{line}: ours A = {}, B = {} (difference {diff})",
            r.a,
            r.b
        );
        worst = worst.max(diff);
        rows += 1;
        // Leaving the item out of the anchor file is the same as excluding it.
        let r2 = link(
            Forms {
                base: &base,
                base_file: "y.csv",
                new: &new,
                new_file: "x.csv",
                anchors: &anchors(exclude),
                anchor_file: "anchors.csv",
            },
            &LinkingOptions {
                exclude: vec![],
                ..options.clone()
            },
        )
        .unwrap();
        assert!((r2.a - r.a).abs() < 1e-9 && (r2.b - r.b).abs() < 1e-9);
    }
    assert_eq!(rows, 16);
    eprintln!("KB04: largest difference from plink over 16 constants pairs: {worst:.2e}");
}

/// Items on the base scale and the same items on a new scale with θ_new = (θ_base − B)/A: the
/// new form's parameters are the base ones transformed by the inverse (1/A, −B/A).
fn simulated_forms(a: f64, b: f64) -> (Vec<ParameterItem>, Vec<ParameterItem>) {
    let item = |name: &str, model: ItemModel, a1: f64, d: Vec<f64>, g: f64| ParameterItem {
        item: name.into(),
        params: PolyItem {
            model,
            a1,
            d,
            g,
            u: 1.0,
        },
        scores: vec![],
        row: 0,
    };
    let base = vec![
        item("b1", ItemModel::ThreePl, 1.7 * 1.1, vec![0.4], 0.2),
        item("b2", ItemModel::TwoPl, 0.8, vec![-0.6], 0.0),
        item("b3", ItemModel::OnePl, 1.0, vec![1.2], 0.0),
        item("b4", ItemModel::Grm, 1.4, vec![2.0, 0.3, -1.5], 0.0),
        item("b5", ItemModel::Gpcm, 0.9, vec![0.5, 0.2, -0.9], 0.0),
        item("b6", ItemModel::Pcm, 1.0, vec![-0.3, -1.1], 0.0),
        item("b7", ItemModel::ThreePl, 2.2, vec![-1.0], 0.15),
        item("b8", ItemModel::TwoPl, 1.3, vec![0.9], 0.0),
    ];
    let new = base
        .iter()
        .map(|it| ParameterItem {
            item: it.item.replace('b', "n"),
            params: linking::transform(&it.params, 1.0 / a, -b / a),
            ..it.clone()
        })
        .collect();
    (base, new)
}

#[test]
fn true_parameters_give_back_the_constants_with_every_method() {
    for &(a_true, b_true) in &[(1.3, -0.4), (0.7, 0.9), (1.0, 0.0)] {
        let (base, new) = simulated_forms(a_true, b_true);
        let anchor_csv: String = std::iter::once("new_item,base_item".to_string())
            .chain(
                base.iter()
                    .map(|b| format!("{},{}", b.item.replace('b', "n"), b.item)),
            )
            .collect::<Vec<_>>()
            .join("\n");
        let anchors = read_anchors(anchor_csv.as_bytes(), "a.csv").unwrap();
        for symmetric in [false, true] {
            let options = LinkingOptions {
                curve: CurveOptions {
                    symmetric,
                    ..Default::default()
                },
                ..Default::default()
            };
            let r = link(
                Forms {
                    base: &base,
                    base_file: "base",
                    new: &new,
                    new_file: "new",
                    anchors: &anchors,
                    anchor_file: "a.csv",
                },
                &options,
            )
            .unwrap();
            assert_eq!(r.methods.len(), 4);
            for c in &r.methods {
                assert!(c.converged, "{:?}", c.method);
                assert!(
                    (c.a - a_true).abs() < 1e-6 && (c.b - b_true).abs() < 1e-6,
                    "{:?} symmetric {symmetric}: A = {}, B = {} (true {a_true}, {b_true})",
                    c.method,
                    c.a,
                    c.b
                );
            }
            // Linked new items coincide with the base items; no common item drifts.
            for (l, b) in r.linked_items.iter().zip(&base) {
                assert!((l.a - b.params.a1).abs() < 1e-6, "{l:?}");
                for (x, y) in l.b.iter().zip(linking::locations(&b.params)) {
                    assert!((x - y).abs() < 1e-6, "{l:?}");
                }
            }
            assert!(r.anchors.iter().all(|d| d.d2 < 1e-12));
        }
    }
}

#[test]
fn a_drifting_common_item_is_the_largest_and_flagged() {
    let (base, mut new) = simulated_forms(1.2, 0.3);
    // Make a longer anchor set so that one outlier stands out, then shift one item's difficulty.
    let extra: Vec<(ParameterItem, ParameterItem)> = (0..8)
        .map(|i| {
            let b = ParameterItem {
                item: format!("bx{i}"),
                params: PolyItem {
                    model: ItemModel::TwoPl,
                    a1: 1.0 + 0.1 * i as f64,
                    d: vec![-1.5 + 0.4 * i as f64],
                    g: 0.0,
                    u: 1.0,
                },
                scores: vec![],
                row: 0,
            };
            let n = ParameterItem {
                item: format!("nx{i}"),
                params: linking::transform(&b.params, 1.0 / 1.2, -0.3 / 1.2),
                ..b.clone()
            };
            (b, n)
        })
        .collect();
    let mut base = base;
    for (b, n) in extra {
        base.push(b);
        new.push(n);
    }
    let drifted = new.iter().position(|n| n.item == "n2").unwrap();
    new[drifted].params.d[0] -= 1.5 * new[drifted].params.a1; // b moves up by 1.5 on the new scale
    let anchor_csv: String = std::iter::once("new_item,base_item".to_string())
        .chain(
            base.iter()
                .map(|b| format!("{},{}", b.item.replacen('b', "n", 1), b.item)),
        )
        .collect::<Vec<_>>()
        .join("\n");
    let anchors = read_anchors(anchor_csv.as_bytes(), "a.csv").unwrap();
    let r = link(
        Forms {
            base: &base,
            base_file: "base",
            new: &new,
            new_file: "new",
            anchors: &anchors,
            anchor_file: "a.csv",
        },
        &LinkingOptions::default(),
    )
    .unwrap();
    let top = r.anchors.iter().find(|d| d.largest).unwrap();
    assert_eq!(top.new_item, "n2");
    assert!(top.flagged, "standardized {:?}", top.standardized);
    assert!((r.a - 1.2).abs() > 1e-4, "the drift moves the link");
    // Dropping it restores the constants.
    let r = link(
        Forms {
            base: &base,
            base_file: "base",
            new: &new,
            new_file: "new",
            anchors: &anchors,
            anchor_file: "a.csv",
        },
        &LinkingOptions {
            exclude: vec!["n2".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        (r.a - 1.2).abs() < 1e-6 && (r.b - 0.3).abs() < 1e-6,
        "A {}, B {}",
        r.a,
        r.b
    );
    let n2 = r.anchors.iter().find(|d| d.new_item == "n2").unwrap();
    assert!(n2.excluded && !n2.largest && n2.d2 > 0.01);
}

#[test]
fn anchors_missing_from_a_file_are_named() {
    let new = params("form_x_new_pars.csv", 1.0);
    let base = params("form_y_old_pars.csv", 1.0);
    let anchors = read_anchors(b"new_item,base_item\n3,3\n6,60\n", "anchors.csv").unwrap();
    let e = link(
        Forms {
            base: &base,
            base_file: "y.csv",
            new: &new,
            new_file: "x.csv",
            anchors: &anchors,
            anchor_file: "anchors.csv",
        },
        &LinkingOptions::default(),
    )
    .unwrap_err();
    let s = e.to_string();
    assert!(
        s.contains("'60'")
            && s.contains("base")
            && s.contains("y.csv")
            && s.contains("anchors.csv"),
        "{s}"
    );
    let anchors = read_anchors(b"new_item,base_item\n3,3\n99,6\n", "anchors.csv").unwrap();
    let s = link(
        Forms {
            base: &base,
            base_file: "y.csv",
            new: &new,
            new_file: "x.csv",
            anchors: &anchors,
            anchor_file: "anchors.csv",
        },
        &LinkingOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        s.contains("'99'") && s.contains("new") && s.contains("x.csv"),
        "{s}"
    );
    let anchors = read_anchors(b"new_item,base_item\n3,3\n", "anchors.csv").unwrap();
    let s = link(
        Forms {
            base: &base,
            base_file: "y.csv",
            new: &new,
            new_file: "x.csv",
            anchors: &anchors,
            anchor_file: "anchors.csv",
        },
        &LinkingOptions {
            exclude: vec!["4".into()],
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(s.contains("'4'"), "{s}");
}

/// KB04 equated as in the reference: `plink(x, rescale = "MS", base.grp = 2, D = 1.7,
/// exclude = list(27, NA))`, then `equate(out, method = c("TSE", "OSE"), D = 1.7)` (plink's
/// default populations: 40 points on [−4, 4] with normal weights for both, synthetic weights ½).
fn kb04_equating() -> Equating {
    let new = params("form_x_new_pars.csv", 1.7);
    let base = params("form_y_old_pars.csv", 1.7);
    let options = EquatingOptions {
        linking: LinkingOptions {
            method: LinkingMethod::MeanSigma,
            d_constant: 1.7,
            exclude: vec!["27".into()],
            ..Default::default()
        },
        observed: ObservedScoreOptions::default(),
    };
    equate(
        Forms {
            base: &base,
            base_file: "y.csv",
            new: &new,
            new_file: "x.csv",
            anchors: &anchors(false),
            anchor_file: "anchors.csv",
        },
        &options,
    )
    .unwrap()
}

#[test]
fn kb04_true_score_equating_matches_plink() {
    let r = kb04_equating();
    let t = &r.true_score;
    assert!((t.lowest_new - 6.5271).abs() < 1e-12 && (t.lowest_base - 5.7962).abs() < 1e-12);
    let reference = fixture("plink_true_score_equating.csv");
    let mut n = 0;
    let mut worst: f64 = 0.0;
    for line in reference.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let score: u32 = f[1].parse().unwrap();
        let equivalent: f64 = f[2].parse().unwrap();
        let row = &t.rows[score as usize];
        assert_eq!(row.score, score);
        let diff = (row.equivalent - equivalent).abs();
        assert!(
            diff < 1e-3,
            "score {score}: ours {} plink {equivalent}",
            row.equivalent
        );
        worst = worst.max(diff);
        match (f[0], row.theta) {
            ("NA", None) => {}
            // plink's solver runs off to θ = 69.5 for the highest score, which has no finite θ.
            (_, None) => assert_eq!(score, 36),
            (th, Some(ours)) => {
                let th: f64 = th.parse().unwrap();
                assert!(
                    (ours - th).abs() < 1e-3,
                    "score {score}: θ ours {ours} plink {th}"
                );
            }
        }
        n += 1;
    }
    assert_eq!(n, 37);
    assert_eq!(t.rows.len(), 37);
    eprintln!("KB04 true-score equating: largest difference from plink {worst:.2e}");
}

/// Compares observed-score equating on KB04 with plink's: the distributions (plink's scaled to
/// sum 1) within `tol_dist`, the equivalents of scores 1..36 within `tol_eq`, the EAP θ and SD
/// within `tol_eap` (plink prints 6 decimals). Returns the largest differences.
fn compare_ose(o: &ObservedScoreEquating, tol_dist: f64, tol_eq: f64, tol_eap: f64) -> [f64; 4] {
    let reference = fixture("plink_observed_score_equating.csv");
    let mut lines = reference.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|h| h.trim_matches('"'))
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 37);
    assert_eq!(o.rows.len(), 37);
    // plink's distributions are sums over unnormalised normal densities (Σ w = 4.8748...);
    // pacer's weights sum to 1.
    let total = |c: usize| rows.iter().map(|r| r[c]).sum::<f64>();
    let mut worst = [0.0f64; 4];
    for (form, dist) in [("new", &o.new_distribution), ("old", &o.base_distribution)] {
        for (name, pick) in [
            (
                "pop1",
                (|d: &ScoreProbability| d.pop1) as fn(&ScoreProbability) -> f64,
            ),
            ("pop2", |d| d.pop2),
            ("syn", |d| d.synthetic),
        ] {
            let c = col(&format!("dist.{form}.{name}"));
            let t = total(c);
            for (x, r) in rows.iter().enumerate() {
                let diff = (pick(&dist[x]) - r[c] / t).abs();
                assert!(
                    diff < tol_dist,
                    "{form} {name} score {x}: ours {} plink {}",
                    pick(&dist[x]),
                    r[c] / t
                );
                worst[0] = worst[0].max(diff);
            }
        }
    }
    let (new_c, old_c) = (col("scores.new"), col("scores.old"));
    let (eap_c, sd_c) = (col("scores.eap.theta.new"), col("scores.eap.sd.new"));
    for (x, r) in rows.iter().enumerate() {
        let row = &o.rows[x];
        assert_eq!(f64::from(row.score), r[new_c]);
        // plink sets the equivalent of score 0 to 0; Kolen & Brennan's definition gives
        // G⁻¹(P(0)), which is what pacer reports.
        if x > 0 {
            let diff = (row.equivalent - r[old_c]).abs();
            assert!(
                diff < tol_eq,
                "score {x}: ours {} plink {}",
                row.equivalent,
                r[old_c]
            );
            worst[1] = worst[1].max(diff);
        } else {
            assert!(
                row.equivalent > -0.5 && row.equivalent < 0.5,
                "{}",
                row.equivalent
            );
        }
        let (de, ds) = (
            (row.theta_eap.expect("defined") - r[eap_c]).abs(),
            (row.theta_sd.expect("defined") - r[sd_c]).abs(),
        );
        assert!(
            de < tol_eap && ds < tol_eap,
            "score {x}: EAP {row:?} plink {} {}",
            r[eap_c],
            r[sd_c]
        );
        worst[2] = worst[2].max(de);
        worst[3] = worst[3].max(ds);
    }
    worst
}

#[test]
fn kb04_observed_score_equating_matches_plink() {
    // End to end: pacer's own mean/sigma constants (A = 1.17607451, B = −0.50418804) differ from
    // the 6-decimal ones plink's equate used by up to 5e-7, which moves the probabilities by up
    // to about 2e-8, the equivalents by about 1e-6 and θ by about 1e-6.
    let w = compare_ose(&kb04_equating().observed_score, 1e-7, 1e-5, 2e-6);
    eprintln!(
        "KB04 observed-score equating, largest differences from plink: distributions {:.1e}, equivalents {:.1e}, EAP {:.1e}, SD {:.1e}",
        w[0], w[1], w[2], w[3]
    );
}

#[test]
fn kb04_observed_score_equating_with_plinks_constants_is_exact() {
    // plink's equate ran on the new form transformed with the constants it reports
    // (plink_constants.csv, 6 decimals); with the same constants the computation agrees to
    // rounding error.
    let constants = fixture("plink_constants.csv");
    let ms = constants
        .lines()
        .find(|l| l.starts_with("1.7,27,Mean/Sigma,"))
        .unwrap();
    let f: Vec<f64> = ms.split(',').skip(3).map(|v| v.parse().unwrap()).collect();
    let new: Vec<PolyItem> = params("form_x_new_pars.csv", 1.7)
        .iter()
        .map(|i| linking::transform(&i.params, f[0], f[1]))
        .collect();
    let base: Vec<PolyItem> = params("form_y_old_pars.csv", 1.7)
        .into_iter()
        .map(|i| i.params)
        .collect();
    let o = observed_score_equating(&new, &base, &ObservedScoreOptions::default()).unwrap();
    let w = compare_ose(&o, 1e-14, 1e-10, 1e-6);
    eprintln!(
        "KB04 observed-score equating with plink's constants: {:.1e} {:.1e} {:.1e} {:.1e}",
        w[0], w[1], w[2], w[3]
    );
}
