//! Attribute profiles of examinees from known item parameters and class proportions (the Skill
//! Profiler): each examinee's posterior over the 2^K classes,
//! `P(α_c | x) ∝ π_c Π_j P_jc^{x_j} (1 − P_jc)^{1 − x_j}` (missing responses left out), and from
//! it the classifications GDINA's `personparm` reports:
//!
//! - EAP: attribute k mastered when its marginal posterior probability `P(α_k = 1 | x)` is at
//!   least 0.5;
//! - MAP: the class of largest posterior probability;
//! - MLE: the class of largest likelihood (the posterior with equal class proportions).
//!
//! Ties (likelihood-equivalent classes, common with DINA and DINO) go to the first class in
//! GDINA's order and are flagged (GDINA may report another of the tied classes).
//!
//! Classification accuracy and consistency (Cui, Gierl & Chang, 2012; Wang et al., 2015), by
//! the posterior-based estimators of Johnson & Sinharay (2018) and Iaconangelo's (2017)
//! conditional classification matrix: with `w_ic = P(α_c | x_i)` and `ĉ_i` examinee i's
//! classification, accuracy `P_a = (1/N) Σ_i w_{i ĉ_i}` (the expected share classified into
//! their true class) and consistency `P_c = Σ_c w̄_c Σ_l CCM_lc²` (the chance that two
//! independent administrations classify an examinee alike), where `w̄_c = (1/N) Σ_i w_ic` and
//! `CCM_lc = Σ_i w_ic [ĉ_i = l] / Σ_i w_ic`. Profiles (patterns) are classified by MAP; single
//! attributes by EAP: accuracy `(1/N) Σ_i P(α_k = α̂_ik | x_i)` and consistency
//! `Σ_c w̄_c (q_kc² + (1 − q_kc)²)` with `q_kc = Σ_i w_ic [α̂_ik = 1] / Σ_i w_ic`, the chance that
//! a member of class c is classified a master of attribute k (the two administrations are
//! independent given the whole profile, not given the attribute alone).

use super::estimation::CdmEm;
use super::patterns::{attribute_patterns, pattern_label};
use super::{check_attribute_count, check_binary, match_items, AttributeDistribution, CdmModel};
use crate::data::{PatternValue, QMatrix, ResponseMatrix};
use crate::error::{ErrorCode, InputError, Result, Warning};
use crate::irt::patterns::Patterns;
use crate::EngineInfo;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One examinee's profile (patterns as digits, attribute 1 first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonProfile {
    /// The examinee's data row (1 = the first row under the header).
    pub row: usize,
    /// The examinee's id (the response file's `id` column), if it has one.
    pub id: Option<String>,
    /// Marginal posterior probability of mastering each attribute.
    pub mastery: Vec<f64>,
    /// EAP profile: 1 where `mastery` ≥ 0.5.
    pub eap: String,
    /// MAP profile.
    pub map: String,
    /// Posterior probability of the MAP class.
    pub map_posterior: f64,
    /// Whether another class has the same posterior probability.
    pub map_ties: bool,
    /// MLE profile.
    pub mle: String,
    /// Whether another class has the same likelihood.
    pub mle_ties: bool,
}

/// Relative difference under which two posterior probabilities count as tied.
const TIE: f64 = 1e-12;

/// The first maximum of `v` and whether another element ties with it.
fn first_max(v: &[f64]) -> (usize, bool) {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    let top = v[best];
    let ties = v
        .iter()
        .enumerate()
        .any(|(i, &x)| i != best && (top - x).abs() <= TIE * top.abs());
    (best, ties)
}

/// Classification accuracy and consistency (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// How the indices were computed.
    pub method: &'static str,
    /// Profiles by MAP: expected share of examinees classified into their true profile.
    pub pattern_accuracy: f64,
    /// Profiles by MAP: expected share classified alike by two independent administrations.
    pub pattern_consistency: f64,
    /// Per attribute (EAP classification).
    pub attributes: Vec<AttributeClassification>,
    /// Per latent class: its proportion and the expected share of its members classified
    /// into it (null when no examinee is expected in it).
    pub patterns: Vec<PatternClassification>,
}

/// Accuracy and consistency of one attribute's classification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeClassification {
    /// Attribute name.
    pub attribute: String,
    /// Expected share classified correctly.
    pub accuracy: f64,
    /// Expected share classified alike twice.
    pub consistency: f64,
}

/// One latent class's classification accuracy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternClassification {
    /// Attribute pattern (attribute 1 first).
    pub pattern: String,
    /// Its class proportion (the prior).
    pub proportion: f64,
    /// `CCM_cc`: the expected share of its members classified into it by MAP.
    pub accuracy: Option<f64>,
}

/// Accuracy `Σ_c w̄_c CCM_cc` and consistency `Σ_c w̄_c Σ_l CCM_lc²` from, per classification
/// l, the summed posteriors `sums[l][c] = Σ_{i: ĉ_i = l} w_ic`, their totals per class
/// `mass[c] = Σ_i w_ic`, with `n` examinees; and per class its `CCM_cc` (None when `w̄_c` = 0).
fn accuracy_consistency(
    sums: &BTreeMap<usize, Vec<f64>>,
    mass: &[f64],
    n: f64,
) -> (f64, f64, Vec<Option<f64>>) {
    let n_classes = mass.len();
    let mut squares = vec![0.0; n_classes];
    for v in sums.values() {
        for c in 0..n_classes {
            if mass[c] > 0.0 {
                squares[c] += (v[c] / mass[c]).powi(2);
            }
        }
    }
    let diagonal: Vec<Option<f64>> = (0..n_classes)
        .map(|c| (mass[c] > 0.0).then(|| sums.get(&c).map_or(0.0, |v| v[c]) / mass[c]))
        .collect();
    let accuracy = (0..n_classes)
        .map(|c| sums.get(&c).map_or(0.0, |v| v[c]))
        .sum::<f64>()
        / n;
    let consistency = (0..n_classes).map(|c| mass[c] / n * squares[c]).sum();
    (accuracy, consistency, diagonal)
}

/// The profiles of every examinee of `patterns` (in row order), for items requiring
/// `required` attributes with success probabilities `probs` (per item, its reduced patterns in
/// GDINA's order) and class proportions `pi` over `classes` (GDINA's order), and the
/// classification's accuracy and consistency (attribute names `attributes`).
#[allow(clippy::too_many_arguments)]
pub fn classify(
    patterns: &Patterns,
    classes: &[u32],
    n_attributes: usize,
    attributes: &[String],
    required: &[Vec<usize>],
    probs: &[Vec<f64>],
    pi: &[f64],
) -> (Vec<PersonProfile>, Classification) {
    let c = classes.len();
    let k = n_attributes;
    let make = |pi: Vec<f64>| {
        CdmEm::new(
            &patterns.codes,
            &patterns.counts,
            patterns.n_items,
            classes,
            k,
            required,
            CdmModel::Gdina,
            AttributeDistribution::Saturated,
            (0.0, 1.0),
            probs.to_vec(),
            pi,
        )
    };
    let with_prior = make(pi.to_vec());
    let flat = make(vec![1.0 / c as f64; c]);
    let (t_prior, t_flat) = (with_prior.tables(), flat.tables());
    let mut post = vec![0.0; with_prior.stride];
    let mut lik = vec![0.0; flat.stride];
    let bits = |class: usize| pattern_label(classes[class], k);
    // Summed posteriors by MAP class (profiles) and by EAP class (each attribute).
    let mut by_map: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    // Per attribute and class, Σ w_ic over examinees whose EAP masters the attribute; per
    // attribute, Σ P(α_k = α̂_ik | x_i).
    let mut eap_ones = vec![0.0; k * c];
    let mut eap_right = vec![0.0; k];
    // One profile per distinct pattern, then one per examinee.
    let by_pattern: Vec<PersonProfile> = (0..patterns.counts.len())
        .map(|p| {
            with_prior.posterior(&t_prior, p, &mut post);
            flat.posterior(&t_flat, p, &mut lik);
            let n = patterns.counts[p];
            let mastery: Vec<f64> = (0..k)
                .map(|a| {
                    classes
                        .iter()
                        .zip(&post[..c])
                        .filter(|(&m, _)| m >> a & 1 == 1)
                        .map(|(_, w)| w)
                        .sum()
                })
                .collect();
            let (map, map_ties) = first_max(&post[..c]);
            let (mle, mle_ties) = first_max(&lik[..c]);
            let row = by_map.entry(map).or_insert_with(|| vec![0.0; c]);
            for (r, w) in row.iter_mut().zip(&post[..c]) {
                *r += n * w;
            }
            for a in 0..k {
                if mastery[a] >= 0.5 {
                    eap_right[a] += n * mastery[a];
                    for (o, w) in eap_ones[a * c..(a + 1) * c].iter_mut().zip(&post[..c]) {
                        *o += n * w;
                    }
                } else {
                    eap_right[a] += n * (1.0 - mastery[a]);
                }
            }
            PersonProfile {
                row: 0,
                id: None,
                eap: mastery
                    .iter()
                    .map(|&m| if m >= 0.5 { '1' } else { '0' })
                    .collect(),
                mastery,
                map: bits(map),
                map_posterior: post[map],
                map_ties,
                mle: bits(mle),
                mle_ties,
            }
        })
        .collect();
    let n: f64 = patterns.counts.iter().sum();
    let class_mass: Vec<f64> = (0..c)
        .map(|t| by_map.values().map(|v| v[t]).sum())
        .collect();
    let (pattern_accuracy, pattern_consistency, diagonal) =
        accuracy_consistency(&by_map, &class_mass, n);
    let classification = Classification {
        method: "posterior-based estimates (Johnson & Sinharay, 2018; Iaconangelo, 2017) of Cui, Gierl & Chang's (2012) accuracy and consistency: profiles classified by MAP, attributes by EAP",
        pattern_accuracy,
        pattern_consistency,
        attributes: (0..k)
            .map(|a| AttributeClassification {
                attribute: attributes.get(a).cloned().unwrap_or_default(),
                accuracy: eap_right[a] / n,
                consistency: (0..c)
                    .filter(|&t| class_mass[t] > 0.0)
                    .map(|t| {
                        let q = eap_ones[a * c + t] / class_mass[t];
                        class_mass[t] / n * (q * q + (1.0 - q) * (1.0 - q))
                    })
                    .sum(),
            })
            .collect(),
        patterns: classes
            .iter()
            .zip(pi)
            .zip(diagonal)
            .map(|((&m, &proportion), accuracy)| PatternClassification {
                pattern: pattern_label(m, k),
                proportion,
                accuracy,
            })
            .collect(),
    };
    let persons = patterns
        .person_pattern
        .iter()
        .enumerate()
        .map(|(i, &p)| PersonProfile {
            row: i + 1,
            ..by_pattern[p as usize].clone()
        })
        .collect();
    (persons, classification)
}

/// An attribute's prevalence in the group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPrevalence {
    /// Attribute name.
    pub attribute: String,
    /// `P(α_k = 1)` under the class proportions.
    pub prevalence: f64,
    /// The examinees' mean posterior probability of mastery.
    pub mean_mastery: f64,
    /// The share of examinees whose EAP profile masters it.
    pub eap_share: f64,
}

/// The result of [`profile_skills`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillProfiles {
    /// `"profile"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// Examinees.
    pub n_persons: usize,
    /// Items.
    pub n_items: usize,
    /// Attributes.
    pub n_attributes: usize,
    /// Latent classes 2^K.
    pub n_classes: usize,
    /// Attribute names.
    pub attributes: Vec<String>,
    /// Where the class proportions came from: `"file"` or `"uniform"` (none given).
    pub prior: &'static str,
    /// Per examinee, in the response file's order.
    pub persons: Vec<PersonProfile>,
    /// Per attribute.
    pub attribute_prevalence: Vec<GroupPrevalence>,
    /// Classification accuracy and consistency.
    pub classification: Classification,
    /// Notes (for example, that no class proportions were given).
    pub warnings: Vec<Warning>,
}

/// The success probabilities of the response file's items from the rows of an item-parameter
/// file: per item, its reduced patterns in GDINA's order.
fn item_probabilities(
    data: &ResponseMatrix,
    q: &QMatrix,
    required: &[Vec<usize>],
    rows: &[PatternValue],
    file: &str,
) -> Result<Vec<Vec<f64>>> {
    let mut given: HashMap<(usize, String), (f64, usize)> = HashMap::new();
    for r in rows {
        let Some(j) = data.items().iter().position(|i| *i == r.item) else {
            return Err(InputError::new(
                ErrorCode::ItemMismatch,
                file,
                format!(
                    "the item '{}' is not a column of the response file '{}'",
                    r.item,
                    data.file()
                ),
            )
            .row(r.row)
            .column("item")
            .value(r.item.clone())
            .hint(
                "Check the spelling against the response file's header, or delete the item's rows.",
            )
            .build());
        };
        let kj = required[j].len();
        if r.pattern.len() != kj {
            let names: Vec<&str> = required[j]
                .iter()
                .map(|&a| q.attributes[a].as_str())
                .collect();
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                file,
                format!(
                    "item '{}' requires {kj} attribute{} in the Q-matrix ({}), so its patterns have {kj} digit{}, not '{}'",
                    r.item,
                    if kj == 1 { "" } else { "s" },
                    names.join(", "),
                    if kj == 1 { "" } else { "s" },
                    r.pattern
                ),
            )
            .row(r.row)
            .column("pattern")
            .value(r.pattern.clone())
            .hint("Use the parameters calibrated with this Q-matrix: one digit per required attribute, in the Q-matrix's column order.")
            .build());
        }
        if let Some((_, first)) = given.insert((j, r.pattern.clone()), (r.value, r.row)) {
            return Err(InputError::new(
                ErrorCode::DuplicateItem,
                file,
                format!(
                    "item '{}' has the pattern {} twice (rows {first} and {})",
                    r.item, r.pattern, r.row
                ),
            )
            .row(r.row)
            .column("pattern")
            .value(r.pattern.clone())
            .hint("Keep one row per item and pattern.")
            .build());
        }
    }
    (0..data.n_items())
        .map(|j| {
            let kj = required[j].len();
            attribute_patterns(kj)
                .into_iter()
                .map(|m| {
                    let label = pattern_label(m, kj);
                    given.get(&(j, label.clone())).map(|v| v.0).ok_or_else(|| {
                        InputError::new(
                            ErrorCode::ItemMismatch,
                            file,
                            format!(
                                "item '{}' has no row for the pattern {label}",
                                data.items()[j]
                            ),
                        )
                        .value(label.clone())
                        .hint(format!(
                            "Give every item one row per pattern of its required attributes ({} for this item).",
                            1usize << kj
                        ))
                        .build()
                    })
                })
                .collect()
        })
        .collect()
}

/// Class proportions in GDINA's order from the rows of a class-proportion file, normalised.
fn class_proportions(
    classes: &[u32],
    k: usize,
    rows: &[PatternValue],
    file: &str,
) -> Result<Vec<f64>> {
    let mut given: HashMap<&str, (f64, usize)> = HashMap::new();
    for r in rows {
        if r.pattern.len() != k {
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                file,
                format!("the pattern '{}' has {} digits; the Q-matrix has {k} attributes", r.pattern, r.pattern.len()),
            )
            .row(r.row)
            .column("pattern")
            .value(r.pattern.clone())
            .hint("Write one digit per attribute, attribute 1 first. A spreadsheet may have dropped leading zeros: format the column as text, or prefix the pattern with p.")
            .build());
        }
        if let Some((_, first)) = given.insert(&r.pattern, (r.value, r.row)) {
            return Err(InputError::new(
                ErrorCode::DuplicateItem,
                file,
                format!(
                    "the pattern {} is listed twice (rows {first} and {})",
                    r.pattern, r.row
                ),
            )
            .row(r.row)
            .column("pattern")
            .value(r.pattern.clone())
            .hint("Keep one row per latent class.")
            .build());
        }
    }
    let pi = classes
        .iter()
        .map(|&m| {
            let label = pattern_label(m, k);
            given.get(label.as_str()).map(|v| v.0).ok_or_else(|| {
                InputError::new(
                    ErrorCode::InvalidParameter,
                    file,
                    format!("there is no row for the latent class {label}"),
                )
                .value(label.clone())
                .hint(format!(
                    "List all {} latent classes (a class nobody is in has proportion 0).",
                    classes.len()
                ))
                .build()
            })
        })
        .collect::<Result<Vec<f64>>>()?;
    let total: f64 = pi.iter().sum();
    if (total - 1.0).abs() > 1e-3 {
        return Err(InputError::new(
            ErrorCode::InvalidParameter,
            file,
            format!("the class proportions sum to {total}, not 1"),
        )
        .column("proportion")
        .hint("Use the class proportions of a calibration (they sum to 1).")
        .build());
    }
    Ok(pi.iter().map(|p| p / total).collect())
}

/// The Skill Profiler: classifies the examinees of `data` (0/1 responses) with the Q-matrix
/// `q` (read from `q_file`), the item parameters `params` (rows of an item-parameter file
/// `params_file`) and, if given, class proportions (rows of a class-proportion file); equal
/// proportions otherwise.
///
/// # Errors
/// Items of the files not matching, non-binary responses, more than
/// [`super::MAX_ATTRIBUTES`] attributes, patterns not fitting the Q-matrix, missing or repeated
/// patterns, class proportions not summing to 1.
pub fn profile_skills(
    data: &ResponseMatrix,
    q: &QMatrix,
    q_file: &str,
    params: (&[PatternValue], &str),
    class_file: Option<(&[PatternValue], &str)>,
) -> Result<SkillProfiles> {
    let required = match_items(data, q, q_file)?;
    check_binary(data)?;
    check_attribute_count(q, q_file)?;
    let k = q.n_attributes();
    let classes = attribute_patterns(k);
    let probs = item_probabilities(data, q, &required, params.0, params.1)?;
    let mut warnings = Vec::new();
    let (pi, prior) = match class_file {
        Some((rows, file)) => (class_proportions(&classes, k, rows, file)?, "file"),
        None => {
            warnings.push(Warning {
                code: "uniform_prior".into(),
                item: None,
                message: "no class proportions were given: every latent class is taken as equally likely, so MAP equals MLE".into(),
            });
            (vec![1.0 / classes.len() as f64; classes.len()], "uniform")
        }
    };
    let patterns = Patterns::new(data);
    let (mut persons, classification) = classify(
        &patterns,
        &classes,
        k,
        &q.attributes,
        &required,
        &probs,
        &pi,
    );
    if let Some(ids) = data.ids() {
        for (person, id) in persons.iter_mut().zip(ids) {
            person.id = Some(id.clone());
        }
    }
    let n = persons.len().max(1) as f64;
    let attribute_prevalence = (0..k)
        .map(|a| GroupPrevalence {
            attribute: q.attributes[a].clone(),
            prevalence: classes
                .iter()
                .zip(&pi)
                .filter(|(&m, _)| m >> a & 1 == 1)
                .map(|(_, p)| p)
                .sum(),
            mean_mastery: persons.iter().map(|p| p.mastery[a]).sum::<f64>() / n,
            eap_share: persons
                .iter()
                .filter(|p| p.eap.as_bytes()[a] == b'1')
                .count() as f64
                / n,
        })
        .collect();
    Ok(SkillProfiles {
        tool: "profile",
        engine: EngineInfo::current(),
        n_persons: data.n_persons(),
        n_items: data.n_items(),
        n_attributes: k,
        n_classes: classes.len(),
        attributes: q.attributes.clone(),
        prior,
        persons,
        attribute_prevalence,
        classification,
        warnings,
    })
}
