//! Marginal maximum likelihood of the G-DINA family by EM over the 2^K latent classes
//! (de la Torre, 2011): the E-step gives each response pattern's posterior over the classes, and
//! from it the expected number of examinees `N_jl` and of correct answers `R_jl` in each reduced
//! attribute group l of each item j; the M-step maximises each item's expected log-likelihood
//! `Σ_l R_jl log P_jl + (N_jl − R_jl) log(1 − P_jl)` under the model's constraints and updates the
//! class proportions.

use super::additive;
use super::design::{Design, Link};
use super::higher_order;
use super::patterns::group_of_classes;
use super::{AttributeDistribution, CdmModel};
use crate::data::MISSING;
use crate::em::EmProblem;
use crate::parallel::BLOCK;
use crate::vecmath::{self, padded};

/// The model, the data and the current parameters.
pub struct CdmEm<'a> {
    /// Distinct response patterns, pattern-major, `MISSING` for missing.
    pub codes: &'a [u8],
    /// Examinees per distinct response pattern.
    pub counts: &'a [f64],
    /// Items.
    pub n_items: usize,
    /// Classes (2^K).
    pub n_classes: usize,
    /// Attribute patterns of the classes (bit masks).
    pub classes: &'a [u32],
    /// Number of attributes.
    pub n_attributes: usize,
    /// Per item, its reduced group for every class.
    pub group: Vec<Vec<u32>>,
    /// Per item, the number of reduced groups 2^{K_j}.
    pub n_groups: Vec<usize>,
    /// The measurement model.
    pub model: CdmModel,
    /// The structure of the class proportions.
    pub distribution: AttributeDistribution,
    /// Bounds of the success probabilities.
    pub bounds: (f64, f64),
    /// Per item, its design matrix.
    pub designs: Vec<Design>,
    /// The link of an additive model (whose free parameters are `deltas`).
    pub additive_link: Option<Link>,
    /// Additive models: per item, its parameters on the link scale (empty otherwise).
    pub deltas: Vec<Vec<f64>>,
    /// Per item, the success probability of each reduced group.
    pub probs: Vec<Vec<f64>>,
    /// Class proportions.
    pub pi: Vec<f64>,
    /// Higher-order distribution: `[λ_0k, λ_1k]` per attribute (empty otherwise).
    pub lambda: Vec<f64>,
    /// Expected examinees per class (last E-step).
    pub class_n: Vec<f64>,
    /// Per pattern, its items answered correctly (item indices) followed by its missing items
    /// (as `J + j`): `lists[starts[p]..starts[p + 1]]`, the correct ones up to `mids[p]`.
    lists: Vec<u32>,
    starts: Vec<u32>,
    mids: Vec<u32>,
    /// Classes padded to a multiple of the vector width (the padding has proportion 0).
    pub stride: usize,
    /// Expected correct answers to item j in class c at `j·S + c`, then the expected examinees
    /// of class c *not* answering item j at `(J + j)·S + c` (last E-step).
    acc: Vec<f64>,
}

impl<'a> CdmEm<'a> {
    /// A problem on the distinct patterns `codes` (pattern-major, `MISSING` for missing) with
    /// their `counts`, the items' `required` attributes and starting values `probs`, `pi`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        codes: &'a [u8],
        counts: &'a [f64],
        n_items: usize,
        classes: &'a [u32],
        n_attributes: usize,
        required: &[Vec<usize>],
        model: CdmModel,
        distribution: AttributeDistribution,
        bounds: (f64, f64),
        probs: Vec<Vec<f64>>,
        pi: Vec<f64>,
    ) -> CdmEm<'a> {
        let n_classes = classes.len();
        let group: Vec<Vec<u32>> = required
            .iter()
            .map(|r| group_of_classes(classes, r))
            .collect();
        let n_groups = required.iter().map(|r| 1usize << r.len()).collect();
        let np = counts.len();
        let mut lists = Vec::new();
        let mut starts = Vec::with_capacity(np + 1);
        let mut mids = Vec::with_capacity(np);
        for p in 0..np {
            starts.push(lists.len() as u32);
            let row = &codes[p * n_items..(p + 1) * n_items];
            lists.extend((0..n_items as u32).filter(|&j| row[j as usize] == 1));
            mids.push(lists.len() as u32);
            lists.extend(
                (0..n_items as u32)
                    .filter(|&j| row[j as usize] == MISSING)
                    .map(|j| n_items as u32 + j),
            );
        }
        starts.push(lists.len() as u32);
        let stride = padded(n_classes);
        let designs: Vec<Design> = required
            .iter()
            .map(|r| Design::new(model, r.len()))
            .collect();
        let additive_link = model.additive_link();
        let mut probs = probs;
        let deltas = match additive_link {
            Some(link) => designs
                .iter()
                .zip(probs.iter_mut())
                .map(|(d, p)| {
                    let delta =
                        least_squares(d, &p.iter().map(|&v| link.eta(v)).collect::<Vec<_>>());
                    for (l, v) in p.iter_mut().enumerate() {
                        *v = link.prob(d.eta(l, &delta)).clamp(bounds.0, bounds.1);
                    }
                    delta
                })
                .collect(),
            None => Vec::new(),
        };
        // The higher-order distribution starts from a unit slope (a zero slope is a fixed point
        // of its M-step) and zero intercepts.
        let (lambda, pi) = if distribution == AttributeDistribution::HigherOrder {
            let lambda: Vec<f64> = (0..n_attributes).flat_map(|_| [0.0, 1.0]).collect();
            let pi = higher_order::class_proportions(classes, n_attributes, &lambda);
            (lambda, pi)
        } else {
            (Vec::new(), pi)
        };
        CdmEm {
            codes,
            counts,
            n_items,
            n_classes,
            classes,
            n_attributes,
            group,
            n_groups,
            model,
            distribution,
            bounds,
            designs,
            additive_link,
            deltas,
            probs,
            pi,
            lambda,
            class_n: vec![0.0; n_classes],
            lists,
            starts,
            mids,
            stride,
            acc: vec![0.0; 2 * n_items * stride],
        }
    }

    /// The E-step's tables at the current parameters: `D = log P − log(1 − P)` in rows
    /// 0..J and `log(1 − P)` in rows J..2J (classes along a row, padded to the stride), and the
    /// base row `log π_c + Σ_j log(1 − P_jc)`, so that a pattern's log joint probability with
    /// each class is `base + Σ_{j correct} D_j − Σ_{j missing} log(1 − P_j)`.
    pub fn tables(&self) -> Tables {
        let (s, c, nj) = (self.stride, self.n_classes, self.n_items);
        let mut rows = vec![0.0; 2 * nj * s];
        let mut base = vec![-700.0; s];
        for (t, b) in base.iter_mut().enumerate().take(c) {
            *b = self.pi[t].max(1e-300).ln();
        }
        for j in 0..nj {
            let lp: Vec<f64> = self.probs[j].iter().map(|p| p.ln()).collect();
            let lq: Vec<f64> = self.probs[j].iter().map(|p| (1.0 - p).ln()).collect();
            for (t, &g) in self.group[j].iter().enumerate() {
                rows[j * s + t] = lp[g as usize] - lq[g as usize];
                rows[(nj + j) * s + t] = lq[g as usize];
                base[t] += lq[g as usize];
            }
        }
        Tables { rows, base }
    }

    /// Pattern p's posterior over the classes into `out` (the stride's length; the padding gets
    /// ~0), normalised to sum 1; returns `log Σ_c π_c P(x_p | c)`.
    #[inline(always)]
    pub fn posterior(&self, tables: &Tables, p: usize, out: &mut [f64]) -> f64 {
        let (a, m, b) = (
            self.starts[p] as usize,
            self.mids[p] as usize,
            self.starts[p + 1] as usize,
        );
        vecmath::sum_rows(
            out,
            &tables.base,
            &tables.rows,
            self.stride,
            &self.lists[a..m],
            &self.lists[m..b],
        );
        let max = vecmath::max(out);
        vecmath::exp_shifted(out, max);
        let sum = vecmath::sum(out);
        vecmath::scale(out, 1.0 / sum);
        max + sum.ln()
    }

    /// The E-step's sums over patterns `range`: the log-likelihood, the expected class counts
    /// and the accumulators (see `acc`).
    #[inline(always)]
    fn accumulate(&self, tables: &Tables, range: std::ops::Range<usize>) -> Partial {
        let s = self.stride;
        let mut part = Partial {
            loglik: 0.0,
            class_n: vec![0.0; s],
            acc: vec![0.0; 2 * self.n_items * s],
        };
        let mut w = vec![0.0; s];
        for p in range {
            let n = self.counts[p];
            part.loglik += n * self.posterior(tables, p, &mut w);
            vecmath::scale(&mut w, n);
            vecmath::add_in_place(&mut part.class_n, &w);
            let (a, b) = (self.starts[p] as usize, self.starts[p + 1] as usize);
            vecmath::add_to_rows(&mut part.acc, s, 0, &self.lists[a..b], &[], &w);
        }
        part
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn accumulate_avx2(&self, tables: &Tables, range: std::ops::Range<usize>) -> Partial {
        self.accumulate(tables, range)
    }

    /// [`Self::accumulate`] in the best instruction set the processor has, out of line (see
    /// [`BLOCK`]).
    #[inline(never)]
    fn accumulate_block(&self, tables: &Tables, range: std::ops::Range<usize>) -> Partial {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.accumulate_avx2(tables, range) };
        }
        self.accumulate(tables, range)
    }

    /// Expected examinees answering item j and expected correct answers, per class (last
    /// E-step).
    pub fn class_counts(&self, j: usize) -> (Vec<f64>, Vec<f64>) {
        let (s, nj, c) = (self.stride, self.n_items, self.n_classes);
        let n = (0..c)
            .map(|t| self.class_n[t] - self.acc[(nj + j) * s + t])
            .collect();
        (n, self.acc[j * s..j * s + c].to_vec())
    }

    /// Expected examinees and correct answers per reduced group of item j: `(N_jl, R_jl)`.
    pub fn group_counts(&self, j: usize) -> (Vec<f64>, Vec<f64>) {
        let mut n = vec![0.0; self.n_groups[j]];
        let mut r = vec![0.0; self.n_groups[j]];
        let (s, nj) = (self.stride, self.n_items);
        for (t, &g) in self.group[j].iter().enumerate() {
            n[g as usize] += self.class_n[t] - self.acc[(nj + j) * s + t];
            r[g as usize] += self.acc[j * s + t];
        }
        (n, r)
    }

    /// Item j's success probabilities maximising its expected log-likelihood given the group
    /// counts, under the model: G-DINA one probability per group, `R/N`; DINA two, the group
    /// mastering every required attribute and all the others pooled; DINO two, the group
    /// mastering none and all the others pooled. Kept within the bounds; a group nobody is
    /// expected in keeps its value. Additive models: see [`additive::m_step`]; returns the
    /// probabilities and the new parameters on the link scale.
    fn item_m_step(&self, j: usize) -> (Vec<f64>, Option<Vec<f64>>) {
        let (n, r) = self.group_counts(j);
        if let Some(link) = self.additive_link {
            let design = &self.designs[j];
            let delta = additive::m_step(design, link, &n, &r, self.bounds, &self.deltas[j]);
            let probs = (0..design.n_rows())
                .map(|l| {
                    link.prob(design.eta(l, &delta))
                        .clamp(self.bounds.0, self.bounds.1)
                })
                .collect();
            return (probs, Some(delta));
        }
        let (lo, hi) = self.bounds;
        let old = &self.probs[j];
        let ratio = |rs: f64, ns: f64, keep: f64| {
            if ns > 1e-12 {
                (rs / ns).clamp(lo, hi)
            } else {
                keep
            }
        };
        let g = n.len();
        let probs = match self.model {
            CdmModel::Gdina => (0..g).map(|l| ratio(r[l], n[l], old[l])).collect(),
            CdmModel::Dina | CdmModel::Dino => {
                // The single group and the pooled rest: the top group (DINA) or group 0 (DINO).
                let single = if self.model == CdmModel::Dina {
                    g - 1
                } else {
                    0
                };
                let (mut rs, mut ns) = (0.0, 0.0);
                for l in (0..g).filter(|&l| l != single) {
                    rs += r[l];
                    ns += n[l];
                }
                let pooled = ratio(rs, ns, old[if single == 0 { g - 1 } else { 0 }]);
                let alone = ratio(r[single], n[single], old[single]);
                (0..g)
                    .map(|l| if l == single { alone } else { pooled })
                    .collect()
            }
            CdmModel::Acdm | CdmModel::Llm | CdmModel::Rrum => {
                unreachable!("additive models are handled above")
            }
        };
        (probs, None)
    }

    /// Class proportions from the expected class counts: saturated `N_c / N`, or independent
    /// attributes (the product of the attributes' marginal mastery proportions).
    fn pi_m_step(&self) -> Vec<f64> {
        let total: f64 = self.class_n.iter().sum();
        let saturated: Vec<f64> = self.class_n.iter().map(|n| n / total).collect();
        match self.distribution {
            AttributeDistribution::Saturated | AttributeDistribution::HigherOrder => saturated,
            AttributeDistribution::Independent => {
                let k = self.n_attributes;
                let marg: Vec<f64> = (0..k)
                    .map(|a| {
                        self.classes
                            .iter()
                            .zip(&saturated)
                            .filter(|(&m, _)| m >> a & 1 == 1)
                            .map(|(_, p)| p)
                            .sum()
                    })
                    .collect();
                independent(self.classes, &marg)
            }
        }
    }
}

/// The E-step's tables (see [`CdmEm::tables`]).
pub struct Tables {
    rows: Vec<f64>,
    base: Vec<f64>,
}

/// One block's share of the E-step's sums.
struct Partial {
    loglik: f64,
    class_n: Vec<f64>,
    acc: Vec<f64>,
}

/// The least-squares fit of `X δ` to `eta` (a start on the link scale).
fn least_squares(design: &Design, eta: &[f64]) -> Vec<f64> {
    let p = design.n_params;
    let mut xtx = vec![0.0; p * p];
    let mut xty = vec![0.0; p];
    for (row, &y) in design.rows.iter().zip(eta) {
        for &(f, x) in row {
            xty[f] += x * y;
            for &(e, z) in row {
                xtx[f * p + e] += x * z;
            }
        }
    }
    crate::math::spd_solve(&xtx, p, &xty, 1).unwrap_or_else(|| {
        let mut d = vec![0.0; p];
        d[0] = eta.iter().sum::<f64>() / eta.len() as f64;
        d
    })
}

/// Class proportions of independent attributes with mastery proportions `marg`.
pub fn independent(classes: &[u32], marg: &[f64]) -> Vec<f64> {
    classes
        .iter()
        .map(|&m| {
            marg.iter()
                .enumerate()
                .map(|(a, &p)| if m >> a & 1 == 1 { p } else { 1.0 - p })
                .product()
        })
        .collect()
}

impl EmProblem for CdmEm<'_> {
    fn e_step(&mut self) -> f64 {
        let tables = self.tables();
        let np = self.counts.len();
        // Blocks of patterns, summed in block order: any number of threads gives the same
        // numbers.
        let parts = crate::parallel::map_indices(np.div_ceil(BLOCK), |i| {
            self.accumulate_block(&tables, i * BLOCK..((i + 1) * BLOCK).min(np))
        });
        self.class_n.iter_mut().for_each(|v| *v = 0.0);
        self.acc.iter_mut().for_each(|v| *v = 0.0);
        let mut loglik = 0.0;
        for part in parts {
            let c = self.n_classes;
            vecmath::add_in_place(&mut self.class_n, &part.class_n[..c]);
            vecmath::add_in_place(&mut self.acc, &part.acc);
            loglik += part.loglik;
        }
        loglik
    }

    fn m_step(&mut self) {
        for j in 0..self.n_items {
            let (probs, delta) = self.item_m_step(j);
            self.probs[j] = probs;
            if let Some(delta) = delta {
                self.deltas[j] = delta;
            }
        }
        if self.distribution == AttributeDistribution::HigherOrder {
            self.lambda =
                higher_order::m_step(self.classes, self.n_attributes, &self.class_n, &self.lambda);
            self.pi =
                higher_order::class_proportions(self.classes, self.n_attributes, &self.lambda);
        } else {
            self.pi = self.pi_m_step();
        }
    }

    /// The success probabilities (additive models: their parameters on the link scale) and the
    /// class proportions (higher-order: the structural parameters λ).
    fn parameters(&self) -> Vec<f64> {
        let mut v: Vec<f64> = if self.additive_link.is_some() {
            self.deltas.iter().flatten().copied().collect()
        } else {
            self.probs.iter().flatten().copied().collect()
        };
        if self.distribution == AttributeDistribution::HigherOrder {
            v.extend_from_slice(&self.lambda);
        } else {
            v.extend_from_slice(&self.pi);
        }
        v
    }

    /// The success probabilities and class proportions (GDINA's convergence criterion).
    fn monitored(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.probs.iter().flatten().copied().collect();
        v.extend_from_slice(&self.pi);
        v
    }

    fn set_parameters(&mut self, params: &[f64]) -> bool {
        let n_item_params: usize = match self.additive_link {
            Some(_) => self.designs.iter().map(|d| d.n_params).sum(),
            None => self.n_groups.iter().sum(),
        };
        let (items, population) = params.split_at(n_item_params);
        if !self.admissible_items(items) || !self.admissible_population(population) {
            return false;
        }
        let mut at = 0;
        for j in 0..self.n_items {
            match self.additive_link {
                Some(link) => {
                    let d = &self.designs[j];
                    self.deltas[j].copy_from_slice(&items[at..at + d.n_params]);
                    for l in 0..d.n_rows() {
                        self.probs[j][l] = link
                            .prob(d.eta(l, &self.deltas[j]))
                            .clamp(self.bounds.0, self.bounds.1);
                    }
                    at += d.n_params;
                }
                None => {
                    let g = self.n_groups[j];
                    self.probs[j].copy_from_slice(&items[at..at + g]);
                    at += g;
                }
            }
        }
        if self.distribution == AttributeDistribution::HigherOrder {
            self.lambda = population.to_vec();
            self.pi =
                higher_order::class_proportions(self.classes, self.n_attributes, &self.lambda);
        } else {
            let total: f64 = population.iter().sum();
            self.pi = population.iter().map(|p| p / total).collect();
        }
        true
    }
}

impl CdmEm<'_> {
    /// Whether extrapolated item parameters are admissible: every success probability within
    /// the bounds (additive models: on the link scale, up to rounding).
    fn admissible_items(&self, items: &[f64]) -> bool {
        let (lo, hi) = self.bounds;
        let Some(link) = self.additive_link else {
            return items.iter().all(|p| (lo..=hi).contains(p));
        };
        let (lo, hi) = (link.eta(lo), link.eta(hi));
        let slack = 1e-12 * (1.0 + lo.abs().max(hi.abs()));
        let mut at = 0;
        for d in &self.designs {
            let delta = &items[at..at + d.n_params];
            if !(0..d.n_rows()).all(|l| {
                let e = d.eta(l, delta);
                e >= lo - slack && e <= hi + slack
            }) {
                return false;
            }
            at += d.n_params;
        }
        true
    }

    /// Whether extrapolated population parameters are admissible: finite λ (higher-order) or
    /// non-negative proportions with a positive sum.
    fn admissible_population(&self, population: &[f64]) -> bool {
        if self.distribution == AttributeDistribution::HigherOrder {
            return population.iter().all(|v| v.is_finite() && v.abs() <= 20.0);
        }
        let total: f64 = population.iter().sum();
        population.iter().all(|p| *p >= 0.0 && p.is_finite()) && total > 0.0 && total.is_finite()
    }
}
