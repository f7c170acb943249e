//! IRT calibration against mirt 1.45.1 on LSAT7 (D = 1, 61 rectangular nodes on [−6, 6]):
//! parameters within 1e-3 of mirt's tightly converged solutions (TOL = 1e-7), log-likelihood
//! within 1e-3.

mod common;
use common::*;
use pacer::data::read_responses;
use pacer::em::Control;
use pacer::irt::{calibrate, DichotomousModel, IrtOptions};

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
            it.d,
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
            it.d,
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
