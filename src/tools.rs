//! The tools as the doors call them: bytes and options in, result structs (or JSON) out.
//!
//! The CLI and the wasm façade both go through these functions, so they return the same JSON.
//! Nothing here computes statistics; it reads files, checks options and delegates.

use crate::cdm::profile::SkillProfiles;
use crate::cdm::{self, AttributeDistribution, CdmCalibration, CdmModel, CdmOptions};
use crate::ctt::{self, ItemAnalysis, ItemAnalysisOptions, MissingHandling};
use crate::data::{
    read_anchors, read_cdm_item_parameters, read_class_proportions, read_item_parameters,
    read_qmatrix, read_responses, Anchor, ParameterItem,
};
use crate::em::{Control, Progress};
use crate::equating::observed_score::{ObservedScoreOptions, Population};
use crate::equating::{
    self, linking::LinkingMethod, Equating, EquatingOptions, Forms, Linking, LinkingOptions,
};
use crate::error::{Error, Result};
use crate::irt::{
    self, BetaPrior, IrtCalibration, IrtModel, IrtOptions, ItemModel, QuadratureRule,
};
use crate::scoring::{self, ScaleTransform, ScoringMethod, ScoringOptions, TestScoring};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    /// With an answer key: the key file's name (default `"key"`).
    #[serde(default)]
    pub key_file_name: Option<String>,
    /// With an answer key: omits scored `"wrong"` (0, default) or `"missing"`.
    #[serde(default)]
    pub omits: crate::data::OmitScoring,
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

/// Reads raw choices (option letters) and an answer key, rescores, and analyses the items with
/// their distractors.
pub fn analyze_items_with_key(
    bytes: &[u8],
    file_name: &str,
    key: (&[u8], &str),
    omits: crate::data::OmitScoring,
    options: &ItemAnalysisOptions,
) -> Result<ItemAnalysis> {
    let answer_key = crate::data::read_answer_key(key.0, key.1)?;
    let choices = crate::data::score_choices(
        bytes,
        file_name,
        &crate::data::ColumnRoles::default(),
        &answer_key,
        key.1,
        omits,
    )?;
    ctt::item_analysis_with_key(&choices, key.1, omits, options)
}

/// The JSON door of [`analyze_items_with_key`].
pub fn analyze_items_with_key_json(
    bytes: &[u8],
    key_bytes: &[u8],
    options_json: &str,
) -> Result<String> {
    let req: ItemAnalysisRequest = parse_request(options_json)?;
    let file = req.file_name.as_deref().unwrap_or("data");
    let key_file = req.key_file_name.as_deref().unwrap_or("key");
    let result = analyze_items_with_key(
        bytes,
        file,
        (key_bytes, key_file),
        req.omits,
        &ItemAnalysisOptions {
            missing: req.missing,
        },
    )?;
    Ok(to_json(&result))
}

/// The distractor analysis as CSV: one row per item and option (`omit` for the omits), with the
/// share choosing it in each rest-score group (`group1` lowest … `group5`).
pub fn distractor_table_csv(result: &ItemAnalysis) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "item",
        "key",
        "option",
        "is_key",
        "count",
        "proportion",
        "rest_r",
        "flagged",
    ]
    .map(String::from)
    .to_vec();
    header.extend((1..=ctt::distractors::SCORE_GROUPS).map(|g| format!("group{g}")));
    let _ = w.write_record(&header);
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for it in result.distractors.iter().flatten() {
        for o in &it.options {
            let mut record = vec![
                it.item.clone(),
                it.key.clone(),
                o.option.clone(),
                o.key.to_string(),
                o.count.to_string(),
                o.proportion.to_string(),
                num(o.rest_r),
                o.flagged.to_string(),
            ];
            record.extend(o.by_group.iter().map(|&v| num(v)));
            let _ = w.write_record(&record);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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

/// IRT calibration options as the JS API passes them (JSON, camelCase keys named after the CLI
/// flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IrtRequest {
    /// The file's name, used in messages and in the result (default `"data"`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// `"rasch"`, `"1pl"`, `"2pl"` (default), `"3pl"`, `"4pl"`, `"grm"`, `"gpcm"`, `"pcm"`,
    /// `"rsm"` or `"mixed"`.
    #[serde(default)]
    pub model: Option<IrtModel>,
    /// Under `"mixed"`, the model of items with scores above 1 (default `"grm"`).
    #[serde(default)]
    pub polytomous_model: Option<ItemModel>,
    /// Under `"mixed"`, the model of 0/1 items (default `"2pl"`).
    #[serde(default)]
    pub binary_model: Option<ItemModel>,
    /// Per-item models, `{"Q1": "gpcm", ...}` (what an item-model file holds).
    #[serde(default)]
    pub item_models: BTreeMap<String, ItemModel>,
    /// Multiple-group calibration by the `group` column.
    #[serde(default)]
    pub multigroup: bool,
    /// The reference group (default: the first row's group).
    #[serde(default)]
    pub reference_group: Option<String>,
    /// Items constrained equal across groups (default: all).
    #[serde(default)]
    pub anchors: Option<Vec<String>>,
    /// Number of quadrature nodes (default 61 rectangular, 21 Gauss-Hermite).
    #[serde(default)]
    pub quadrature: Option<usize>,
    /// Gauss-Hermite instead of the rectangular grid.
    #[serde(default)]
    pub gauss_hermite: bool,
    /// Scaling constant D (default 1.702).
    #[serde(default, rename = "D")]
    pub d: Option<f64>,
    /// Convergence tolerance (default 1e-4).
    #[serde(default)]
    pub tol: Option<f64>,
    /// Iteration limit (default 500).
    #[serde(default)]
    pub max_iter: Option<usize>,
    /// Compute standard errors.
    #[serde(default)]
    pub se: bool,
    /// Beta(α, β) prior on the lower asymptote, as `[α, β]`.
    #[serde(default)]
    pub guessing_prior: Option<[f64; 2]>,
    /// Largest test (items) for which M2 is computed (default 60).
    #[serde(default)]
    pub m2_max_items: Option<usize>,
    /// Largest test (items) for which S-X2 item fit is computed (default 200).
    #[serde(default)]
    pub item_fit_max_items: Option<usize>,
}

impl IrtRequest {
    /// The calibration options this request asks for (checked when the calibration starts).
    pub fn options(&self) -> IrtOptions {
        let mut o = IrtOptions::new(self.model.unwrap_or(IrtModel::TwoPl));
        if let Some(m) = self.polytomous_model {
            o.polytomous_model = m;
        }
        if let Some(m) = self.binary_model {
            o.binary_model = m;
        }
        o.item_models = self.item_models.clone();
        o.multigroup = self.multigroup;
        o.reference_group = self.reference_group.clone();
        o.anchors = self.anchors.clone();
        if self.gauss_hermite {
            o.quadrature_rule = QuadratureRule::GaussHermite;
        }
        o.quadrature_nodes = self.quadrature;
        if let Some(d) = self.d {
            o.d_constant = d;
        }
        if let Some(t) = self.tol {
            o.tolerance = t;
        }
        if let Some(m) = self.max_iter {
            o.max_iterations = m;
        }
        o.se = self.se;
        if let Some(m) = self.m2_max_items {
            o.m2_max_items = m;
        }
        if let Some(m) = self.item_fit_max_items {
            o.item_fit_max_items = m;
        }
        o.guessing_prior = self
            .guessing_prior
            .map(|[alpha, beta]| BetaPrior { alpha, beta });
        o
    }
}

/// Reads a response file and calibrates an IRT model; `observer` sees each EM iteration and may
/// cancel.
///
/// `bytes` may be owned (a `Vec<u8>`): it is dropped once the file is read, so its memory is
/// free for the calibration (in WebAssembly, where memory never shrinks, that lowers the peak by
/// the file's size).
pub fn calibrate_irt(
    bytes: impl AsRef<[u8]>,
    file_name: &str,
    options: &IrtOptions,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<IrtCalibration> {
    options.check()?;
    let data = read_responses(bytes.as_ref(), file_name)?;
    drop(bytes);
    irt::calibrate(&data, options, observer)
}

/// The JSON door of [`calibrate_irt`] (what the wasm façade exports).
pub fn calibrate_irt_json(
    bytes: impl AsRef<[u8]>,
    options_json: &str,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<String> {
    let req: IrtRequest = parse_request(options_json)?;
    let file = req.file_name.as_deref().unwrap_or("data");
    Ok(to_json(&calibrate_irt(
        bytes,
        file,
        &req.options(),
        observer,
    )?))
}

/// The item parameter table as CSV: one row per item, columns named as the JSON fields
/// (lists such as `intercepts` and `on_bound` joined with `;`); empty cells for null.
pub fn irt_table_csv(result: &IrtCalibration) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "item",
        "model",
        "a1",
        "d",
        "g",
        "u",
        "a",
        "b",
        "c",
        "se_a1",
        "se_d",
        "se_g",
        "se_u",
        "se_a",
        "se_b",
        "se_c",
        "on_bound",
        "group",
        "categories",
        "scores",
        "intercepts",
        "thresholds",
        "location",
        "se_intercepts",
        "se_thresholds",
        "se_location",
    ];
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    let list = |v: &[f64]| v.iter().map(f64::to_string).collect::<Vec<_>>().join(";");
    let opt_list = |v: &[Option<f64>]| v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(";");
    let _ = w.write_record(header);
    for it in &result.items {
        let _ = w.write_record([
            it.item.clone(),
            it.model.to_string(),
            it.a1.to_string(),
            num(it.d),
            num(it.g),
            num(it.u),
            it.a.to_string(),
            num(it.b),
            num(it.c),
            num(it.se_a1),
            num(it.se_d),
            num(it.se_g),
            num(it.se_u),
            num(it.se_a),
            num(it.se_b),
            num(it.se_c),
            it.on_bound.join(";"),
            it.group.clone().unwrap_or_default(),
            it.categories.to_string(),
            it.scores
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(";"),
            list(&it.intercepts),
            opt_list(&it.thresholds),
            num(it.location),
            opt_list(&it.se_intercepts),
            opt_list(&it.se_thresholds),
            num(it.se_location),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Test Scoring options as the JS API passes them (JSON, camelCase keys named after the CLI
/// flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScoringRequest {
    /// The response file's name (default `"data"`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// The parameter file's name (default `"parameters"`).
    #[serde(default)]
    pub params_file_name: Option<String>,
    /// `"ml"`, `"map"`, `"eap"` (default), `"wle"` or `"eapsum"`.
    #[serde(default)]
    pub method: Option<ScoringMethod>,
    /// Scaling constant D applied to the parameter file's slopes (default 1.702).
    #[serde(default, rename = "D")]
    pub d: Option<f64>,
    /// Prior mean (default 0).
    #[serde(default)]
    pub prior_mean: Option<f64>,
    /// Prior SD (default 1).
    #[serde(default)]
    pub prior_sd: Option<f64>,
    /// Quadrature nodes on [−6, 6] (default 61).
    #[serde(default)]
    pub quadrature: Option<usize>,
    /// θ points of the test characteristics (default −4 to 4 by 0.1).
    #[serde(default)]
    pub theta_points: Option<Vec<f64>>,
    /// Reporting scale.
    #[serde(default)]
    pub scale: Option<ScaleTransform>,
    /// Cut scores on the reported scale.
    #[serde(default)]
    pub cuts: Vec<f64>,
    /// Names of the performance levels.
    #[serde(default)]
    pub levels: Vec<String>,
}

impl ScoringRequest {
    /// The scoring options this request asks for (checked when scoring starts).
    pub fn options(&self) -> ScoringOptions {
        let mut o = ScoringOptions::default();
        if let Some(m) = self.method {
            o.method = m;
        }
        if let Some(d) = self.d {
            o.d_constant = d;
        }
        if let Some(m) = self.prior_mean {
            o.prior_mean = m;
        }
        if let Some(s) = self.prior_sd {
            o.prior_sd = s;
        }
        if let Some(q) = self.quadrature {
            o.quadrature_nodes = q;
        }
        if let Some(t) = &self.theta_points {
            o.theta_points = t.clone();
        }
        o.scale = self.scale.clone();
        o.cuts = self.cuts.clone();
        o.levels = self.levels.clone();
        o
    }
}

/// Reads a response file and an item-parameter file and scores every examinee.
///
/// `bytes` may be owned (a `Vec<u8>`): it is dropped once the file is read (as in
/// [`calibrate_irt`]).
pub fn score_irt(
    bytes: impl AsRef<[u8]>,
    file_name: &str,
    params: &[u8],
    params_name: &str,
    options: &ScoringOptions,
) -> Result<TestScoring> {
    options.check()?;
    let data = read_responses(bytes.as_ref(), file_name)?;
    drop(bytes);
    let items = read_item_parameters(params, params_name, options.d_constant)?;
    let (items, codes) = scoring::match_items(&data, &items, params_name)?;
    scoring::score(&data, &items, &codes, params_name, options)
}

/// The JSON door of [`score_irt`] (what the wasm façade exports).
pub fn score_irt_json(
    bytes: impl AsRef<[u8]>,
    params: &[u8],
    options_json: &str,
) -> Result<String> {
    let req: ScoringRequest = parse_request(options_json)?;
    let file = req.file_name.as_deref().unwrap_or("data");
    let params_name = req.params_file_name.as_deref().unwrap_or("parameters");
    Ok(to_json(&score_irt(
        bytes,
        file,
        params,
        params_name,
        &req.options(),
    )?))
}

/// The person table as CSV: row, theta, se, sum_score, answered, extreme, scale_score, level,
/// then one `p_above_<cut>` column per cut score; empty cells for null.
pub fn scoring_table_csv(result: &TestScoring) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut header: Vec<String> = [
        "row",
        "theta",
        "se",
        "sum_score",
        "answered",
        "extreme",
        "scale_score",
        "level",
    ]
    .map(String::from)
    .to_vec();
    header.extend(result.options.cuts.iter().map(|c| format!("p_above_{c}")));
    let _ = w.write_record(&header);
    for p in &result.persons {
        let mut rec = vec![
            p.row.to_string(),
            opt(p.theta),
            opt(p.se),
            p.sum_score.to_string(),
            p.answered.to_string(),
            p.extreme.unwrap_or_default().to_string(),
            opt(p.scale_score),
            p.level.map(|l| l.to_string()).unwrap_or_default(),
        ];
        rec.extend(p.p_above.iter().map(|v| v.to_string()));
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Linking options as the JS API passes them (JSON, camelCase keys named after the CLI flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkRequest {
    /// The base form's parameter file name (default `"base"`).
    #[serde(default)]
    pub base_file_name: Option<String>,
    /// The new form's parameter file name (default `"new"`).
    #[serde(default)]
    pub new_file_name: Option<String>,
    /// The anchor file's name (default `"anchors"`).
    #[serde(default)]
    pub anchors_file_name: Option<String>,
    /// `"mean-mean"`, `"mean-sigma"`, `"haebara"` or `"stocking-lord"` (default).
    #[serde(default)]
    pub method: Option<LinkingMethod>,
    /// Scaling constant D applied to both files' slopes (default 1.702, as calibration and
    /// scoring; plink's default is 1).
    #[serde(default, rename = "D")]
    pub d: Option<f64>,
    /// Symmetric curve criteria (default false).
    #[serde(default)]
    pub symmetric: Option<bool>,
    /// θ points of the curve criteria (default 40 equally spaced on [−4, 4]).
    #[serde(default)]
    pub theta_points: Option<Vec<f64>>,
    /// Their weights (default equal).
    #[serde(default)]
    pub weights: Option<Vec<f64>>,
    /// Common items to leave out, by their new-form names.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Equating only: mean of population 1's θ distribution (the new form's examinees) on the
    /// base scale (default 0).
    #[serde(default)]
    pub pop1_mean: Option<f64>,
    /// Equating only: its standard deviation (default 1).
    #[serde(default)]
    pub pop1_sd: Option<f64>,
    /// Equating only: mean of population 2's θ distribution (the base form's examinees)
    /// (default 0).
    #[serde(default)]
    pub pop2_mean: Option<f64>,
    /// Equating only: its standard deviation (default 1).
    #[serde(default)]
    pub pop2_sd: Option<f64>,
    /// Equating only: weight of population 1 in the synthetic population (default 0.5).
    #[serde(default)]
    pub synthetic_weight: Option<f64>,
    /// Equating only: θ points of the populations' distributions (default 40).
    #[serde(default)]
    pub population_points: Option<usize>,
}

impl LinkRequest {
    /// The linking options this request asks for (checked when linking starts).
    pub fn options(&self) -> LinkingOptions {
        let mut o = LinkingOptions {
            d_constant: self
                .d
                .unwrap_or(IrtOptions::new(IrtModel::TwoPl).d_constant),
            exclude: self.exclude.clone(),
            ..Default::default()
        };
        if let Some(m) = self.method {
            o.method = m;
        }
        o.curve.symmetric = self.symmetric.unwrap_or(false);
        match (&self.theta_points, &self.weights) {
            (Some(t), Some(w)) => {
                o.curve.theta = t.clone();
                o.curve.weights = w.clone();
            }
            (Some(t), None) => {
                o.curve.theta = t.clone();
                o.curve.weights = vec![1.0; t.len()];
            }
            (None, Some(w)) => o.curve.weights = w.clone(),
            (None, None) => {}
        }
        o
    }

    /// The equating options this request asks for (checked when equating starts).
    pub fn equating_options(&self) -> EquatingOptions {
        let d = ObservedScoreOptions::default();
        EquatingOptions {
            linking: self.options(),
            observed: ObservedScoreOptions {
                pop1: Population {
                    mean: self.pop1_mean.unwrap_or(d.pop1.mean),
                    sd: self.pop1_sd.unwrap_or(d.pop1.sd),
                },
                pop2: Population {
                    mean: self.pop2_mean.unwrap_or(d.pop2.mean),
                    sd: self.pop2_sd.unwrap_or(d.pop2.sd),
                },
                synthetic_weight: self.synthetic_weight.unwrap_or(d.synthetic_weight),
                points: self.population_points.unwrap_or(d.points),
            },
        }
    }

    /// Refuses the options that only equating uses, for linking alone.
    fn check_linking_only(&self) -> Result<()> {
        let given = [
            ("pop1Mean", self.pop1_mean.is_some()),
            ("pop1Sd", self.pop1_sd.is_some()),
            ("pop2Mean", self.pop2_mean.is_some()),
            ("pop2Sd", self.pop2_sd.is_some()),
            ("syntheticWeight", self.synthetic_weight.is_some()),
            ("populationPoints", self.population_points.is_some()),
        ];
        match given.iter().find(|(_, g)| *g) {
            Some((name, _)) => Err(Error::option(
                name,
                format!("'{name}' is an option of observed-score equating, not of linking"),
                "Pass it to equateForms (pacer equate), or leave it out.",
            )),
            None => Ok(()),
        }
    }
}

/// The base and new forms' parameter files and the anchor file, read.
fn read_forms(
    base: (&[u8], &str),
    new: (&[u8], &str),
    anchors: (&[u8], &str),
    options: &LinkingOptions,
) -> Result<(Vec<ParameterItem>, Vec<ParameterItem>, Vec<Anchor>)> {
    if !(options.d_constant.is_finite() && options.d_constant > 0.0) {
        return Err(Error::option(
            "D",
            format!("D = {} is not a positive number", options.d_constant),
            "Use 1 (logistic metric) or 1.702 (normal-ogive metric).",
        ));
    }
    Ok((
        read_item_parameters(base.0, base.1, options.d_constant)?,
        read_item_parameters(new.0, new.1, options.d_constant)?,
        read_anchors(anchors.0, anchors.1)?,
    ))
}

/// A file's bytes and name.
type NamedFile<'a> = (&'a [u8], String);

/// The request of a JSON door on the three files of linking, and the files with their names.
fn forms_request<'a>(
    base: &'a [u8],
    new: &'a [u8],
    anchors: &'a [u8],
    options_json: &str,
) -> Result<(LinkRequest, [NamedFile<'a>; 3])> {
    let req: LinkRequest = parse_request(options_json)?;
    let name = |n: &Option<String>, default: &str| n.clone().unwrap_or_else(|| default.into());
    let files = [
        (base, name(&req.base_file_name, "base")),
        (new, name(&req.new_file_name, "new")),
        (anchors, name(&req.anchors_file_name, "anchors")),
    ];
    Ok((req, files))
}

/// Reads the base and new forms' parameter files and the anchor file and links the new form to
/// the base scale.
pub fn link_forms(
    base: (&[u8], &str),
    new: (&[u8], &str),
    anchors: (&[u8], &str),
    options: &LinkingOptions,
) -> Result<Linking> {
    let (b, n, a) = read_forms(base, new, anchors, options)?;
    equating::link(
        Forms {
            base: &b,
            base_file: base.1,
            new: &n,
            new_file: new.1,
            anchors: &a,
            anchor_file: anchors.1,
        },
        options,
    )
}

/// The JSON door of [`link_forms`] (what the wasm façade exports).
pub fn link_forms_json(
    base: &[u8],
    new: &[u8],
    anchors: &[u8],
    options_json: &str,
) -> Result<String> {
    let (req, [b, n, a]) = forms_request(base, new, anchors, options_json)?;
    req.check_linking_only()?;
    let r = link_forms((b.0, &b.1), (n.0, &n.1), (a.0, &a.1), &req.options())?;
    Ok(to_json(&r))
}

/// The new form's items on the base scale as an item-parameter file (columns item, model, a,
/// b or b1..bk, c, u), ready for Test Scoring with the same D.
pub fn linked_params_csv(result: &Linking) -> String {
    let kmax = result
        .linked_items
        .iter()
        .map(|i| i.b.len())
        .max()
        .unwrap_or(1);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["item".into(), "model".into(), "a".into()];
    if kmax == 1 {
        header.push("b".into());
    } else {
        header.extend((1..=kmax).map(|k| format!("b{k}")));
    }
    header.extend(["c".to_string(), "u".to_string()]);
    let _ = w.write_record(&header);
    for it in &result.linked_items {
        let mut rec = vec![it.item.clone(), it.model.to_string(), it.a.to_string()];
        rec.extend((0..kmax).map(|k| it.b.get(k).map(|v| v.to_string()).unwrap_or_default()));
        rec.push(it.c.to_string());
        rec.push(it.u.to_string());
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Links the new form to the base scale and equates its summed scores to the base form's
/// (IRT true-score and observed-score equating); the same inputs as [`link_forms`].
pub fn equate_forms(
    base: (&[u8], &str),
    new: (&[u8], &str),
    anchors: (&[u8], &str),
    options: &EquatingOptions,
) -> Result<Equating> {
    let (b, n, a) = read_forms(base, new, anchors, &options.linking)?;
    equating::equate(
        Forms {
            base: &b,
            base_file: base.1,
            new: &n,
            new_file: new.1,
            anchors: &a,
            anchor_file: anchors.1,
        },
        options,
    )
}

/// The JSON door of [`equate_forms`] (what the wasm façade exports).
pub fn equate_forms_json(
    base: &[u8],
    new: &[u8],
    anchors: &[u8],
    options_json: &str,
) -> Result<String> {
    let (req, [b, n, a]) = forms_request(base, new, anchors, options_json)?;
    let r = equate_forms(
        (b.0, &b.1),
        (n.0, &n.1),
        (a.0, &a.1),
        &req.equating_options(),
    )?;
    Ok(to_json(&r))
}

/// The conversion table as CSV: score, theta (of true-score equating; empty where there is
/// none), true_score_equivalent, observed_score_equivalent.
pub fn conversion_table_csv(result: &Equating) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "score",
        "theta",
        "true_score_equivalent",
        "observed_score_equivalent",
    ]);
    for (t, o) in result
        .true_score
        .rows
        .iter()
        .zip(&result.observed_score.rows)
    {
        let _ = w.write_record([
            t.score.to_string(),
            t.theta.map(|t| t.to_string()).unwrap_or_default(),
            t.equivalent.to_string(),
            o.equivalent.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// CDM calibration options as the JS API passes them (JSON, camelCase keys named after the CLI
/// flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CdmRequest {
    /// The response file's name (default `"data"`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// The Q-matrix file's name (default `"Q"`).
    #[serde(default)]
    pub q_file_name: Option<String>,
    /// `"gdina"` (default), `"dina"`, `"dino"`, `"acdm"`, `"llm"` or `"rrum"`.
    #[serde(default)]
    pub model: Option<CdmModel>,
    /// Scale of G-DINA's, DINA's and DINO's delta coefficients: `"identity"` (default),
    /// `"logit"` or `"log"`.
    #[serde(default)]
    pub link: Option<crate::cdm::Link>,
    /// `"saturated"` (default), `"independent"` or `"higher-order"`.
    #[serde(default)]
    pub attribute_distribution: Option<AttributeDistribution>,
    /// Convergence tolerance (default 1e-4).
    #[serde(default)]
    pub tol: Option<f64>,
    /// Iteration limit (default 2000).
    #[serde(default)]
    pub max_iter: Option<usize>,
    /// Number of starts (default 3).
    #[serde(default)]
    pub starts: Option<usize>,
    /// Seed of the random starts (default 123456).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Largest test (items) for which M2 is computed (default 60).
    #[serde(default)]
    pub m2_max_items: Option<usize>,
}

impl CdmRequest {
    /// The options this request asks for (checked when the calibration starts).
    pub fn options(&self) -> CdmOptions {
        let d = CdmOptions::default();
        CdmOptions {
            model: self.model.unwrap_or(d.model),
            distribution: self.attribute_distribution.unwrap_or(d.distribution),
            tolerance: self.tol.unwrap_or(d.tolerance),
            max_iterations: self.max_iter.unwrap_or(d.max_iterations),
            starts: self.starts.unwrap_or(d.starts),
            seed: self.seed.unwrap_or(d.seed),
            link: self.link,
            m2_max_items: self.m2_max_items.unwrap_or(d.m2_max_items),
            ..d
        }
    }
}

/// Reads a response file and a Q-matrix and calibrates a CDM; `observer` sees each EM iteration
/// and may cancel.
pub fn calibrate_cdm(
    data: (&[u8], &str),
    q: (&[u8], &str),
    options: &CdmOptions,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<CdmCalibration> {
    let responses = read_responses(data.0, data.1)?;
    let qmatrix = read_qmatrix(q.0, q.1)?;
    cdm::calibrate(&responses, &qmatrix, q.1, options, observer)
}

/// The JSON door of [`calibrate_cdm`] (what the wasm façade exports).
pub fn calibrate_cdm_json(
    bytes: &[u8],
    q_bytes: &[u8],
    options_json: &str,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<String> {
    let req: CdmRequest = parse_request(options_json)?;
    let file = req.file_name.as_deref().unwrap_or("data");
    let q_file = req.q_file_name.as_deref().unwrap_or("Q");
    Ok(to_json(&calibrate_cdm(
        (bytes, file),
        (q_bytes, q_file),
        &req.options(),
        observer,
    )?))
}

/// The item parameters by attribute pattern as CSV: item, required (attributes joined with
/// `;`), pattern, prob, se (empty when there is none).
pub fn cdm_table_csv(result: &CdmCalibration) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["item", "required", "pattern", "prob", "se"]);
    for it in &result.items {
        let required = it.required.join(";");
        for g in &it.groups {
            let _ = w.write_record([
                it.item.clone(),
                required.clone(),
                g.pattern.clone(),
                g.prob.to_string(),
                g.se.map(|v| v.to_string()).unwrap_or_default(),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The class proportions as CSV: pattern (attribute 1 first), proportion; the class-proportion
/// file of [`profile_skills`].
pub fn cdm_classes_csv(result: &CdmCalibration) -> String {
    let mut out = String::from("pattern,proportion\n");
    for c in &result.classes {
        out.push_str(&format!("{},{}\n", c.pattern, c.proportion));
    }
    out
}

/// Skill-profiling options as the JS API passes them (JSON, camelCase keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileRequest {
    /// The response file's name (default `"data"`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// The Q-matrix file's name (default `"Q"`).
    #[serde(default)]
    pub q_file_name: Option<String>,
    /// The item-parameter file's name (default `"parameters"`).
    #[serde(default)]
    pub params_file_name: Option<String>,
    /// The class-proportion file's name (default `"classes"`).
    #[serde(default)]
    pub classes_file_name: Option<String>,
}

/// Reads a response file, a Q-matrix, a CDM item-parameter file and (if given) a
/// class-proportion file, and profiles the examinees (the Skill Profiler).
pub fn profile_skills(
    data: (&[u8], &str),
    q: (&[u8], &str),
    params: (&[u8], &str),
    classes: Option<(&[u8], &str)>,
) -> Result<SkillProfiles> {
    let responses = read_responses(data.0, data.1)?;
    let qmatrix = read_qmatrix(q.0, q.1)?;
    let rows = read_cdm_item_parameters(params.0, params.1)?;
    let class_rows = classes
        .map(|(bytes, file)| read_class_proportions(bytes, file).map(|r| (r, file)))
        .transpose()?;
    cdm::profile::profile_skills(
        &responses,
        &qmatrix,
        q.1,
        (&rows, params.1),
        class_rows.as_ref().map(|(r, f)| (r.as_slice(), *f)),
    )
}

/// The JSON door of [`profile_skills`] (what the wasm façade exports); empty `classes` bytes
/// mean no class-proportion file.
pub fn profile_skills_json(
    bytes: &[u8],
    q_bytes: &[u8],
    params_bytes: &[u8],
    classes_bytes: &[u8],
    options_json: &str,
) -> Result<String> {
    let req: ProfileRequest = parse_request(options_json)?;
    let name =
        |v: &Option<String>, default: &'static str| v.clone().unwrap_or_else(|| default.into());
    let (file, q_file) = (name(&req.file_name, "data"), name(&req.q_file_name, "Q"));
    let params_file = name(&req.params_file_name, "parameters");
    let classes_file = name(&req.classes_file_name, "classes");
    Ok(to_json(&profile_skills(
        (bytes, &file),
        (q_bytes, &q_file),
        (params_bytes, &params_file),
        (!classes_bytes.is_empty()).then_some((classes_bytes, classes_file.as_str())),
    )?))
}

/// The examinees' profiles as CSV: row, id (empty without an id column), `mastery_<attribute>`
/// per attribute, eap, map, map_posterior, map_ties, mle, mle_ties.
pub fn profile_table_csv(result: &SkillProfiles) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["row".to_string(), "id".to_string()];
    header.extend(result.attributes.iter().map(|a| format!("mastery_{a}")));
    header.extend(["eap", "map", "map_posterior", "map_ties", "mle", "mle_ties"].map(String::from));
    let _ = w.write_record(&header);
    for p in &result.persons {
        let mut record = vec![p.row.to_string(), p.id.clone().unwrap_or_default()];
        record.extend(p.mastery.iter().map(|m| m.to_string()));
        record.extend([
            p.eap.clone(),
            p.map.clone(),
            p.map_posterior.to_string(),
            p.map_ties.to_string(),
            p.mle.clone(),
            p.mle_ties.to_string(),
        ]);
        let _ = w.write_record(&record);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Options of the DIF door as JSON (camelCase keys; the CLI's flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DifRequest {
    /// The response file's name, for messages (default `"data"`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// The group column's name (default `"group"`).
    #[serde(default)]
    pub group_column: Option<String>,
    /// The reference group's value (required).
    #[serde(default)]
    pub reference: Option<String>,
    /// Columns that are neither items nor the group (covariates) to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Purify the matching score (default false).
    #[serde(default)]
    pub purify: bool,
    /// Significance level (default 0.05).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// The MH chi-square's continuity correction (default true).
    #[serde(default)]
    pub continuity_correction: Option<bool>,
    /// Largest number of purification recomputations (default 10).
    #[serde(default)]
    pub max_iterations: Option<usize>,
    /// With an answer key: its name (default `"key"`).
    #[serde(default)]
    pub key_file_name: Option<String>,
    /// With an answer key: omits scored `"wrong"` (default) or `"missing"`.
    #[serde(default)]
    pub omits: crate::data::OmitScoring,
}

impl DifRequest {
    /// The column roles and options this request asks for.
    ///
    /// # Errors
    /// No reference group.
    pub fn options(&self) -> Result<(crate::data::ColumnRoles, crate::dif::DifOptions)> {
        let Some(reference) = self.reference.clone() else {
            return Err(Error::option(
                "reference",
                "no reference group is named",
                "Name the reference group as it is written in the group column (--reference).",
            ));
        };
        let d = crate::dif::DifOptions::new(reference);
        let roles = crate::data::ColumnRoles {
            group: self.group_column.clone().unwrap_or_else(|| "group".into()),
            exclude: self.exclude.clone(),
            ..Default::default()
        };
        Ok((
            roles,
            crate::dif::DifOptions {
                purify: self.purify,
                alpha: self.alpha.unwrap_or(d.alpha),
                continuity_correction: self.continuity_correction.unwrap_or(true),
                max_iterations: self.max_iterations.unwrap_or(d.max_iterations),
                ..d
            },
        ))
    }
}

/// Reads a response file with a group column and analyses DIF; with `key` (the answer key's
/// bytes and name, and how omits score) the file holds raw choices, rescored first.
pub fn analyze_dif(
    bytes: &[u8],
    file_name: &str,
    roles: &crate::data::ColumnRoles,
    key: Option<(&[u8], &str, crate::data::OmitScoring)>,
    options: &crate::dif::DifOptions,
) -> Result<crate::dif::DifAnalysis> {
    let data = match key {
        Some((key_bytes, key_name, omits)) => {
            let answer_key = crate::data::read_answer_key(key_bytes, key_name)?;
            crate::data::score_choices(bytes, file_name, roles, &answer_key, key_name, omits)?
                .scored
        }
        None => crate::data::read_responses_with(bytes, file_name, roles)?,
    };
    crate::dif::dif(&data, options)
}

/// The JSON door of [`analyze_dif`]: an empty `key_bytes` means no answer key.
pub fn analyze_dif_json(bytes: &[u8], key_bytes: &[u8], options_json: &str) -> Result<String> {
    let req: DifRequest = parse_request(options_json)?;
    let (roles, options) = req.options()?;
    let file = req.file_name.as_deref().unwrap_or("data");
    let key_file = req.key_file_name.as_deref().unwrap_or("key");
    let key = (!key_bytes.is_empty()).then_some((key_bytes, key_file, req.omits));
    Ok(to_json(&analyze_dif(bytes, file, &roles, key, &options)?))
}

/// The DIF table as CSV: one row per focal group and item, columns named after the JSON
/// fields (`mh_`, `std_`, `lr_` prefixes); empty cells are undefined values.
pub fn dif_table_csv(result: &crate::dif::DifAnalysis) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "focal",
        "item",
        "item_type",
        "n_reference",
        "n_focal",
        "mh_chi_square",
        "mh_p",
        "mh_flagged",
        "alpha_mh",
        "delta_mh",
        "delta_se",
        "log_or_z",
        "ets_class",
        "effect_size_class",
        "std",
        "std_relative_to_sd",
        "std_class",
        "lr_uniform_chi_square",
        "lr_uniform_p",
        "lr_uniform_r2_change",
        "lr_nonuniform_chi_square",
        "lr_nonuniform_p",
        "lr_nonuniform_r2_change",
        "lr_both_chi_square",
        "lr_both_p",
        "lr_both_r2_change",
        "lr_class",
    ]);
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for c in &result.comparisons {
        for it in &c.items {
            let mh = it.mh.as_ref();
            let lr = it.logistic.as_ref();
            let test =
                |f: &dyn Fn(&crate::dif::LogisticResult) -> &crate::dif::logistic::LrTest| {
                    lr.map(|l| {
                        let t = f(l);
                        [
                            t.chi_square.to_string(),
                            t.p.to_string(),
                            t.r2_change.map(|v| v.to_string()).unwrap_or_default(),
                        ]
                    })
                    .unwrap_or_default()
                };
            let mut record = vec![
                c.focal.clone(),
                it.item.clone(),
                it.item_type.to_string(),
                it.n_reference.to_string(),
                it.n_focal.to_string(),
                num(mh.map(|m| m.chi_square)),
                num(mh.map(|m| m.p)),
                mh.map(|m| m.flagged.to_string()).unwrap_or_default(),
                num(mh.map(|m| m.alpha_mh)),
                num(mh.map(|m| m.delta_mh)),
                num(mh.map(|m| m.delta_se)),
                num(mh.map(|m| m.log_or_z)),
                it.ets_class.unwrap_or_default().to_string(),
                it.effect_size_class.unwrap_or_default().to_string(),
                num(it.std.map(|s| s.value)),
                num(it.std.and_then(|s| s.relative_to_sd)),
                it.std.map(|s| s.class).unwrap_or_default().to_string(),
            ];
            record.extend(test(&|l| &l.uniform));
            record.extend(test(&|l| &l.nonuniform));
            record.extend(test(&|l| &l.both));
            record.push(lr.map(|l| l.class).unwrap_or_default().to_string());
            let _ = w.write_record(&record);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
