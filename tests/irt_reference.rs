//! IRT calibration against mirt 1.45.1 on LSAT7 (D = 1, 61 rectangular nodes on [−6, 6]):
//! parameters within 1e-3 of mirt's tightly converged solutions (TOL = 1e-7), log-likelihood
//! within 1e-3.

mod common;
use common::*;
use pacer::data::read_responses;
use pacer::em::Control;
use pacer::irt::fit::m2;
use pacer::irt::{calibrate, DichotomousModel, IrtOptions, ItemParams, Quadrature};

fn lsat7() -> pacer::data::ResponseMatrix {
    read_responses(&fixture_bytes("LSAT7/data.csv"), "LSAT7.csv").unwrap()
}

fn mirt_options(model: DichotomousModel) -> IrtOptions {
    let mut o = IrtOptions::new(model);
    o.d_constant = 1.0;
    o.tolerance = 1e-6;
    o
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture_bytes(rel)).unwrap()
}

#[test]
fn lsat7_2pl_matches_mirt() {
    let r = calibrate(
        &lsat7(),
        &mirt_options(DichotomousModel::TwoPl),
        &mut |_| Control::Continue,
    )
    .unwrap();
    assert!(r.converged);
    let fit = json("LSAT7/mirt_2PL_fit.json");
    assert_close(
        "2PL logLik",
        r.loglik,
        fit["tight"]["logLik"].as_f64().unwrap(),
        1e-3,
    );
    assert_close("2PL AIC", r.aic, fit["AIC"].as_f64().unwrap(), 2e-3);
    assert_eq!(r.npar, 10);
    let (header, rows) = read_csv_table("LSAT7/mirt_2PL_tight_pars_slopeint.csv");
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    for (row, it) in rows.iter().zip(&r.items) {
        assert_close(
            &format!("{} a1", it.item),
            it.a1,
            row[col("a1")].parse().unwrap(),
            1e-3,
        );
        assert_close(
            &format!("{} d", it.item),
            it.d.unwrap(),
            row[col("d")].parse().unwrap(),
            1e-3,
        );
    }
}

#[test]
fn lsat7_rasch_matches_mirt() {
    let r = calibrate(
        &lsat7(),
        &mirt_options(DichotomousModel::Rasch),
        &mut |_| Control::Continue,
    )
    .unwrap();
    assert!(r.converged);
    let fit = json("LSAT7/mirt_Rasch_fit.json");
    assert_close(
        "Rasch logLik",
        r.loglik,
        fit["tight"]["logLik"].as_f64().unwrap(),
        1e-3,
    );
    assert_close(
        "Rasch variance",
        r.latent.variance,
        fit["tight"]["group_pars"]["COV_11"].as_f64().unwrap(),
        1e-3,
    );
    let (header, rows) = read_csv_table("LSAT7/mirt_Rasch_tight_pars_slopeint.csv");
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    for (row, it) in rows.iter().zip(&r.items) {
        assert_eq!(it.a1, 1.0);
        assert_close(
            &format!("{} d", it.item),
            it.d.unwrap(),
            row[col("d")].parse().unwrap(),
            1e-3,
        );
    }
}

#[test]
fn lsat7_3pl_reaches_mirts_likelihood_and_reports_the_bound() {
    let r = calibrate(
        &lsat7(),
        &mirt_options(DichotomousModel::ThreePl),
        &mut |_| Control::Continue,
    )
    .unwrap();
    let fit = json("LSAT7/mirt_3PL_fit.json");
    let mirt_ll = fit["logLik"].as_f64().unwrap();
    assert!(
        r.loglik >= mirt_ll - 1e-4,
        "3PL logLik {} below mirt's {}",
        r.loglik,
        mirt_ll
    );
    // mirt: item 1's lower asymptote goes to its bound (logit g ≈ −9.6).
    assert!(r.items[0].on_bound.contains(&"g"), "{:?}", r.items[0]);
    assert!(r.warnings.iter().any(|w| w.code == "parameter_on_bound"));
}

#[test]
fn sim_2pl_10k_recovers_generating_parameters_and_matches_mirt() {
    let data = read_responses(&fixture_bytes("sim_2pl_10k/data.csv"), "sim.csv").unwrap();
    let r = calibrate(&data, &mirt_options(DichotomousModel::TwoPl), &mut |_| {
        Control::Continue
    })
    .unwrap();
    assert!(r.converged);
    // Generating parameters (a, b on the logistic metric, D = 1): RMSE below 0.05.
    let (h, truth) = read_csv_table("sim_2pl_10k/true_item_params.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rmse = |f: &dyn Fn(usize) -> (f64, f64)| {
        ((0..truth.len())
            .map(f)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            / truth.len() as f64)
            .sqrt()
    };
    let rmse_a = rmse(&|j| (r.items[j].a, truth[j][col("a")].parse().unwrap()));
    let rmse_b = rmse(&|j| (r.items[j].b.unwrap(), truth[j][col("b")].parse().unwrap()));
    assert!(
        rmse_a < 0.05 && rmse_b < 0.05,
        "RMSE a {rmse_a}, b {rmse_b}"
    );
    // mirt's default fit (TOL = 1e-4): the same maximum, parameters within 1e-2.
    let (h, mirt) = read_csv_table("sim_2pl_10k/mirt_2PL_estimates.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    for (row, it) in mirt.iter().zip(&r.items) {
        assert_close(
            &format!("{} a1", it.item),
            it.a1,
            row[col("a1")].parse().unwrap(),
            1e-2,
        );
        assert_close(
            &format!("{} d", it.item),
            it.d.unwrap(),
            row[col("d")].parse().unwrap(),
            1e-2,
        );
    }
    // M2 on 50 items (1,275 margins), at our estimates on the rectangular grid: within 0.05 of
    // the reference at mirt's estimates on Gauss-Hermite nodes (the exact comparison is in
    // `sim_2pl_10k_m2_matches_reference`); S-X2 for every item.
    let reference = json("sim_2pl_10k/pymirt_2PL_M2.json");
    let m = r.m2.expect("M2 on 50 items");
    assert_close("M2", m.m2, reference["M2"].as_f64().unwrap(), 0.05);
    assert_eq!(m.df, 1175);
    assert!(r.fit_note.is_none());
    assert_eq!(r.item_fit.len(), 50);
    let timing = json("sim_2pl_10k/mirt_2PL_timing.json");
    let mirt_ll = timing["runs"]["default_quadpts61_noSE"]["logLik"]
        .as_f64()
        .unwrap();
    assert!(
        r.loglik >= mirt_ll - 1e-2,
        "logLik {} vs mirt {}",
        r.loglik,
        mirt_ll
    );
}

/// SEs within 2 % of mirt's (Oakes) standard errors.
fn check_se(ours: f64, theirs: &str, what: &str) {
    let theirs: f64 = theirs.parse().unwrap();
    assert!(
        (ours - theirs).abs() <= 0.02 * theirs,
        "{what}: SE {ours} vs mirt {theirs}"
    );
}

#[test]
fn lsat7_2pl_standard_errors_match_mirt() {
    let mut o = mirt_options(DichotomousModel::TwoPl);
    o.se = true;
    let r = calibrate(&lsat7(), &o, &mut |_| Control::Continue).unwrap();
    let (h, rows) = read_csv_table("LSAT7/mirt_2PL_pars_slopeint_se.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (hi, irt) = read_csv_table("LSAT7/mirt_2PL_pars_irt_se.csv");
    let coli = |n: &str| hi.iter().position(|x| x == n).unwrap();
    for ((row, rowi), it) in rows.iter().zip(&irt).zip(&r.items) {
        check_se(
            it.se_a1.unwrap(),
            &row[col("a1_se")],
            &format!("{} a1", it.item),
        );
        check_se(
            it.se_d.unwrap(),
            &row[col("d_se")],
            &format!("{} d", it.item),
        );
        check_se(
            it.se_a.unwrap(),
            &rowi[coli("a_se")],
            &format!("{} a", it.item),
        );
        check_se(
            it.se_b.unwrap(),
            &rowi[coli("b_se")],
            &format!("{} b", it.item),
        );
        assert_eq!(it.se_g, None);
    }
    assert!(r.se_method.is_some());
}

#[test]
fn lsat7_rasch_standard_errors_match_mirt() {
    let mut o = mirt_options(DichotomousModel::Rasch);
    o.se = true;
    let r = calibrate(&lsat7(), &o, &mut |_| Control::Continue).unwrap();
    let (h, rows) = read_csv_table("LSAT7/mirt_Rasch_pars_slopeint_se.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    for (row, it) in rows.iter().zip(&r.items) {
        check_se(
            it.se_d.unwrap(),
            &row[col("d_se")],
            &format!("{} d", it.item),
        );
        assert_eq!(it.se_a1, None);
    }
    let fit = json("LSAT7/mirt_Rasch_fit.json");
    let se_var = fit["group_pars"]["se"]["COV_11"].as_f64().unwrap();
    check_se(
        r.latent.se_variance.unwrap(),
        &se_var.to_string(),
        "latent variance",
    );
}

#[test]
fn lsat7_3pl_standard_errors_leave_out_the_bound() {
    let mut o = mirt_options(DichotomousModel::ThreePl);
    o.se = true;
    let r = calibrate(&lsat7(), &o, &mut |_| Control::Continue).unwrap();
    assert_eq!(r.items[0].se_g, None, "g on its bound has no SE");
    assert!(r
        .items
        .iter()
        .all(|i| i.se_a1.is_some_and(f64::is_finite) && i.se_d.is_some_and(f64::is_finite)));
}

#[test]
fn lsat7_m2_rmsea_srmsr_match_mirt() {
    for (model, file) in [
        (DichotomousModel::TwoPl, "LSAT7/mirt_2PL_fit.json"),
        (DichotomousModel::Rasch, "LSAT7/mirt_Rasch_fit.json"),
    ] {
        // mirt's M2 is at its default-converged estimates (TOL = 1e-4): use the same tolerance.
        let mut o = mirt_options(model);
        o.tolerance = 1e-4;
        let r = calibrate(&lsat7(), &o, &mut |_| Control::Continue).unwrap();
        let m = r.m2.expect("M2");
        let fit = json(file);
        let f = |k: &str| fit["M2"][k].as_f64().unwrap();
        assert_close(&format!("{model:?} M2"), m.m2, f("M2"), 0.01);
        assert_eq!(m.df as f64, f("df"));
        assert_close(&format!("{model:?} RMSEA"), m.rmsea, f("RMSEA"), 1e-5);
        assert_close(&format!("{model:?} SRMSR"), m.srmsr, f("SRMSR"), 1e-4);
        assert_close(&format!("{model:?} p"), m.p, f("p"), 1e-3);
    }
    // 3PL with five items: no degrees of freedom, and the output says so.
    let r = calibrate(
        &lsat7(),
        &mirt_options(DichotomousModel::ThreePl),
        &mut |_| Control::Continue,
    )
    .unwrap();
    assert!(r.m2.is_none() && r.fit_note.is_some());
}

#[test]
fn sim_2pl_10k_m2_matches_reference() {
    // The PyPI package mirt's M2 at R mirt's estimates on 61 Gauss-Hermite nodes (see
    // tests/fixtures/README.md); the same parameters and nodes here.
    let data = read_responses(&fixture_bytes("sim_2pl_10k/data.csv"), "data.csv").unwrap();
    let (h, rows) = read_csv_table("sim_2pl_10k/mirt_2PL_estimates.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let items: Vec<ItemParams> = rows
        .iter()
        .map(|r| ItemParams {
            a1: r[col("a1")].parse().unwrap(),
            d: r[col("d")].parse().unwrap(),
            g: 0.0,
            u: 1.0,
        })
        .collect();
    let quad = Quadrature::gauss_hermite(61).unwrap();
    let m = m2(
        data.codes(),
        data.n_persons(),
        &items,
        DichotomousModel::TwoPl,
        &quad.nodes,
        &quad.normal_weights(0.0, 1.0),
    )
    .expect("M2");
    let reference = json("sim_2pl_10k/pymirt_2PL_M2.json");
    let f = |k: &str| reference[k].as_f64().unwrap();
    assert_close("M2", m.m2, f("M2"), 1e-9 * f("M2"));
    assert_eq!(m.df as f64, f("df"));
    assert_close("p", m.p, f("p"), 1e-6);
    assert_close("RMSEA", m.rmsea, f("RMSEA"), 1e-9);
    assert_close("SRMSR", m.srmsr, f("SRMSR"), 1e-6);
}

#[test]
fn m2_above_the_item_limit_is_left_out_with_a_note() {
    let mut o = mirt_options(DichotomousModel::TwoPl);
    o.m2_max_items = 4;
    let r = calibrate(&lsat7(), &o, &mut |_| Control::Continue).unwrap();
    assert!(r.m2.is_none());
    let note = r.fit_note.expect("a note saying why");
    assert!(
        note.contains("up to 4 items") && note.contains("m2-max-items"),
        "{note}"
    );
}

#[test]
fn lsat7_s_x2_matches_mirt() {
    // mirt's itemfit(mod, fit_stats = 'S_X2') at its default-converged estimates. The statistic
    // agrees within 0.05 for the 2PL and the Rasch model, and so do the degrees of freedom: mirt
    // counts the Rasch model's estimated latent variance against each item (df 2, not 3), and so
    // do we.
    for (model, file) in [
        (DichotomousModel::TwoPl, "LSAT7/mirt_2PL_itemfit_SX2.csv"),
        (DichotomousModel::Rasch, "LSAT7/mirt_Rasch_itemfit_SX2.csv"),
    ] {
        let mut o = mirt_options(model);
        o.tolerance = 1e-4;
        let r = calibrate(&lsat7(), &o, &mut |_| Control::Continue).unwrap();
        let (h, rows) = read_csv_table(file);
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        assert_eq!(r.item_fit.len(), 5);
        for (row, s) in rows.iter().zip(&r.item_fit) {
            assert_eq!(row[0], s.item);
            assert_close(
                &format!("{model:?} {} S-X2", s.item),
                s.s_x2.unwrap(),
                row[col("S_X2")].parse().unwrap(),
                0.05,
            );
            assert_eq!(s.df.to_string(), row[col("df.S_X2")]);
            assert_close(
                &format!("{} p", s.item),
                s.p.unwrap(),
                row[col("p.S_X2")].parse().unwrap(),
                1e-3,
            );
            assert_close(
                &format!("{} RMSEA", s.item),
                s.rmsea.unwrap(),
                row[col("RMSEA.S_X2")].parse().unwrap(),
                1e-3,
            );
        }
    }
}

/// Infit and outfit (Wright & Masters) at the EAP abilities of the Rasch fit, against the PyPI
/// package mirt 1.2.0 evaluated at R mirt's tight Rasch solution (our estimates agree with it
/// within 1e-3; the mean squares then agree within 1e-4, their z within 2e-3).
#[test]
fn lsat7_rasch_infit_outfit_match_reference() {
    let r = calibrate(
        &lsat7(),
        &mirt_options(DichotomousModel::Rasch),
        &mut |_| Control::Continue,
    )
    .unwrap();
    let reference = json("LSAT7/pymirt_Rasch_infit_outfit.json");
    assert_eq!(r.infit_outfit.len(), 5);
    for (j, f) in r.infit_outfit.iter().enumerate() {
        assert_eq!(f.item, reference["items"][j].as_str().unwrap());
        assert_eq!(f.n, 1000);
        let at = |key: &str| reference[key][j].as_f64().unwrap();
        assert_close(
            &format!("{} infit", f.item),
            f.infit.expect("defined"),
            at("item_infit"),
            1e-4,
        );
        assert_close(
            &format!("{} outfit", f.item),
            f.outfit.expect("defined"),
            at("item_outfit"),
            1e-4,
        );
        assert_close(
            &format!("{} z_infit", f.item),
            f.z_infit.expect("defined"),
            at("item_z_infit"),
            2e-3,
        );
        assert_close(
            &format!("{} z_outfit", f.item),
            f.z_outfit.expect("defined"),
            at("item_z_outfit"),
            2e-3,
        );
    }
    // Only the Rasch model reports them.
    let two_pl = calibrate(
        &lsat7(),
        &mirt_options(DichotomousModel::TwoPl),
        &mut |_| Control::Continue,
    )
    .unwrap();
    assert!(two_pl.infit_outfit.is_empty());
}
