//! Tests run inside WebAssembly, under Node (`wasm_node.rs`) and headless Chromium
//! (`wasm_browser.rs`): the wasm build's results equal the native build's golden files.

use crate::common::{json_close, json_close_tol, kb04_anchors_text, kb04_params_text};
use wasm_bindgen_test::wasm_bindgen_test;

fn analyze(data: &[u8], name: &str) -> serde_json::Value {
    let json = pacer::wasm::analyze_items(data, &format!("{{\"fileName\":\"{name}\"}}"))
        .expect("analysis");
    serde_json::from_str(&json).unwrap()
}

fn golden(text: &str, ours: &serde_json::Value) -> serde_json::Value {
    let mut g: serde_json::Value = serde_json::from_str(text).unwrap();
    g["engine"]["version"] = ours["engine"]["version"].clone();
    g
}

#[wasm_bindgen_test]
fn lsat7_equals_native() {
    let ours = analyze(include_bytes!("../fixtures/LSAT7/data.csv"), "LSAT7.csv");
    json_close(
        &ours,
        &golden(include_str!("../fixtures/golden/LSAT7_items.json"), &ours),
        "LSAT7",
    );
    let alpha = ours["test"]["alpha"].as_f64().unwrap();
    assert!((alpha - 0.453408735387426).abs() < 1e-6);
}

#[wasm_bindgen_test]
fn science_equals_native() {
    let ours = analyze(
        include_bytes!("../fixtures/Science/data.csv"),
        "Science.csv",
    );
    json_close(
        &ours,
        &golden(include_str!("../fixtures/golden/Science_items.json"), &ours),
        "Science",
    );
}

#[wasm_bindgen_test]
fn errors_are_thrown_as_json() {
    let err =
        pacer::wasm::analyze_items(b"a,b\n1,0\n1,x\n", "{\"fileName\":\"bad.csv\"}").unwrap_err();
    let text = err.as_string().expect("a string");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["code"], "non_numeric");
    assert_eq!(v["row"], 3);
    assert_eq!(v["column"], "b");
}

#[wasm_bindgen_test]
fn irt_2pl_equals_native() {
    let never = js_sys::Function::new_with_args("iteration, change, loglik", "return false;");
    let json = pacer::wasm::calibrate_irt(
        include_bytes!("../fixtures/LSAT7/data.csv").to_vec(),
        r#"{"fileName":"LSAT7.csv","model":"2pl","D":1,"se":true}"#,
        &never,
    )
    .expect("calibration");
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    let golden = golden(include_str!("../fixtures/golden/LSAT7_irt_2pl.json"), &ours);
    json_close_tol(&ours, &golden, "LSAT7 irt", 1e-10);
}

#[wasm_bindgen_test]
fn irt_progress_callback_can_cancel() {
    let stop =
        js_sys::Function::new_with_args("iteration, change, loglik", "return iteration >= 3;");
    let json = pacer::wasm::calibrate_irt(
        include_bytes!("../fixtures/LSAT7/data.csv").to_vec(),
        r#"{"model":"2pl"}"#,
        &stop,
    )
    .expect("calibration");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["stop_reason"], "cancelled");
    assert_eq!(v["converged"], false);
}

#[wasm_bindgen_test]
fn linking_matches_plink_in_wasm() {
    // KB04 (tests/fixtures/linking_KB04) in pacer's formats.
    let params = kb04_params_text;
    let base = params(include_str!("../fixtures/linking_KB04/form_y_old_pars.csv"));
    let new = params(include_str!("../fixtures/linking_KB04/form_x_new_pars.csv"));
    let anchors = kb04_anchors_text(include_str!("../fixtures/linking_KB04/common_items.csv"));
    let json = pacer::wasm::link_forms(
        base.as_bytes(),
        new.as_bytes(),
        anchors.as_bytes(),
        r#"{"method":"stocking-lord","D":1}"#,
    )
    .expect("linking");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // plink 1.5.1, D = 1, all 12 common items (plink_constants.csv).
    assert!(
        (v["A"].as_f64().unwrap() - 1.119231).abs() < 1e-5,
        "{}",
        v["A"]
    );
    assert!(
        (v["B"].as_f64().unwrap() - -0.485545).abs() < 1e-5,
        "{}",
        v["B"]
    );
    let json = pacer::wasm::equate_forms(
        base.as_bytes(),
        new.as_bytes(),
        anchors.as_bytes(),
        r#"{"method":"mean-sigma","D":1.7,"exclude":["27"]}"#,
    )
    .expect("equating");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = &v["true_score"]["rows"][7];
    assert!(
        (row["equivalent"].as_f64().unwrap() - 6.134146).abs() < 1e-5,
        "{row}"
    );
}

#[wasm_bindgen_test]
fn cdm_dina_equals_native() {
    let json = pacer::wasm::calibrate_cdm(
        include_bytes!("../fixtures/frac20/data.csv"),
        include_bytes!("../fixtures/frac20/Q.csv"),
        r#"{"fileName": "data.csv", "qFileName": "Q.csv", "model": "dina", "starts": 1}"#,
        &js_sys::Function::new_no_args("return false"),
    )
    .expect("calibration");
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    let golden = golden(
        include_str!("../fixtures/golden/frac20_cdm_dina.json"),
        &ours,
    );
    json_close_tol(&ours, &golden, "frac20 DINA", 1e-10);
}

#[wasm_bindgen_test]
fn cdm_llm_equals_native() {
    // The additive models' active-set M-step, in WebAssembly.
    let json = pacer::wasm::calibrate_cdm(
        include_bytes!("../fixtures/frac20/data.csv"),
        include_bytes!("../fixtures/frac20/Q.csv"),
        r#"{"fileName": "data.csv", "qFileName": "Q.csv", "model": "llm", "starts": 1}"#,
        &js_sys::Function::new_no_args("return false"),
    )
    .expect("calibration");
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    let golden = golden(
        include_str!("../fixtures/golden/frac20_cdm_llm.json"),
        &ours,
    );
    json_close_tol(&ours, &golden, "frac20 LLM", 1e-10);
}

#[wasm_bindgen_test]
fn profile_equals_native() {
    // The Skill Profiler on the parameter and class-proportion CSVs of a DINA calibration.
    let data = include_bytes!("../fixtures/frac20/data.csv");
    let q = include_bytes!("../fixtures/frac20/Q.csv");
    let fit = pacer::tools::calibrate_cdm(
        (data, "data.csv"),
        (q, "Q.csv"),
        &pacer::cdm::CdmOptions {
            model: pacer::cdm::CdmModel::Dina,
            starts: 1,
            ..Default::default()
        },
        &mut |_| pacer::em::Control::Continue,
    )
    .expect("calibration");
    let json = pacer::wasm::profile_skills(
        data,
        q,
        pacer::tools::cdm_table_csv(&fit).as_bytes(),
        pacer::tools::cdm_classes_csv(&fit).as_bytes(),
        "{}",
    )
    .expect("profiles");
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    let golden = golden(
        include_str!("../fixtures/golden/frac20_profile_dina.json"),
        &ours,
    );
    json_close_tol(&ours, &golden, "frac20 profiles", 1e-10);
}

#[wasm_bindgen_test]
fn dif_equals_native() {
    let json = pacer::wasm::analyze_dif(
        include_bytes!("../fixtures/verbal/data.csv"),
        b"",
        r#"{"fileName": "data.csv", "groupColumn": "Gender", "reference": "0", "exclude": ["Anger"], "purify": true}"#,
    )
    .expect("DIF");
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Log-likelihood differences of nearly equal fits (a non-uniform chi-square of 5e-4 from
    // log-likelihoods near −142) carry the platforms' last-digit differences of exp and ln.
    json_close_tol(
        &ours,
        &golden(include_str!("../fixtures/golden/verbal_dif.json"), &ours),
        "verbal DIF",
        1e-10,
    );
}

#[wasm_bindgen_test]
fn items_with_key_equal_native() {
    let json = pacer::wasm::analyze_items_with_key(
        include_bytes!("../fixtures/mc_sample/choices.csv"),
        include_bytes!("../fixtures/mc_sample/key.csv"),
        r#"{"fileName": "choices.csv", "keyFileName": "key.csv"}"#,
    )
    .expect("analysis");
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    json_close(
        &ours,
        &golden(
            include_str!("../fixtures/golden/mc_sample_items_key.json"),
            &ours,
        ),
        "raw-choice sample",
    );
}

/// The pseudo-random data sets of `common::RANDOM_CASES`: item analysis, a 2PL calibration with
/// SEs and a G-DINA calibration agree with the native build within 1e-10 (relative).
#[wasm_bindgen_test]
fn random_data_equals_native_within_1e_10() {
    let never = js_sys::Function::new_with_args("iteration, change, loglik", "return false;");
    let mut golden: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/golden/random.json")).unwrap();
    for (c, (seed, n, k)) in golden
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(crate::common::RANDOM_CASES)
    {
        let data = crate::common::random_response_csv(seed, n, k);
        let q = crate::common::random_qmatrix(k);
        let runs = [
            (
                "items",
                pacer::wasm::analyze_items(&data, "").expect("items"),
            ),
            (
                "irt",
                pacer::wasm::calibrate_irt(data.clone(), crate::common::RANDOM_IRT_OPTIONS, &never)
                    .expect("irt"),
            ),
            (
                "cdm",
                pacer::wasm::calibrate_cdm(
                    &data,
                    q.as_bytes(),
                    crate::common::RANDOM_CDM_OPTIONS,
                    &never,
                )
                .expect("cdm"),
            ),
        ];
        for (tool, json) in runs {
            let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
            c[tool]["engine"]["version"] = ours["engine"]["version"].clone();
            json_close_tol(&ours, &c[tool], &format!("seed {seed} {tool}"), 1e-10);
        }
    }
}
