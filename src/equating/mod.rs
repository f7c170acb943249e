//! Equating: IRT linking of a new form's parameters to a base scale through common items
//! ([`linking`]), with drift diagnostics of the common items, and IRT true-score equating of the
//! linked forms ([`true_score`]) and IRT observed-score equating ([`observed_score`]).

pub mod linking;
pub mod observed_score;
pub mod true_score;

use crate::data::{Anchor, ParameterItem};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::irt::PolyItem;
use crate::EngineInfo;
use linking::{Constants, CurveOptions, IrtMetricItem, LinkingMethod};
use observed_score::{ObservedScoreEquating, ObservedScoreOptions};
use serde::Serialize;
use true_score::TrueScoreEquating;

/// The inputs of [`link`] and [`equate`]: both forms' items and the common items, with the
/// names of the files they came from (for messages).
#[derive(Debug, Clone, Copy)]
pub struct Forms<'a> {
    /// The base (bank) form's items.
    pub base: &'a [ParameterItem],
    /// Its file's name.
    pub base_file: &'a str,
    /// The new form's items.
    pub new: &'a [ParameterItem],
    /// Its file's name.
    pub new_file: &'a str,
    /// The common items.
    pub anchors: &'a [Anchor],
    /// The anchor file's name.
    pub anchor_file: &'a str,
}

/// Options of [`link`].
#[derive(Debug, Clone, PartialEq)]
pub struct LinkingOptions {
    /// The method whose constants transform the new form.
    pub method: LinkingMethod,
    /// θ points, weights and direction of the characteristic-curve criteria.
    pub curve: CurveOptions,
    /// The scaling constant D the parameter files were read with (reported; the IRT-metric
    /// slopes of the output are `a1/D`).
    pub d_constant: f64,
    /// Common items left out, by their new-form names (e.g. flagged for drift).
    pub exclude: Vec<String>,
}

impl Default for LinkingOptions {
    fn default() -> Self {
        LinkingOptions {
            method: LinkingMethod::StockingLord,
            curve: CurveOptions::default(),
            d_constant: 1.0,
            exclude: Vec::new(),
        }
    }
}

/// One common item's fit after linking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnchorDrift {
    /// Name in the new form.
    pub new_item: String,
    /// Name in the base form.
    pub base_item: String,
    /// Left out of the linking (`exclude`); its diagnostics use the others' constants.
    pub excluded: bool,
    /// Base-form slope (IRT metric).
    pub a_base: f64,
    /// New-form slope on the base scale, `a/A`.
    pub a_linked: f64,
    /// Base-form locations.
    pub b_base: Vec<f64>,
    /// New-form locations on the base scale, `A·b + B`.
    pub b_linked: Vec<f64>,
    /// `d² = Σ_q w_q (E_base(θ_q) − E_linked(θ_q))² / Σ_q w_q`: the weighted mean squared
    /// difference of the item's expected score curves over the criterion's θ points.
    pub d2: f64,
    /// `√d²`.
    pub rmsd: f64,
    /// `(d² − mean)/SD` over the common items used (SD with N − 1; null with fewer than 3).
    pub standardized: Option<f64>,
    /// The common item with the largest d² among those used.
    pub largest: bool,
    /// Standardized distance above 2.
    pub flagged: bool,
}

/// Expected score curves for the plots, on the base scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkingCurves {
    /// θ (base scale), −4 to 4 by 0.1.
    pub theta: Vec<f64>,
    /// Sum over the common items used: base form.
    pub tcc_base: Vec<f64>,
    /// New form before linking (its parameters read as if already on the base scale).
    pub tcc_new: Vec<f64>,
    /// New form after linking.
    pub tcc_linked: Vec<f64>,
    /// Per common item (all, in the anchor file's order): the three curves.
    pub items: Vec<ItemCurves>,
}

/// One common item's expected score curves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemCurves {
    /// Name in the new form.
    pub new_item: String,
    /// Base form.
    pub base: Vec<f64>,
    /// New form before linking.
    pub new: Vec<f64>,
    /// New form after linking.
    pub linked: Vec<f64>,
}

/// The result of [`link`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Linking {
    /// `"linking"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// The method applied.
    pub method: LinkingMethod,
    /// `θ_base = A·θ_new + B`.
    #[serde(rename = "A")]
    pub a: f64,
    /// See `A`.
    #[serde(rename = "B")]
    pub b: f64,
    /// The criterion at (A, B) (curve methods).
    pub criterion: Option<f64>,
    /// Minimisation iterations (curve methods).
    pub iterations: usize,
    /// Whether the minimisation converged.
    pub converged: bool,
    /// The constants of all four methods on the same common items.
    pub methods: Vec<Constants>,
    /// Whether the curve criteria are symmetric.
    pub symmetric: bool,
    /// Scaling constant D.
    #[serde(rename = "D")]
    pub d_constant: f64,
    /// θ points of the curve criteria.
    pub theta_points: Vec<f64>,
    /// Their weights.
    pub weights: Vec<f64>,
    /// Common items used.
    pub n_anchors: usize,
    /// Per common item (in the anchor file's order).
    pub anchors: Vec<AnchorDrift>,
    /// Every new-form item on the base scale (IRT metric), in the new file's order.
    pub linked_items: Vec<IrtMetricItem>,
    /// Curves for the plots.
    pub curves: LinkingCurves,
    /// Non-convergence and other notes.
    pub warnings: Vec<Warning>,
}

/// Links the new form's items to the base form's through `anchors` (from the anchor file
/// `anchor_file`): the constants of every method, the chosen one's transformation of every
/// new-form item, the common items' drift and the curves of the plots.
///
/// # Errors
/// An anchor naming an item that one of the files does not have, a common item whose two
/// versions have different numbers of categories, an excluded item that is not a common item,
/// fewer than one common item left, unusable options.
pub fn link(forms: Forms<'_>, options: &LinkingOptions) -> Result<Linking> {
    let Forms {
        base,
        base_file,
        new,
        new_file,
        anchors,
        anchor_file,
    } = forms;
    options.curve.check()?;
    let find = |items: &'_ [ParameterItem], name: &str| items.iter().position(|i| i.item == name);
    let mut pairs_all = Vec::with_capacity(anchors.len());
    for a in anchors {
        let missing = |name: &str, column: &str, file: &str| {
            InputError::new(
                ErrorCode::ItemMismatch,
                anchor_file,
                format!("the common item '{name}' is not in the {column} parameter file '{file}'"),
            )
            .row(a.row)
            .column(format!("{column}_item"))
            .value(name.to_string())
            .hint("Check the spelling against that file's 'item' column, or delete the row.")
            .build()
        };
        let n = find(new, &a.new_item).ok_or_else(|| missing(&a.new_item, "new", new_file))?;
        let b = find(base, &a.base_item).ok_or_else(|| missing(&a.base_item, "base", base_file))?;
        if new[n].params.categories() != base[b].params.categories() {
            return Err(InputError::new(
                ErrorCode::ItemMismatch,
                anchor_file,
                format!(
                    "the common item '{}' has {} categories in the new form but '{}' has {} in the base form",
                    a.new_item,
                    new[n].params.categories(),
                    a.base_item,
                    base[b].params.categories()
                ),
            )
            .row(a.row)
            .hint("A common item must be the same item in both forms; delete the row if it was rescored.")
            .build());
        }
        pairs_all.push((n, b));
    }
    for x in &options.exclude {
        if !anchors.iter().any(|a| &a.new_item == x) {
            return Err(Error::option(
                "exclude",
                format!("'{x}' is not a common item (new_item) of the anchor file"),
                "Exclude common items by their names in the new form.",
            ));
        }
    }
    let used: Vec<bool> = anchors
        .iter()
        .map(|a| !options.exclude.contains(&a.new_item))
        .collect();
    let pairs: Vec<(&PolyItem, &PolyItem)> = pairs_all
        .iter()
        .zip(&used)
        .filter(|(_, &u)| u)
        .map(|(&(n, b), _)| (&new[n].params, &base[b].params))
        .collect();
    if pairs.is_empty() {
        return Err(Error::option(
            "exclude",
            "every common item is excluded",
            "Keep at least one common item (a few more for a stable link).",
        ));
    }

    let mut warnings = Vec::new();
    let mut methods = Vec::with_capacity(4);
    for m in LinkingMethod::ALL {
        match linking::constants(&pairs, m, &options.curve) {
            Ok(c) => {
                if !c.converged {
                    warnings.push(Warning {
                        code: "not_converged".into(),
                        item: None,
                        message: format!(
                            "the {} criterion did not converge in {} iterations: A and B are the last values reached.",
                            m.name(),
                            c.iterations
                        ),
                    });
                }
                methods.push(c);
            }
            Err(e) if m != options.method => warnings.push(Warning {
                code: "method_undefined".into(),
                item: None,
                message: format!("{}: {e}", m.name()),
            }),
            Err(e) => return Err(e),
        }
    }
    let chosen = methods
        .iter()
        .find(|c| c.method == options.method)
        .cloned()
        .expect("the chosen method succeeded");
    let (a, b) = (chosen.a, chosen.b);
    // The new form's version of every common item on the base scale.
    let linked_anchors: Vec<PolyItem> = pairs_all
        .iter()
        .map(|&(n, _)| linking::transform(&new[n].params, a, b))
        .collect();

    // Drift of every common item under the chosen constants.
    let wsum: f64 = options.curve.weights.iter().sum();
    let mut anchors_out: Vec<AnchorDrift> = anchors
        .iter()
        .zip(&pairs_all)
        .zip(&used)
        .zip(&linked_anchors)
        .map(|(((an, &(_, bi)), &u), linked)| {
            let base_item = &base[bi].params;
            let d2 = options
                .curve
                .theta
                .iter()
                .zip(&options.curve.weights)
                .map(|(&t, &w)| {
                    let diff = base_item.expected_score(t) - linked.expected_score(t);
                    w * diff * diff
                })
                .sum::<f64>()
                / wsum;
            AnchorDrift {
                new_item: an.new_item.clone(),
                base_item: an.base_item.clone(),
                excluded: !u,
                a_base: base_item.a1 / options.d_constant,
                a_linked: linked.a1 / options.d_constant,
                b_base: linking::locations(base_item),
                b_linked: linking::locations(linked),
                d2,
                rmsd: d2.sqrt(),
                standardized: None,
                largest: false,
                flagged: false,
            }
        })
        .collect();
    let d2_used: Vec<f64> = anchors_out
        .iter()
        .filter(|d| !d.excluded)
        .map(|d| d.d2)
        .collect();
    if d2_used.len() >= 3 {
        let m = d2_used.iter().sum::<f64>() / d2_used.len() as f64;
        let sd = (d2_used.iter().map(|x| (x - m) * (x - m)).sum::<f64>()
            / (d2_used.len() - 1) as f64)
            .sqrt();
        if sd > 0.0 {
            for d in &mut anchors_out {
                let z = (d.d2 - m) / sd;
                d.standardized = Some(z);
                d.flagged = !d.excluded && z > 2.0;
            }
        }
    }
    if let Some(top) = anchors_out
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.excluded)
        .max_by(|x, y| x.1.d2.total_cmp(&y.1.d2))
        .map(|(i, _)| i)
    {
        anchors_out[top].largest = true;
    }

    // Curves.
    let theta: Vec<f64> = (-40..=40).map(|i| i as f64 / 10.0).collect();
    let mut items = Vec::with_capacity(anchors.len());
    let (mut tcc_base, mut tcc_new, mut tcc_linked) = (
        vec![0.0; theta.len()],
        vec![0.0; theta.len()],
        vec![0.0; theta.len()],
    );
    for (((an, &(n, bi)), &u), linked) in anchors
        .iter()
        .zip(&pairs_all)
        .zip(&used)
        .zip(&linked_anchors)
    {
        let curve = |item: &PolyItem| {
            theta
                .iter()
                .map(|&t| item.expected_score(t))
                .collect::<Vec<_>>()
        };
        let c = ItemCurves {
            new_item: an.new_item.clone(),
            base: curve(&base[bi].params),
            new: curve(&new[n].params),
            linked: curve(linked),
        };
        if u {
            for q in 0..theta.len() {
                tcc_base[q] += c.base[q];
                tcc_new[q] += c.new[q];
                tcc_linked[q] += c.linked[q];
            }
        }
        items.push(c);
    }

    Ok(Linking {
        tool: "linking",
        engine: EngineInfo::current(),
        method: options.method,
        a,
        b,
        criterion: chosen.criterion,
        iterations: chosen.iterations,
        converged: chosen.converged,
        methods,
        symmetric: options.curve.symmetric,
        d_constant: options.d_constant,
        theta_points: options.curve.theta.clone(),
        weights: options.curve.weights.clone(),
        n_anchors: pairs.len(),
        anchors: anchors_out,
        linked_items: new
            .iter()
            .map(|i| {
                IrtMetricItem::new(
                    &i.item,
                    &linking::transform(&i.params, a, b),
                    options.d_constant,
                )
            })
            .collect(),
        curves: LinkingCurves {
            theta,
            tcc_base,
            tcc_new,
            tcc_linked,
            items,
        },
        warnings,
    })
}

/// Options of [`equate`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EquatingOptions {
    /// The link.
    pub linking: LinkingOptions,
    /// The populations of observed-score equating.
    pub observed: ObservedScoreOptions,
}

/// The result of [`equate`]: the link, and the new form's summed scores equated to the base
/// form's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Equating {
    /// `"equating"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// The link of the new form to the base scale ([`link`]).
    pub linking: Linking,
    /// IRT true-score equating of every new-form score, with the new form linked.
    pub true_score: TrueScoreEquating,
    /// IRT observed-score equating of every new-form score, with the new form linked.
    pub observed_score: ObservedScoreEquating,
}

/// Links the new form to the base scale ([`link`]) and equates its summed scores to the base
/// form's by IRT true-score and observed-score equating over all items of both forms.
///
/// # Errors
/// As [`link`], and unusable observed-score options.
pub fn equate(forms: Forms<'_>, options: &EquatingOptions) -> Result<Equating> {
    options.observed.check()?;
    let linking = link(forms, &options.linking)?;
    let (base, new) = (forms.base, forms.new);
    let linked: Vec<PolyItem> = new
        .iter()
        .map(|i| linking::transform(&i.params, linking.a, linking.b))
        .collect();
    let base_items: Vec<PolyItem> = base.iter().map(|i| i.params.clone()).collect();
    let true_score = true_score::true_score_equating(&linked, &base_items);
    let observed_score =
        observed_score::observed_score_equating(&linked, &base_items, &options.observed)?;
    Ok(Equating {
        tool: "equating",
        engine: EngineInfo::current(),
        linking,
        true_score,
        observed_score,
    })
}
