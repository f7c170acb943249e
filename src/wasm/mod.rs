//! The WebAssembly façade: the functions JavaScript calls. Conversion only, no statistics.
//!
//! Each tool takes the file's bytes and a JSON options string and returns the result as a JSON
//! string (the same text the CLI prints), which the JS wrapper parses. Errors are thrown as a JSON
//! string `{code, message, file, row, column, value, hint}` (see `docs/errors.md`).

use crate::tools;
use wasm_bindgen::prelude::*;

/// `initThreadPool(n)` (threaded build only): starts `n` Web Workers for rayon's pool. The host
/// worker awaits it once, before the first analysis; see scripts/build-wasm.
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Whether this is the threaded build (`initThreadPool` exists and the work runs on it).
#[wasm_bindgen]
pub fn threaded() -> bool {
    cfg!(feature = "threads")
}

fn throw(e: crate::Error) -> JsValue {
    JsValue::from_str(&e.to_json())
}

/// The engine version, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Item Analysis: `bytes` of a CSV or XLSX response file; `options_json` such as
/// `{"fileName": "data.csv", "missing": "pairwise"}`.
#[wasm_bindgen]
pub fn analyze_items(bytes: &[u8], options_json: &str) -> Result<String, JsValue> {
    tools::analyze_items_json(bytes, options_json).map_err(throw)
}

/// Item Analysis of raw choices: `bytes` of a response file of option letters, `key_bytes` of
/// its answer key (columns item,key); `options_json` such as
/// `{"fileName": "data.csv", "keyFileName": "key.csv", "omits": "wrong"}` (docs/json/items.md).
#[wasm_bindgen]
pub fn analyze_items_with_key(
    bytes: &[u8],
    key_bytes: &[u8],
    options_json: &str,
) -> Result<String, JsValue> {
    tools::analyze_items_with_key_json(bytes, key_bytes, options_json).map_err(throw)
}

/// DIF: `bytes` of a response file with a group column, `key_bytes` its answer key when it holds
/// raw choices (empty otherwise); `options_json` such as
/// `{"reference": "0", "groupColumn": "Gender", "purify": true}` (docs/json/dif.md).
#[wasm_bindgen]
pub fn analyze_dif(bytes: &[u8], key_bytes: &[u8], options_json: &str) -> Result<String, JsValue> {
    tools::analyze_dif_json(bytes, key_bytes, options_json).map_err(throw)
}

/// IRT Calibration: `bytes` of a CSV or XLSX file of 0/1 responses; `options_json` such as
/// `{"fileName": "data.csv", "model": "2pl", "D": 1, "se": true}` (docs/json/irt.md);
/// `on_progress(iteration, change, loglik)` is called after every EM iteration and may return
/// `true` to stop (the result then reports `stop_reason: "cancelled"`). The bytes are copied
/// into the module, which frees them once the file is read.
#[wasm_bindgen]
pub fn calibrate_irt(
    bytes: Vec<u8>,
    options_json: &str,
    on_progress: &js_sys::Function,
) -> Result<String, JsValue> {
    let mut observer = js_observer(on_progress);
    tools::calibrate_irt_json(bytes, options_json, &mut observer).map_err(throw)
}

/// Test Scoring: `bytes` of a response file, `params` of an item-parameter file (CSV or XLSX,
/// docs/json/scoring.md); `options_json` such as `{"fileName": "data.csv", "paramsFileName":
/// "params.csv", "method": "eap", "D": 1}`. The response bytes are copied into the module, which
/// frees them once the file is read.
#[wasm_bindgen]
pub fn score_irt(bytes: Vec<u8>, params: &[u8], options_json: &str) -> Result<String, JsValue> {
    tools::score_irt_json(bytes, params, options_json).map_err(throw)
}

/// Equating, linking: `base`, `new` (item-parameter files, CSV or XLSX) and `anchors` (CSV or
/// XLSX with the columns new_item, base_item); `options_json` such as `{"method":
/// "stocking-lord", "D": 1, "exclude": ["27"]}` (docs/json/linking.md).
#[wasm_bindgen]
pub fn link_forms(
    base: &[u8],
    new: &[u8],
    anchors: &[u8],
    options_json: &str,
) -> Result<String, JsValue> {
    tools::link_forms_json(base, new, anchors, options_json).map_err(throw)
}

/// Equating: links the new form (as [`link_forms`]) and equates its summed scores to the base
/// form's (IRT true-score and observed-score equating); the same inputs, and the options of
/// observed-score equating besides (docs/json/equating.md).
#[wasm_bindgen]
pub fn equate_forms(
    base: &[u8],
    new: &[u8],
    anchors: &[u8],
    options_json: &str,
) -> Result<String, JsValue> {
    tools::equate_forms_json(base, new, anchors, options_json).map_err(throw)
}

/// CDM Calibration: `bytes` of a CSV or XLSX file of 0/1 responses and `q` of a Q-matrix file;
/// `options_json` such as `{"fileName": "data.csv", "qFileName": "Q.csv", "model": "dina"}`
/// (docs/json/cdm.md); `on_progress(iteration, change, loglik)` as for [`calibrate_irt`].
#[wasm_bindgen]
pub fn calibrate_cdm(
    bytes: &[u8],
    q: &[u8],
    options_json: &str,
    on_progress: &js_sys::Function,
) -> Result<String, JsValue> {
    let mut observer = js_observer(on_progress);
    tools::calibrate_cdm_json(bytes, q, options_json, &mut observer).map_err(throw)
}

/// Skill Profiler: `bytes` of 0/1 responses, `q` a Q-matrix, `params` a CDM item-parameter
/// file (`item,pattern,prob`), `classes` a class-proportion file (`pattern,proportion`; empty
/// for equal proportions); `options_json` such as `{"fileName": "data.csv", "qFileName":
/// "Q.csv", "paramsFileName": "p.csv", "classesFileName": "c.csv"}` (docs/json/profile.md).
#[wasm_bindgen]
pub fn profile_skills(
    bytes: &[u8],
    q: &[u8],
    params: &[u8],
    classes: &[u8],
    options_json: &str,
) -> Result<String, JsValue> {
    tools::profile_skills_json(bytes, q, params, classes, options_json).map_err(throw)
}

/// An EM observer that calls `on_progress(iteration, change, loglik)` and stops when it returns
/// a truthy value.
fn js_observer(
    on_progress: &js_sys::Function,
) -> impl FnMut(&crate::em::Progress) -> crate::em::Control + '_ {
    use crate::em::Control;
    move |p: &crate::em::Progress| {
        let stop = on_progress
            .call3(
                &JsValue::NULL,
                &JsValue::from_f64(p.iteration as f64),
                &JsValue::from_f64(p.change),
                &JsValue::from_f64(p.loglik),
            )
            .map(|v| v.is_truthy())
            .unwrap_or(false);
        if stop {
            Control::Cancel
        } else {
            Control::Continue
        }
    }
}
