//! Marginal maximum likelihood of the G-DINA family by EM over the 2^K latent classes
//! (de la Torre, 2011): the E-step gives each response pattern's posterior over the classes, and
//! from it the expected number of examinees `N_jl` and of correct answers `R_jl` in each reduced
//! attribute group l of each item j; the M-step maximises each item's expected log-likelihood
//! `Σ_l R_jl log P_jl + (N_jl − R_jl) log(1 − P_jl)` under the model's constraints and updates the
//! class proportions.

use super::patterns::group_of_classes;
use super::{AttributeDistribution, CdmModel};
use crate::data::MISSING;
use crate::em::EmProblem;
use crate::vecmath;
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};

/// The model, the data and the current parameters.
pub struct CdmEm<'a> {
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
    /// Per item, the success probability of each reduced group.
    pub probs: Vec<Vec<f64>>,
    /// Class proportions.
    pub pi: Vec<f64>,
    /// Expected examinees per class (last E-step).
    pub class_n: Vec<f64>,
    /// Correct answers, items × patterns (1 where the pattern answers the item correctly).
    pub correct: Mat<f64>,
    /// Answered items, items × patterns; `None` when nothing is missing.
    pub answered: Option<Mat<f64>>,
    /// Expected examinees answering item j in class c (items × classes; with missing data only).
    item_n: Mat<f64>,
    /// Expected correct answers to item j in class c (items × classes).
    item_r: Mat<f64>,
}

/// Patterns per block of the E-step (bounds the memory of the classes × patterns posteriors).
const PATTERN_BLOCK: usize = 2048;

impl<'a> CdmEm<'a> {
    /// A problem on the distinct patterns `codes` (pattern-major, `MISSING` for missing) with
    /// their `counts`, the items' `required` attributes and starting values `probs`, `pi`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        codes: &[u8],
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
        let has_missing = codes.contains(&MISSING);
        let correct = Mat::from_fn(n_items, np, |j, p| f64::from(codes[p * n_items + j] == 1));
        let answered = has_missing.then(|| {
            Mat::from_fn(n_items, np, |j, p| {
                f64::from(codes[p * n_items + j] != MISSING)
            })
        });
        CdmEm {
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
            probs,
            pi,
            class_n: vec![0.0; n_classes],
            correct,
            answered,
            item_n: Mat::zeros(n_items, n_classes),
            item_r: Mat::zeros(n_items, n_classes),
        }
    }

    /// Log-likelihood tables of the current parameters: `D = log P − log(1 − P)` and
    /// `log(1 − P)` per class and item (classes × items), and `Σ_j log(1 − P_jc)` per class.
    fn log_tables(&self) -> (Mat<f64>, Mat<f64>, Vec<f64>) {
        let c = self.n_classes;
        let mut d = Mat::<f64>::zeros(c, self.n_items);
        let mut l0 = Mat::<f64>::zeros(c, self.n_items);
        let mut base = vec![0.0; c];
        for j in 0..self.n_items {
            let lp: Vec<f64> = self.probs[j].iter().map(|p| p.ln()).collect();
            let lq: Vec<f64> = self.probs[j].iter().map(|p| (1.0 - p).ln()).collect();
            for (t, &g) in self.group[j].iter().enumerate() {
                d[(t, j)] = lp[g as usize] - lq[g as usize];
                l0[(t, j)] = lq[g as usize];
                base[t] += lq[g as usize];
            }
        }
        (d, l0, base)
    }

    /// The posteriors over the classes of patterns `start..end` (classes × patterns, one
    /// column per pattern) and their log-likelihood `Σ_p n_p log Σ_c π_c P(x_p | c)`. The
    /// classes' log-likelihoods are one matrix product: `Dᵀ X` (+ `Σ_j log(1 − P)` without
    /// missing data, `+ L0ᵀ A` with it; X the correct answers, A the answered items).
    pub fn block_posteriors(
        &self,
        tables: &(Mat<f64>, Mat<f64>, Vec<f64>),
        start: usize,
        end: usize,
    ) -> (Mat<f64>, f64) {
        let (d, l0, base) = tables;
        let c = self.n_classes;
        let b = end - start;
        let mut post = Mat::<f64>::zeros(c, b);
        matmul(
            post.as_mut(),
            Accum::Replace,
            d.as_ref(),
            self.correct.as_ref().subcols(start, b),
            1.0,
            Par::Seq,
        );
        let log_pi: Vec<f64> = self.pi.iter().map(|p| p.max(1e-300).ln()).collect();
        let offset: Vec<f64> = match &self.answered {
            Some(a) => {
                matmul(
                    post.as_mut(),
                    Accum::Add,
                    l0.as_ref(),
                    a.as_ref().subcols(start, b),
                    1.0,
                    Par::Seq,
                );
                log_pi
            }
            None => log_pi.iter().zip(base).map(|(a, b)| a + b).collect(),
        };
        let mut loglik = 0.0;
        for p in 0..b {
            let col = post
                .col_mut(p)
                .try_as_col_major_mut()
                .expect("contiguous column")
                .as_slice_mut();
            vecmath::add_in_place(col, &offset);
            let max = vecmath::max(col);
            vecmath::exp_shifted(col, max);
            let sum = vecmath::sum(col);
            vecmath::scale(col, 1.0 / sum);
            loglik += self.counts[start + p] * (max + sum.ln());
        }
        (post, loglik)
    }

    /// The pattern blocks of the E-step.
    pub fn blocks(&self) -> Vec<(usize, usize)> {
        let np = self.counts.len();
        (0..np.div_ceil(PATTERN_BLOCK))
            .map(|i| (i * PATTERN_BLOCK, ((i + 1) * PATTERN_BLOCK).min(np)))
            .collect()
    }

    /// The log-likelihood tables of the current parameters (for [`Self::block_posteriors`]).
    pub fn tables(&self) -> (Mat<f64>, Mat<f64>, Vec<f64>) {
        self.log_tables()
    }

    /// Expected examinees and correct answers per reduced group of item j: `(N_jl, R_jl)`.
    pub fn group_counts(&self, j: usize) -> (Vec<f64>, Vec<f64>) {
        let mut n = vec![0.0; self.n_groups[j]];
        let mut r = vec![0.0; self.n_groups[j]];
        for (t, &g) in self.group[j].iter().enumerate() {
            let nt = if self.answered.is_some() {
                self.item_n[(j, t)]
            } else {
                self.class_n[t]
            };
            n[g as usize] += nt;
            r[g as usize] += self.item_r[(j, t)];
        }
        (n, r)
    }

    /// Item j's success probabilities maximising its expected log-likelihood given the group
    /// counts, under the model: G-DINA one probability per group, `R/N`; DINA two, the group
    /// mastering every required attribute and all the others pooled; DINO two, the group
    /// mastering none and all the others pooled. Kept within the bounds; a group nobody is
    /// expected in keeps its value.
    fn item_m_step(&self, j: usize) -> Vec<f64> {
        let (n, r) = self.group_counts(j);
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
        match self.model {
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
        }
    }

    /// Class proportions from the expected class counts: saturated `N_c / N`, or independent
    /// attributes (the product of the attributes' marginal mastery proportions).
    fn pi_m_step(&self) -> Vec<f64> {
        let total: f64 = self.class_n.iter().sum();
        let saturated: Vec<f64> = self.class_n.iter().map(|n| n / total).collect();
        match self.distribution {
            AttributeDistribution::Saturated => saturated,
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
        let tables = self.log_tables();
        let blocks = self.blocks();
        // Per block: class counts, correct answers and answered items per item and class, and
        // the log-likelihood; summed in block order, so any number of threads gives the same
        // numbers.
        let parts = crate::parallel::map_indices(blocks.len(), |i| {
            let (start, end) = blocks[i];
            let (mut post, loglik) = self.block_posteriors(&tables, start, end);
            for p in 0..end - start {
                let n = self.counts[start + p];
                post.col_mut(p).iter_mut().for_each(|v| *v *= n);
            }
            let class_n: Vec<f64> = (0..self.n_classes)
                .map(|c| post.row(c).iter().sum())
                .collect();
            let mut r = Mat::<f64>::zeros(self.n_items, self.n_classes);
            let x = self.correct.as_ref().subcols(start, end - start);
            matmul(
                r.as_mut(),
                Accum::Replace,
                x,
                post.transpose(),
                1.0,
                Par::Seq,
            );
            let n_items = self.answered.as_ref().map(|a| {
                let mut m = Mat::<f64>::zeros(self.n_items, self.n_classes);
                let a = a.as_ref().subcols(start, end - start);
                matmul(
                    m.as_mut(),
                    Accum::Replace,
                    a,
                    post.transpose(),
                    1.0,
                    Par::Seq,
                );
                m
            });
            (class_n, r, n_items, loglik)
        });
        self.class_n.iter_mut().for_each(|v| *v = 0.0);
        self.item_r.fill(0.0);
        self.item_n.fill(0.0);
        let mut loglik = 0.0;
        for (class_n, r, n_items, ll) in parts {
            self.class_n
                .iter_mut()
                .zip(&class_n)
                .for_each(|(a, b)| *a += b);
            self.item_r += &r;
            if let Some(m) = n_items {
                self.item_n += &m;
            }
            loglik += ll;
        }
        loglik
    }

    fn m_step(&mut self) {
        self.probs = (0..self.n_items).map(|j| self.item_m_step(j)).collect();
        self.pi = self.pi_m_step();
    }

    fn parameters(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.probs.iter().flatten().copied().collect();
        v.extend_from_slice(&self.pi);
        v
    }

    fn set_parameters(&mut self, params: &[f64]) -> bool {
        let (lo, hi) = self.bounds;
        let n_item_params: usize = self.n_groups.iter().sum();
        let (items, pi) = params.split_at(n_item_params);
        if !items.iter().all(|p| (lo..=hi).contains(p))
            || !pi.iter().all(|p| *p >= 0.0 && p.is_finite())
        {
            return false;
        }
        let total: f64 = pi.iter().sum();
        if total <= 0.0 || !total.is_finite() {
            return false;
        }
        let mut at = 0;
        for (j, g) in self.n_groups.iter().enumerate() {
            self.probs[j].copy_from_slice(&items[at..at + g]);
            at += g;
        }
        self.pi = pi.iter().map(|p| p / total).collect();
        true
    }
}
