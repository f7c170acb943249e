//! Calibration of polytomous, mixed-format and multiple-group tests: which model each item gets,
//! how its scores become categories, how groups and anchors become the engine's items, and how
//! the estimates are reported.
//!
//! - **Categories.** An item's categories are its observed scores in increasing order (as mirt
//!   recodes them): scores 1-4 are categories 0-3. A score between two observed ones that nobody
//!   had is not a category (the neighbouring categories meet; a warning says so), so no
//!   category has an empty count and no estimate goes to infinity.
//! - **Models.** One model for every item, or `mixed`: PACER's rule, an item with any score above
//!   1 is polytomous (`polytomous_model`), the others get `binary_model`; per-item models from
//!   `item_models` override either.
//! - **Groups.** With `multigroup`, each examinee's `group` value selects a latent N(μ_g, σ²_g);
//!   the reference group's is N(0, 1). Items in `anchors` (default: all) have one set of
//!   parameters; every other item is split into one item per group, answered only by that
//!   group's examinees (missing for the others), so its parameters are estimated per group.

use super::fit_polytomous;
use super::information::{observed_information_by_differences, ScoreFunction};
use super::item_em::{GroupLatent, ItemEm};
use super::patterns::Patterns;
use super::polytomous::{ItemModel, PolyItem};
use super::{
    check_size, not_converged, Covariance, Curves, GroupEstimate, IrtCalibration, IrtModel,
    IrtOptions, ItemEstimate, Latent, Quadrature, SE_BY_DIFFERENCES,
};
use crate::data::{ResponseMatrix, MISSING};
use crate::em::{run_em, Control, EmOptions, Progress};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::math::finite;
use crate::EngineInfo;

/// One item as the engine sees it: a column of the file, for all examinees or one group.
struct EngineItem {
    column: usize,
    group: Option<usize>,
    model: ItemModel,
    /// The observed score of each category.
    scores: Vec<u8>,
}

/// The groups of a multiple-group calibration: names (reference first) and each examinee's
/// group index.
struct Groups {
    names: Vec<String>,
    of_person: Vec<u32>,
}

fn groups_of(data: &ResponseMatrix, options: &IrtOptions) -> Result<Groups> {
    if !options.multigroup {
        return Ok(Groups {
            names: vec![String::new()],
            of_person: vec![0; data.n_persons()],
        });
    }
    let Some(values) = data.groups() else {
        return Err(InputError::new(
            ErrorCode::InvalidOption,
            data.file(),
            "a multiple-group calibration needs a column named 'group', and the file has none",
        )
        .hint("Add a column headed 'group' naming each examinee's group, or calibrate without multigroup.")
        .build());
    };
    let mut names: Vec<String> = Vec::new();
    for (p, v) in values.iter().enumerate() {
        if v.trim().is_empty() {
            return Err(InputError::new(
                ErrorCode::InvalidOption,
                data.file(),
                "this examinee has no group",
            )
            .row(p + 2)
            .column("group")
            .hint("Give every examinee a group, or remove the row.")
            .build());
        }
        if !names.contains(v) {
            names.push(v.clone());
        }
    }
    if let Some(r) = &options.reference_group {
        match names.iter().position(|n| n == r) {
            Some(i) => {
                let name = names.remove(i);
                names.insert(0, name);
            }
            None => {
                return Err(Error::option(
                    "reference-group",
                    format!(
                        "the reference group '{r}' is not in the file's group column (groups: {})",
                        names.join(", ")
                    ),
                    "Name one of the groups in the file.",
                ))
            }
        }
    }
    if names.len() < 2 {
        return Err(InputError::new(
            ErrorCode::TooFewData,
            data.file(),
            format!(
                "the group column has only one group ('{}'), so there is nothing to compare",
                names[0]
            ),
        )
        .column("group")
        .hint("Calibrate without multigroup, or add the other groups' examinees.")
        .build());
    }
    let of_person = values
        .iter()
        .map(|v| names.iter().position(|n| n == v).unwrap_or(0) as u32)
        .collect();
    Ok(Groups { names, of_person })
}

/// The model of column j (whose largest score is `max`), or an error naming the item.
fn model_of(data: &ResponseMatrix, options: &IrtOptions, j: usize, max: u8) -> Result<ItemModel> {
    let name = &data.items()[j];
    let binary = max <= 1;
    let model = match options.item_models.get(name) {
        Some(&m) => m,
        None => match options.model {
            IrtModel::Mixed if binary => options.binary_model,
            IrtModel::Mixed => options.polytomous_model,
            m => m.item_model().unwrap_or(ItemModel::TwoPl),
        },
    };
    if model.is_dichotomous() && !binary {
        return Err(InputError::new(
            ErrorCode::InvalidOption,
            data.file(),
            format!(
                "item '{name}' has scores up to {max}, but the {} model is for 0/1 items",
                model.name()
            ),
        )
        .column(name.clone())
        .hint("Calibrate it with a polytomous model (grm, gpcm, pcm, rsm), e.g. with the model 'mixed', or recode it to 0/1.")
        .build());
    }
    Ok(model)
}

/// The engine's items and their category codes, person-major.
fn engine_items(
    data: &ResponseMatrix,
    options: &IrtOptions,
    groups: &Groups,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<EngineItem>, Vec<u8>)> {
    let names = data.items();
    for name in options.item_models.keys() {
        if !names.contains(name) {
            return Err(Error::option(
                "item-models",
                format!("the item-model list names '{name}', which is not an item of the file"),
                "Use the item names of the response file's header.",
            ));
        }
    }
    let split: Vec<bool> = match (&options.anchors, options.multigroup) {
        (Some(anchors), true) => {
            for a in anchors {
                if !names.contains(a) {
                    return Err(Error::option(
                        "anchors",
                        format!("the anchor '{a}' is not an item of the file"),
                        "Use the item names of the response file's header.",
                    ));
                }
            }
            if anchors.is_empty() {
                return Err(Error::option(
                    "anchors",
                    "the anchor list is empty, so the groups' latent distributions are not identified",
                    "Name at least one item whose parameters are equal across groups (or leave the list out: all items).",
                ));
            }
            names.iter().map(|n| !anchors.contains(n)).collect()
        }
        _ => vec![false; names.len()],
    };
    let n_groups = groups.names.len();
    let mut items = Vec::new();
    for j in 0..names.len() {
        let targets: Vec<Option<usize>> = if split[j] {
            (0..n_groups).map(Some).collect()
        } else {
            vec![None]
        };
        for group in targets {
            let mut seen = [false; 256];
            for p in 0..data.n_persons() {
                if group.is_some_and(|g| groups.of_person[p] as usize != g) {
                    continue;
                }
                let c = data.person(p)[j];
                if c != MISSING {
                    seen[c as usize] = true;
                }
            }
            let scores: Vec<u8> = (0..=255u8).filter(|&c| seen[c as usize]).collect();
            let who = group.map_or(String::new(), |g| {
                format!(" in group '{}'", groups.names[g])
            });
            if scores.len() < 2 {
                let what = match scores.first() {
                    Some(s) => format!("everyone who answered item '{}'{who} scored {s}, so its parameters cannot be estimated (they go to infinity)", names[j]),
                    None => format!("nobody answered item '{}'{who}", names[j]),
                };
                return Err(InputError::new(ErrorCode::TooFewData, data.file(), what)
                    .column(names[j].clone())
                    .hint("Remove the item from the calibration (or make it an anchor item); it carries no information about the latent trait here.")
                    .build());
            }
            let max = *scores.last().unwrap_or(&0);
            let model = model_of(data, options, j, max)?;
            let gaps: Vec<u8> = (scores[0]..max).filter(|c| !seen[*c as usize]).collect();
            if !gaps.is_empty() {
                warnings.push(Warning {
                    code: "categories_collapsed".into(),
                    item: Some(names[j].clone()),
                    message: format!(
                        "Item '{}'{who}: nobody scored {}, so the observed scores {} are its categories 0-{} (the empty score is merged away; scores keep their order).",
                        names[j],
                        gaps.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
                        scores.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
                        scores.len() - 1
                    ),
                });
            }
            items.push(EngineItem {
                column: j,
                group,
                model,
                scores,
            });
        }
    }
    let rsm: Vec<&EngineItem> = items.iter().filter(|i| i.model == ItemModel::Rsm).collect();
    if let Some(first) = rsm.first() {
        if let Some(other) = rsm.iter().find(|i| i.scores.len() != first.scores.len()) {
            return Err(InputError::new(
                ErrorCode::InvalidOption,
                data.file(),
                format!(
                    "the rating scale model needs the same categories for every item, but '{}' has {} and '{}' has {}",
                    names[first.column],
                    first.scores.len(),
                    names[other.column],
                    other.scores.len()
                ),
            )
            .column(names[other.column].clone())
            .hint("Use the partial credit model (pcm) or the generalized one (gpcm), or give those items their own model.")
            .build());
        }
    }
    let k = items.len();
    let mut codes = vec![MISSING; data.n_persons() * k];
    let maps: Vec<[u8; 256]> = items
        .iter()
        .map(|it| {
            let mut m = [MISSING; 256];
            for (c, &s) in it.scores.iter().enumerate() {
                m[s as usize] = c as u8;
            }
            m
        })
        .collect();
    for p in 0..data.n_persons() {
        let row = data.person(p);
        let g = groups.of_person[p] as usize;
        for (i, it) in items.iter().enumerate() {
            if it.group.is_some_and(|h| h != g) {
                continue;
            }
            let c = row[it.column];
            if c != MISSING {
                codes[p * k + i] = maps[i][c as usize];
            }
        }
    }
    Ok((items, codes))
}

/// Starting values from each item's category proportions p_k: slope 1; graded intercepts
/// `logit(P(X ≥ k))·√(1 + π²/8)` (the marginal of a unit-slope logistic curve over N(0, 1));
/// divide-by-total intercepts `ln(p_k / p_0)`; 0/1 items as the dichotomous engine starts them
/// (g = .1, u = .95 for the models that have them).
/// S-X2 for every item, per group in a multiple-group calibration: each group's examinees with
/// the items as estimated for that group and the group's latent distribution. A focal group's
/// estimated mean and variance count against each item's degrees of freedom (as mirt).
fn summed_score_fit(
    em: &ItemEm<'_>,
    items: &[EngineItem],
    codes: &[u8],
    groups: &Groups,
    item_names: &[String],
) -> Vec<super::item_fit::SX2> {
    let n_engine = items.len();
    let mut out = Vec::new();
    for (g, name) in groups.names.iter().enumerate() {
        let cols: Vec<usize> = (0..n_engine)
            .filter(|&j| items[j].group.is_none_or(|h| h == g))
            .collect();
        let mut group_codes = Vec::new();
        for (row, _) in codes
            .chunks_exact(n_engine)
            .zip(&groups.of_person)
            .filter(|(_, &p)| p as usize == g)
        {
            group_codes.extend(cols.iter().map(|&j| row[j]));
        }
        if group_codes.is_empty() {
            continue;
        }
        let names: Vec<String> = cols
            .iter()
            .map(|&j| item_names[items[j].column].clone())
            .collect();
        let engine: Vec<&PolyItem> = cols.iter().map(|&j| &em.items[j]).collect();
        let probs = super::item_fit::category_tables(&engine, &em.nodes);
        let total: f64 = em.prior[g].iter().sum();
        let weights: Vec<f64> = em.prior[g].iter().map(|w| w / total).collect();
        let latent = if em.groups[g].free { 2 } else { 0 };
        let free: Vec<usize> = cols
            .iter()
            .map(|&j| em.parameters_of_item(j) + latent)
            .collect();
        out.extend(super::item_fit::s_x2(
            &super::item_fit::SummedScoreFit {
                codes: &group_codes,
                names: &names,
                probs: &probs,
                weights: &weights,
                free: &free,
                group: (groups.names.len() > 1).then_some(name.as_str()),
            },
            1.0,
        ));
    }
    out
}

fn starting_values(items: &[EngineItem], codes: &[u8]) -> Vec<PolyItem> {
    let k = items.len();
    let scale = (1.0 + std::f64::consts::PI.powi(2) / 8.0).sqrt();
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let cats = it.scores.len();
            let mut n = vec![0.0; cats];
            for row in codes.chunks_exact(k) {
                if row[i] != MISSING {
                    n[row[i] as usize] += 1.0;
                }
            }
            let total: f64 = n.iter().sum();
            let p: Vec<f64> = n.iter().map(|v| (v / total).max(1e-3)).collect();
            let logit = |x: f64| (x / (1.0 - x)).ln();
            let d: Vec<f64> = if it.model == ItemModel::Grm || it.model.is_dichotomous() {
                (1..cats)
                    .map(|c| logit(p[c..].iter().sum::<f64>().clamp(1e-3, 1.0 - 1e-3)) * scale)
                    .collect()
            } else {
                (1..cats).map(|c| (p[c] / p[0]).ln()).collect()
            };
            PolyItem {
                model: it.model,
                a1: 1.0,
                d,
                g: if matches!(it.model, ItemModel::ThreePl | ItemModel::FourPl) {
                    0.1
                } else {
                    0.0
                },
                u: if it.model == ItemModel::FourPl {
                    0.95
                } else {
                    1.0
                },
            }
        })
        .collect()
}

/// Terms `(parameter index, coefficient)` of a linear combination of the internal parameters.
type Terms = Vec<(usize, f64)>;

fn scaled(t: &Terms, c: f64) -> Terms {
    t.iter().map(|&(i, v)| (i, v * c)).collect()
}

/// Calibrates any mix of item models, with missing responses and optional groups.
///
/// # Errors
/// Invalid options or item-model lists; items nobody answered or everyone answered alike
/// (overall or, for items estimated per group, within a group); a model for 0/1 items on an item
/// with higher scores; rating scale items with different numbers of categories; a missing group
/// column or reference group; fewer than two items or examinees.
pub(super) fn calibrate_general(
    data: &ResponseMatrix,
    options: &IrtOptions,
    quadrature: Quadrature,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<IrtCalibration> {
    check_size(data)?;
    let mut warnings = Vec::new();
    let groups = groups_of(data, options)?;
    let (items, codes) = engine_items(data, options, &groups, &mut warnings)?;
    let patterns = Patterns::from_codes(&codes, items.len(), Some(&groups.of_person));
    let start = starting_values(&items, &codes);
    let latent: Vec<GroupLatent> = (0..groups.names.len())
        .map(|g| GroupLatent {
            mean: 0.0,
            variance: 1.0,
            free: g > 0,
        })
        .collect();
    let mut em = ItemEm::new(
        &patterns,
        start,
        latent,
        quadrature.nodes.clone(),
        quadrature.weights.clone(),
        options.guessing_prior,
    );
    let report = run_em(
        &mut em,
        &EmOptions {
            tolerance: options.tolerance,
            max_iterations: options.max_iterations,
            acceleration: options.acceleration,
        },
        observer,
    );
    if let Some(w) = not_converged(&report, options.tolerance) {
        warnings.push(w);
    }
    let loglik = em.loglik;
    let npar = em.parameters_len();
    let (at, groups_at) = em.layout();
    let params = em.internal_parameters();
    // Asymptotes within 1e-4 of 0 or 1 sit on their bound: no standard error.
    let mut bound = vec![false; params.len()];
    for (j, it) in em.items.iter().enumerate() {
        if let (Some(s), true) = (at[j], it.model.has_asymptote()) {
            for i in [s + 2, s + 3] {
                if i < groups_at.min(params.len()) && (i == s + 2 || it.model == ItemModel::FourPl)
                {
                    let v = super::dichotomous::logistic(params[i]);
                    bound[i] = !(1e-4..=1.0 - 1e-4).contains(&v);
                }
            }
        }
    }
    let cov = options.se.then(|| {
        let info = observed_information_by_differences(&mut em);
        Covariance::from_information(&info, params.len(), |i| bound[i])
    });
    if cov.as_ref().is_some_and(|c| c.values.is_none()) {
        warnings.push(Warning {
            code: "information_not_positive_definite".into(),
            item: None,
            message: "The information matrix is not positive definite, so no standard errors are reported: the model is not identified by these data or the estimates are not at a maximum.".into(),
        });
    }
    let se = |t: &Terms| cov.as_ref().and_then(|c| c.linear_se(t));

    // Rasch-type reporting: when every item is Rasch, partial credit or rating scale, the common
    // slope is the latent SD; slopes are reported as 1 and the variance as its square.
    let rasch = em.items.iter().all(|i| i.model.rasch_type());
    let sigma = if rasch { em.items[0].a1 } else { 1.0 };
    let d_const = options.d_constant;
    let family = em.family.clone();
    let member = |j: usize| {
        family
            .as_ref()
            .and_then(|f| f.members.iter().position(|&m| m == j))
    };
    let mut estimates = Vec::with_capacity(items.len());
    for (j, (it, p)) in items.iter().zip(&em.items).enumerate() {
        // Terms of η = (a1, d_1..d_{K−1}) in the internal parameters.
        let eta = |e: usize| -> Terms {
            match (member(j), at[j]) {
                (Some(i), _) => family.as_ref().map_or(Vec::new(), |f| f.map(i)[e].clone()),
                (None, Some(s)) => vec![(s + e, 1.0)],
                (None, None) => Vec::new(),
            }
        };
        let a1 = if rasch { 1.0 } else { p.a1 };
        let slope_terms = if rasch { Vec::new() } else { eta(0) };
        let d = p.d.clone();
        let m = d.len();
        let mut thresholds = Vec::with_capacity(m);
        let mut threshold_terms: Vec<Terms> = Vec::with_capacity(m);
        let location_terms: Option<Terms>;
        let location;
        match p.model {
            ItemModel::Gpcm | ItemModel::Pcm => {
                for k in 0..m {
                    let prev = if k == 0 { 0.0 } else { d[k - 1] };
                    let step = d[k] - prev;
                    thresholds.push(-step / a1);
                    let mut t = scaled(&slope_terms, step / (a1 * a1));
                    t.extend(scaled(&eta(k + 1), -1.0 / a1));
                    if k > 0 {
                        t.extend(scaled(&eta(k), 1.0 / a1));
                    }
                    threshold_terms.push(t);
                }
                location = thresholds.iter().sum::<f64>() / m as f64;
                location_terms = Some(
                    threshold_terms
                        .iter()
                        .flat_map(|t| scaled(t, 1.0 / m as f64))
                        .collect(),
                );
            }
            ItemModel::Rsm => {
                let f = family
                    .as_ref()
                    .expect("rating scale items are in the family");
                let t0 = f.rsm_thresholds.unwrap_or(0);
                for k in 0..m {
                    let tau = f.beta[t0 + k];
                    thresholds.push(tau / a1);
                    let mut t = scaled(&slope_terms, -tau / (a1 * a1));
                    t.push((t0 + k, 1.0 / a1));
                    threshold_terms.push(t);
                }
                let loc = member(j).and_then(|i| f.rsm_location[i]);
                // The first rating scale item's location is 0 by definition (no SE).
                location = loc.map_or(0.0, |l| f.beta[l] / a1);
                location_terms = loc.map(|l| {
                    let mut t = scaled(&slope_terms, -f.beta[l] / (a1 * a1));
                    t.push((l, 1.0 / a1));
                    t
                });
            }
            _ => {
                for k in 0..m {
                    thresholds.push(-d[k] / a1);
                    let mut t = scaled(&slope_terms, d[k] / (a1 * a1));
                    t.extend(scaled(&eta(k + 1), -1.0 / a1));
                    threshold_terms.push(t);
                }
                location = thresholds.iter().sum::<f64>() / m as f64;
                location_terms = Some(
                    threshold_terms
                        .iter()
                        .flat_map(|t| scaled(t, 1.0 / m as f64))
                        .collect(),
                );
            }
        }
        let binary = p.model.is_dichotomous();
        let mut on_bound = Vec::new();
        let (mut se_g, mut se_u) = (None, None);
        if let Some(s) = at[j] {
            if p.model.has_asymptote() {
                if bound[s + 2] {
                    on_bound.push("g");
                } else {
                    se_g = se(&vec![(s + 2, p.g * (1.0 - p.g))]);
                }
            }
            if p.model == ItemModel::FourPl {
                if bound[s + 3] {
                    on_bound.push("u");
                } else {
                    se_u = se(&vec![(s + 3, p.u * (1.0 - p.u))]);
                }
            }
        }
        let se_a1 = if rasch { None } else { se(&eta(0)) };
        let se_intercepts: Vec<Option<f64>> = if options.se {
            (1..=m).map(|k| se(&eta(k))).collect()
        } else {
            Vec::new()
        };
        let se_thresholds: Vec<Option<f64>> = if options.se {
            threshold_terms.iter().map(&se).collect()
        } else {
            Vec::new()
        };
        let se_location = location_terms.as_ref().and_then(&se);
        estimates.push(ItemEstimate {
            item: data.items()[it.column].clone(),
            group: it.group.map(|g| groups.names[g].clone()),
            model: p.model.name(),
            categories: p.categories(),
            scores: it.scores.clone(),
            a1,
            d: binary.then_some(d[0]),
            g: binary.then_some(p.g),
            u: binary.then_some(p.u),
            a: a1 / d_const,
            b: binary.then(|| finite(thresholds[0])).flatten(),
            c: binary.then_some(p.g),
            intercepts: d.clone(),
            thresholds: thresholds.iter().map(|&t| finite(t)).collect(),
            location: finite(location),
            on_bound,
            se_a1,
            se_d: if binary {
                se_intercepts.first().copied().flatten()
            } else {
                None
            },
            se_g,
            se_u,
            se_a: se_a1.map(|s| s / d_const),
            se_b: if binary {
                se_thresholds.first().copied().flatten()
            } else {
                None
            },
            se_c: se_g,
            se_intercepts,
            se_thresholds,
            se_location,
        });
    }
    warnings.extend(super::estimate_warnings(&estimates));

    // Latent distributions: under Rasch-type reporting θ = σ·z.
    let slope_se = |extra: Terms| -> Option<f64> { se(&extra) };
    let latent = Latent {
        mean: 0.0,
        variance: sigma * sigma,
        variance_estimated: rasch,
        se_variance: if rasch {
            slope_se(vec![(0, 2.0 * sigma)])
        } else {
            None
        },
    };
    let mut group_estimates = Vec::new();
    if options.multigroup {
        let mut free_index = 0;
        for (g, name) in groups.names.iter().enumerate() {
            let gl = em.groups[g];
            let n = groups
                .of_person
                .iter()
                .filter(|&&x| x as usize == g)
                .count();
            let (se_mean, se_variance) = if gl.free {
                let (mi, vi) = (groups_at + 2 * free_index, groups_at + 2 * free_index + 1);
                free_index += 1;
                if rasch {
                    (
                        se(&vec![(0, gl.mean), (mi, sigma)]),
                        se(&vec![(0, 2.0 * sigma * gl.variance), (vi, sigma * sigma)]),
                    )
                } else {
                    (se(&vec![(mi, 1.0)]), se(&vec![(vi, 1.0)]))
                }
            } else {
                (None, latent.se_variance)
            };
            group_estimates.push(GroupEstimate {
                group: name.clone(),
                n,
                reference: g == 0,
                mean: sigma * gl.mean,
                variance: sigma * sigma * gl.variance,
                se_mean,
                se_variance,
            });
        }
    }
    let reported: Vec<PolyItem> = em
        .items
        .iter()
        .map(|p| PolyItem {
            a1: if rasch { 1.0 } else { p.a1 },
            ..p.clone()
        })
        .collect();
    let curves = Curves::of_items(&reported);
    let n = data.n_persons() as f64;
    let k = items.len();
    let complete = !codes.contains(&MISSING);
    let (m2, fit_note) = if options.multigroup {
        (
            None,
            Some("M2 is not computed for multiple-group calibrations.".to_string()),
        )
    } else if !complete {
        (None, Some("M2 needs complete data: with missing responses the observed bivariate margins are not comparable across item pairs, so it is not computed.".to_string()))
    } else if k > options.m2_max_items {
        (None, Some(format!("M2 is computed for tests of up to {} items (option m2-max-items); this test has {k}. Raise the limit to compute it.", options.m2_max_items)))
    } else {
        let beta = em.internal_parameters();
        let nodes = em.nodes.clone();
        let weights = em.prior[0].clone();
        let fitted = em.items.clone();
        let mut at = |v: &[f64]| {
            em.set_internal_parameters(v);
            em.items.clone()
        };
        let m2 = fit_polytomous::m2_polytomous(
            &codes,
            data.n_persons(),
            &fitted,
            &nodes,
            &weights,
            &beta,
            &mut at,
            fit_polytomous::Margins::Auto,
        );
        em.set_internal_parameters(&beta);
        match m2 {
            Some(m) => (Some(m), None),
            None => (None, Some("Neither M2* nor C2 has degrees of freedom for this model and number of items (or their matrices are singular).".to_string())),
        }
    };
    let item_fit_note = super::item_fit_note(
        data.has_missing(),
        data.n_items(),
        options.item_fit_max_items,
    );
    let item_fit = if item_fit_note.is_some() {
        Vec::new()
    } else {
        summed_score_fit(&em, &items, &codes, &groups, data.items())
    };
    Ok(IrtCalibration {
        tool: "irt_calibration",
        engine: EngineInfo::current(),
        file: data.file().to_string(),
        options: options.clone(),
        quadrature,
        n_persons: data.n_persons(),
        n_items: data.n_items(),
        n_patterns: patterns.len(),
        items: estimates,
        latent,
        groups: group_estimates,
        loglik,
        npar,
        aic: -2.0 * loglik + 2.0 * npar as f64,
        bic: -2.0 * loglik + npar as f64 * n.ln(),
        sabic: -2.0 * loglik + npar as f64 * ((n + 2.0) / 24.0).ln(),
        converged: report.converged,
        stop_reason: report.stop_reason,
        iterations: report.iterations,
        last_change: report.last_change,
        loglik_trace: report.loglik_trace,
        se_method: options.se.then_some(SE_BY_DIFFERENCES),
        m2,
        fit_note,
        item_fit,
        item_fit_note,
        infit_outfit: Vec::new(),
        curves,
        warnings,
    })
}
