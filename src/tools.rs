//! The tools as the doors call them: bytes and options in, result structs (or JSON) out.
//!
//! The CLI and the wasm façade both go through these functions, so they return the same JSON.
//! Nothing here computes statistics; it reads files, checks options and delegates.

use crate::ctt::{self, ItemAnalysis, ItemAnalysisOptions, MissingHandling};
use crate::data::read_responses;
use crate::error::{Error, Result};
use serde::Deserialize;

/// Item analysis options as the JS API passes them (JSON, camelCase keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemAnalysisRequest {
    /// The file's name, used in messages and in the result (default `"data"`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// `"pairwise"` (default) or `"listwise"`.
    #[serde(default)]
    pub missing: MissingHandling,
}

/// Parses a JSON options object; an empty string means all defaults.
pub fn parse_request<T: for<'de> Deserialize<'de> + Default>(json: &str) -> Result<T> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(json).map_err(|e| {
        Error::option(
            "options",
            format!("the options cannot be read: {e}"),
            "Pass an object such as {\"missing\": \"pairwise\"}; see the documentation for the accepted keys.",
        )
    })
}

/// Reads a response file (CSV or XLSX bytes) and runs the item analysis.
pub fn analyze_items(
    bytes: &[u8],
    file_name: &str,
    options: &ItemAnalysisOptions,
) -> Result<ItemAnalysis> {
    let data = read_responses(bytes, file_name)?;
    ctt::item_analysis(&data, options)
}

/// The JSON door: options as JSON in, the result as JSON out (what the wasm façade exports).
pub fn analyze_items_json(bytes: &[u8], options_json: &str) -> Result<String> {
    let req: ItemAnalysisRequest = parse_request(options_json)?;
    let file = req.file_name.as_deref().unwrap_or("data");
    let result = analyze_items(
        bytes,
        file,
        &ItemAnalysisOptions {
            missing: req.missing,
        },
    )?;
    Ok(to_json(&result))
}

/// Serialises a result. Non-finite numbers cannot occur in results (undefined values are
/// `None`), and serde_json writes any that did as `null`.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The item table as CSV: one row per item, columns named as the JSON fields; `frequencies` and
/// `flags` are joined with `;`. Empty cells are undefined values.
pub fn item_table_csv(result: &ItemAnalysis) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "item",
        "n",
        "omits",
        "mean",
        "sd",
        "se_mean",
        "max_score",
        "p_value",
        "item_rest_r",
        "item_total_r",
        "biserial_r",
        "polyserial_r",
        "alpha_if_deleted",
        "frequencies",
        "flags",
    ];
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for it in &result.items {
        let freq: Vec<String> = it.frequencies.iter().map(|c| c.to_string()).collect();
        let _ = w.write_record([
            it.item.clone(),
            it.n.to_string(),
            it.omits.to_string(),
            it.mean.to_string(),
            num(it.sd),
            num(it.se_mean),
            it.max_score.to_string(),
            it.p_value.to_string(),
            num(it.item_rest_r),
            num(it.item_total_r),
            num(it.biserial_r),
            num(it.polyserial_r),
            num(it.alpha_if_deleted),
            freq.join(";"),
            it.flags.join(";"),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
