//! The general EM engine: items of any model and number of categories in one test (0/1 items,
//! graded, (generalized) partial credit and rating scale items), missing responses, and several
//! groups of examinees, each with its own normal latent distribution.
//!
//! E-step (Bock & Aitkin, 1981), in log space: the table holds one row per item category,
//! `log P_jk(θ_q)`, and pattern p of group g has `log L_pq = log π_gq + Σ_{j answered} log P_{j x_pj}(θ_q)`,
//! summed with the same kernels, posterior windows and blocking as the dichotomous engine
//! ([`super::estep`]). The posterior weights `w_pq` (times the pattern count) are added into
//! the rows of the answered categories, giving the expected counts `r_jkq`, and into the
//! group's row, giving the expected group sizes `N_gq` at the nodes.
//!
//! M-step: items are independent given the expected counts, except those sharing the common
//! slope (Rasch, 1PL, partial credit, rating scale), which are solved jointly (the rating scale
//! items also share their thresholds). Each focal group's latent mean and variance are the
//! posterior moments `μ_g = Σ_q N_gq θ_q / N_g` and `σ²_g = Σ_q N_gq (θ_q − μ_g)² / N_g` (the
//! M-step of a normal distribution; with the prior normalised on the grid this is exact up to
//! the grid's error in the moments of a normal, negligible on 61 nodes over [−6, 6]).

use super::dichotomous::{item_gradient, logistic, logit, m_step_item, BetaPrior, ItemCounts};
use super::estep::{posterior_row, Window, BLOCK, CHUNKS};
use super::information::ScoreFunction;
use super::patterns::Patterns;
use super::polytomous::{
    divide_by_total_score, graded_order_ok, graded_score, item_objective, m_step_free_slope,
    newton_step, CategoryCounts, ItemModel, PolyItem,
};
use crate::data::MISSING;
use crate::em::EmProblem;
use crate::vecmath;

/// A group's latent distribution N(mean, variance) (the reference group's is fixed at N(0, 1)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupLatent {
    /// Mean.
    pub mean: f64,
    /// Variance.
    pub variance: f64,
    /// Whether mean and variance are estimated (focal groups).
    pub free: bool,
}

/// The items that share the common slope, with their joint parameters β: the slope, then each
/// non-rating-scale member's intercepts, then the rating scale thresholds τ_1..τ_{K−1} and the
/// locations δ of the rating scale members after the first (the first one's is 0, as in mirt).
/// Every member's (a1, d_1..d_{K−1}) is a linear function of β, stored as sparse rows.
#[derive(Debug, Clone)]
pub struct Family {
    /// Member items.
    pub members: Vec<usize>,
    /// Joint parameters.
    pub beta: Vec<f64>,
    /// For each member, for each of (a1, d_1..d_{K−1}): `(index into β, coefficient)` terms.
    maps: Vec<Vec<Vec<(usize, f64)>>>,
    /// Index of the first rating scale threshold in β, when there are rating scale items.
    pub rsm_thresholds: Option<usize>,
    /// For each member, the index of its rating scale location in β (None for the first rating
    /// scale item and for the other models).
    pub rsm_location: Vec<Option<usize>>,
}

impl Family {
    /// Builds the family of the common-slope items, starting from their current parameters
    /// (rating scale thresholds from the first rating scale item's steps, locations 0).
    pub fn new(items: &[PolyItem]) -> Option<Family> {
        let members: Vec<usize> = (0..items.len())
            .filter(|&j| items[j].model.common_slope())
            .collect();
        let first = *members.first()?;
        let mut beta = vec![items[first].a1];
        let mut maps = Vec::new();
        let mut rsm_location = Vec::new();
        for &j in &members {
            if items[j].model == ItemModel::Rsm {
                maps.push(Vec::new());
                rsm_location.push(None);
                continue;
            }
            let mut m = vec![vec![(0, 1.0)]];
            for d in &items[j].d {
                m.push(vec![(beta.len(), 1.0)]);
                beta.push(*d);
            }
            maps.push(m);
            rsm_location.push(None);
        }
        let rsm: Vec<usize> = (0..members.len())
            .filter(|&i| items[members[i]].model == ItemModel::Rsm)
            .collect();
        let mut rsm_thresholds = None;
        if let Some(&i0) = rsm.first() {
            let d0 = &items[members[i0]].d;
            let t0 = beta.len();
            rsm_thresholds = Some(t0);
            // τ_k = −(d_k − d_{k−1}).
            for k in 0..d0.len() {
                let prev = if k == 0 { 0.0 } else { d0[k - 1] };
                beta.push(-(d0[k] - prev));
            }
            for (n, &i) in rsm.iter().enumerate() {
                let loc = (n > 0).then(|| {
                    beta.push(0.0);
                    beta.len() - 1
                });
                rsm_location[i] = loc;
                // d_k = −Σ_{v≤k} τ_v − k·δ.
                let mut m = vec![vec![(0, 1.0)]];
                for k in 1..=d0.len() {
                    let mut row: Vec<(usize, f64)> = (0..k).map(|v| (t0 + v, -1.0)).collect();
                    if let Some(l) = loc {
                        row.push((l, -(k as f64)));
                    }
                    m.push(row);
                }
                maps[i] = m;
            }
        }
        Some(Family {
            members,
            beta,
            maps,
            rsm_thresholds,
            rsm_location,
        })
    }

    /// Number of the joint parameters β that member `i`'s probabilities depend on.
    pub fn parameters_of(&self, i: usize) -> usize {
        let mut used: Vec<usize> = self.maps[i].iter().flatten().map(|&(b, _)| b).collect();
        used.sort_unstable();
        used.dedup();
        used.len()
    }

    /// Sets the members' slopes and intercepts from β.
    pub fn apply(&self, items: &mut [PolyItem]) {
        for (m, &j) in self.maps.iter().zip(&self.members) {
            let eta: Vec<f64> = m
                .iter()
                .map(|row| row.iter().map(|&(i, c)| c * self.beta[i]).sum())
                .collect();
            items[j].a1 = eta[0];
            items[j].d.copy_from_slice(&eta[1..]);
        }
    }

    /// `Σ_j M_jᵀ g_j` and `Σ_j M_jᵀ I_j M_j` from each member's score and information in
    /// (a1, d).
    fn joint(&self, per_item: &[(Vec<f64>, Vec<f64>)]) -> (Vec<f64>, Vec<f64>) {
        let n = self.beta.len();
        let mut g = vec![0.0; n];
        let mut h = vec![0.0; n * n];
        for (m, (gi, hi)) in self.maps.iter().zip(per_item) {
            let k = gi.len();
            for a in 0..k {
                for &(i, c) in &m[a] {
                    g[i] += c * gi[a];
                    for b in 0..k {
                        for &(l, e) in &m[b] {
                            h[i * n + l] += c * e * hi[a * k + b];
                        }
                    }
                }
            }
        }
        (g, h)
    }

    /// The rows of the map of member `i` (index into [`Family::members`]).
    pub fn map(&self, i: usize) -> &[Vec<(usize, f64)>] {
        &self.maps[i]
    }
}

/// Expected counts of one chunk of patterns.
struct Partial {
    /// Category rows x stride.
    acc: Vec<f64>,
    /// Groups x stride.
    groups: Vec<f64>,
    loglik: f64,
    windows: Vec<Window>,
}

impl Partial {
    fn zeros(rows: usize, groups: usize, stride: usize) -> Partial {
        Partial {
            acc: vec![0.0; rows * stride],
            groups: vec![0.0; groups * stride],
            loglik: 0.0,
            windows: Vec::new(),
        }
    }

    fn add(&mut self, other: &Partial) {
        vecmath::add_in_place(&mut self.acc, &other.acc);
        vecmath::add_in_place(&mut self.groups, &other.groups);
        self.loglik += other.loglik;
        self.windows.extend_from_slice(&other.windows);
    }
}

/// State of a general calibration.
pub struct ItemEm<'a> {
    /// Patterns of category codes (0..K_j − 1 or `MISSING`), with their groups.
    pub patterns: &'a Patterns,
    /// Item parameters.
    pub items: Vec<PolyItem>,
    /// The common-slope items, when there are any.
    pub family: Option<Family>,
    /// Latent distribution per group (group 0 is the reference).
    pub groups: Vec<GroupLatent>,
    /// Quadrature nodes.
    pub nodes: Vec<f64>,
    /// The reference N(0, 1) quadrature weights.
    pub weights: Vec<f64>,
    /// Each group's prior weights at the nodes (summing to 1).
    pub prior: Vec<Vec<f64>>,
    /// Beta prior on the lower asymptotes of 3PL/4PL items.
    pub guessing_prior: Option<BetaPrior>,
    /// First table row of each item (its category k is row `offsets[j] + k`).
    offsets: Vec<u32>,
    /// Table rows of each pattern's answered categories (CSR).
    rows: Vec<u32>,
    row_start: Vec<u32>,
    stride: usize,
    /// log P_jk(θ_q), rows x stride.
    table: Vec<f64>,
    /// Each group's log prior row, −∞ in the padding.
    base: Vec<Vec<f64>>,
    log_concave: bool,
    windows: Vec<Window>,
    /// Expected counts of the last E-step: category rows x nodes.
    pub counts: Vec<f64>,
    /// Expected group sizes at the nodes: groups x nodes.
    pub group_mass: Vec<f64>,
    /// Log-likelihood of the last E-step.
    pub loglik: f64,
}

impl<'a> ItemEm<'a> {
    /// Sets up the engine. `patterns` hold category codes; `items` their starting values;
    /// `groups` the groups' starting distributions; `nodes` and `weights` the N(0, 1) rule.
    pub fn new(
        patterns: &'a Patterns,
        items: Vec<PolyItem>,
        groups: Vec<GroupLatent>,
        nodes: Vec<f64>,
        weights: Vec<f64>,
        guessing_prior: Option<BetaPrior>,
    ) -> ItemEm<'a> {
        let mut offsets = Vec::with_capacity(items.len());
        let mut total = 0u32;
        for it in &items {
            offsets.push(total);
            total += it.categories() as u32;
        }
        let mut rows = Vec::new();
        let mut row_start = vec![0u32];
        for p in 0..patterns.len() {
            for (j, &c) in patterns.pattern(p).iter().enumerate() {
                if c != MISSING {
                    rows.push(offsets[j] + c as u32);
                }
            }
            row_start.push(rows.len() as u32);
        }
        let q = nodes.len();
        let stride = vecmath::padded(q);
        let family = Family::new(&items);
        let log_concave = !items.iter().any(|i| i.model.has_asymptote());
        let g = groups.len();
        let mut em = ItemEm {
            patterns,
            items,
            family,
            groups,
            nodes,
            weights,
            prior: Vec::new(),
            guessing_prior,
            offsets,
            rows,
            row_start,
            stride,
            table: vec![0.0; total as usize * stride],
            base: vec![vec![f64::NEG_INFINITY; stride]; g],
            log_concave,
            windows: vec![[0, 0]; patterns.len()],
            counts: vec![0.0; total as usize * q],
            group_mass: vec![0.0; g * q],
            loglik: f64::NAN,
        };
        if let Some(f) = &em.family {
            f.apply(&mut em.items);
        }
        em.update_priors();
        em
    }

    fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Each group's prior at the nodes: the reference weights reweighted by the ratio of the
    /// group's normal density to the standard one, normalised: `π_gq ∝ w_q φ((θ_q − μ)/σ)/(σ φ(θ_q))`
    /// (on the rectangular grid, whose weights are proportional to φ, simply the group's normal
    /// density normalised on the grid).
    fn update_priors(&mut self) {
        self.prior = self
            .groups
            .iter()
            .map(|g| {
                let sd = g.variance.sqrt();
                let mut w: Vec<f64> = self
                    .nodes
                    .iter()
                    .zip(&self.weights)
                    .map(|(&t, &w)| {
                        let z = (t - g.mean) / sd;
                        w * (-0.5 * z * z + 0.5 * t * t).exp() / sd
                    })
                    .collect();
                let s: f64 = w.iter().sum();
                w.iter_mut().for_each(|v| *v /= s);
                w
            })
            .collect();
    }

    /// Item j's expected counts, one row per category.
    pub fn item_counts(&self, j: usize) -> CategoryCounts<'_> {
        let q = self.n_nodes();
        let o = self.offsets[j] as usize;
        CategoryCounts {
            nodes: &self.nodes,
            r: (0..self.items[j].categories())
                .map(|k| &self.counts[(o + k) * q..(o + k + 1) * q])
                .collect(),
        }
    }

    fn fill_tables(&mut self) {
        let (q, s) = (self.n_nodes(), self.stride);
        for (b, prior) in self.base.iter_mut().zip(&self.prior) {
            b.fill(f64::NEG_INFINITY);
            b[..q].iter_mut().zip(prior).for_each(|(x, p)| *x = p.ln());
        }
        let mut lp = Vec::new();
        for (j, it) in self.items.iter().enumerate() {
            let o = self.offsets[j] as usize;
            lp.resize(it.categories(), 0.0);
            for (i, &t) in self.nodes.iter().enumerate() {
                it.log_probs(t, &mut lp);
                for (k, v) in lp.iter().enumerate() {
                    self.table[(o + k) * s + i] = *v;
                }
            }
        }
    }

    #[inline(always)]
    fn accumulate_patterns(&self, range: std::ops::Range<usize>) -> Partial {
        let s = self.stride;
        let rows_total = self.table.len() / s;
        let mut part = Partial::zeros(rows_total, self.groups.len(), s);
        let mut weights = vec![0.0; BLOCK * s];
        part.windows.reserve(range.len());
        let (first, end) = (range.start, range.end);
        for start in range.step_by(BLOCK) {
            let block = start..(start + BLOCK).min(end);
            for (p, w) in block.clone().zip(weights.chunks_exact_mut(s)) {
                let add = &self.rows[self.row_start[p] as usize..self.row_start[p + 1] as usize];
                let base = &self.base[self.patterns.groups[p] as usize];
                let row = posterior_row(
                    w,
                    base,
                    &self.table,
                    s,
                    add,
                    &[],
                    self.windows[p],
                    self.log_concave,
                );
                part.windows.push([row.lo as u32, row.hi as u32]);
                let count = self.patterns.counts[p];
                part.loglik += count * row.loglik;
                vecmath::scale(&mut w[row.lo..row.hi], count / row.sum);
            }
            let windows = &part.windows[block.start - first..];
            for (p, (w, &[lo, hi])) in block.zip(weights.chunks_exact(s).zip(windows)) {
                let (lo, hi) = (lo as usize, hi as usize);
                let w = &w[lo..hi];
                let g = self.patterns.groups[p] as usize;
                vecmath::add_in_place(&mut part.groups[g * s + lo..g * s + hi], w);
                let add = &self.rows[self.row_start[p] as usize..self.row_start[p + 1] as usize];
                vecmath::add_to_rows(&mut part.acc, s, lo, add, &[], w);
            }
        }
        part
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn accumulate_patterns_avx2(&self, range: std::ops::Range<usize>) -> Partial {
        self.accumulate_patterns(range)
    }

    fn accumulate_chunk(&self, range: std::ops::Range<usize>) -> Partial {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.accumulate_patterns_avx2(range) };
        }
        self.accumulate_patterns(range)
    }

    /// M-step of the common-slope family: Newton's method on β (the expected complete-data
    /// log-likelihood of the members is concave in each member's (a1, d), hence in β), halving
    /// steps that lower it; at most 25 steps.
    fn m_step_family(&mut self) {
        let Some(mut fam) = self.family.take() else {
            return;
        };
        let members = fam.members.clone();
        let objective = |items: &[PolyItem], em: &ItemEm<'_>| -> f64 {
            members
                .iter()
                .map(|&j| item_objective(&items[j], &em.item_counts(j)))
                .sum()
        };
        let mut items = self.items.clone();
        fam.apply(&mut items);
        let mut f0 = objective(&items, self);
        for _ in 0..25 {
            let per: Vec<(Vec<f64>, Vec<f64>)> = fam
                .members
                .iter()
                .map(|&j| divide_by_total_score(items[j].a1, &items[j].d, &self.item_counts(j)))
                .collect();
            let (g, h) = fam.joint(&per);
            let Some(step) = newton_step(&h, &g) else {
                break;
            };
            let mut scale = 1.0;
            let mut improved = false;
            let start = fam.beta.clone();
            for _ in 0..30 {
                let mut trial = fam.clone();
                trial
                    .beta
                    .iter_mut()
                    .zip(&start)
                    .zip(&step)
                    .for_each(|((b, s0), st)| *b = s0 + scale * st);
                let mut t_items = items.clone();
                trial.apply(&mut t_items);
                let f = objective(&t_items, self);
                if f.is_finite() && f >= f0 - 1e-12 * f0.abs() {
                    improved = f > f0;
                    f0 = f;
                    fam = trial;
                    items = t_items;
                    break;
                }
                scale *= 0.5;
            }
            let size = step.iter().map(|s| (s * scale).abs()).fold(0.0, f64::max);
            if !improved || size < 1e-9 {
                break;
            }
        }
        fam.apply(&mut self.items);
        self.family = Some(fam);
    }

    /// Whether item j has its own parameters (not in the common-slope family).
    fn free_item(&self, j: usize) -> bool {
        !self.items[j].model.common_slope()
    }

    /// Number of estimated item parameters item j's probabilities depend on: its own, or for a
    /// member of the common-slope family the joint parameters its map uses (the shared slope,
    /// rating-scale thresholds and its location).
    pub fn parameters_of_item(&self, j: usize) -> usize {
        if self.free_item(j) {
            return Self::own_parameters(&self.items[j]);
        }
        self.family.as_ref().map_or(0, |f| {
            f.members
                .iter()
                .position(|&m| m == j)
                .map_or(0, |i| f.parameters_of(i))
        })
    }

    /// Number of own parameters of a free item: (a1, d...) plus the asymptotes.
    fn own_parameters(it: &PolyItem) -> usize {
        1 + it.d.len()
            + matches!(it.model, ItemModel::ThreePl | ItemModel::FourPl) as usize
            + (it.model == ItemModel::FourPl) as usize
    }

    /// Parameters: β of the family, then per free item (a1, d..., g, u), then per focal group
    /// (mean, variance); `logit_asymptotes` puts g and u on the logit scale (the scale of the
    /// standard errors).
    fn flat(&self, logit_asymptotes: bool) -> Vec<f64> {
        let mut v = self
            .family
            .as_ref()
            .map(|f| f.beta.clone())
            .unwrap_or_default();
        let tr = |x: f64| if logit_asymptotes { logit(x) } else { x };
        for (j, it) in self.items.iter().enumerate() {
            if !self.free_item(j) {
                continue;
            }
            v.push(it.a1);
            v.extend_from_slice(&it.d);
            if matches!(it.model, ItemModel::ThreePl | ItemModel::FourPl) {
                v.push(tr(it.g));
            }
            if it.model == ItemModel::FourPl {
                v.push(tr(it.u));
            }
        }
        for g in &self.groups {
            if g.free {
                v.extend([g.mean, g.variance]);
            }
        }
        v
    }

    /// Sets the parameters from [`Self::flat`]'s layout; false (and nothing changed) when they
    /// are not admissible.
    fn set_flat(&mut self, v: &[f64], logit_asymptotes: bool) -> bool {
        if v.len() != self.flat(false).len() || v.iter().any(|x| !x.is_finite()) {
            return false;
        }
        let mut i = 0;
        let mut family = self.family.clone();
        if let Some(f) = family.as_mut() {
            let n = f.beta.len();
            f.beta.copy_from_slice(&v[..n]);
            i = n;
        }
        let mut items = self.items.clone();
        for it in items.iter_mut() {
            if it.model.common_slope() {
                continue;
            }
            it.a1 = v[i];
            let m = it.d.len();
            it.d.copy_from_slice(&v[i + 1..i + 1 + m]);
            i += 1 + m;
            if it.model == ItemModel::Grm && !graded_order_ok(&it.d) {
                return false;
            }
            if matches!(it.model, ItemModel::ThreePl | ItemModel::FourPl) {
                it.g = if logit_asymptotes {
                    logistic(v[i])
                } else {
                    v[i]
                };
                i += 1;
                if !logit_asymptotes && (it.g <= 0.0 || it.g >= 0.5) {
                    return false;
                }
            }
            if it.model == ItemModel::FourPl {
                it.u = if logit_asymptotes {
                    logistic(v[i])
                } else {
                    v[i]
                };
                i += 1;
                if !logit_asymptotes && (it.u <= 0.5 || it.u >= 1.0) {
                    return false;
                }
            }
        }
        let mut groups = self.groups.clone();
        for g in groups.iter_mut().filter(|g| g.free) {
            g.mean = v[i];
            g.variance = v[i + 1];
            i += 2;
            if g.variance <= 1e-6 {
                return false;
            }
        }
        if let Some(f) = &family {
            f.apply(&mut items);
        }
        self.family = family;
        self.items = items;
        self.groups = groups;
        self.update_priors();
        true
    }

    /// Gradient of the marginal log-likelihood at the parameters of the last E-step in the
    /// layout of [`Self::flat`] (asymptotes on the logit scale), by Fisher's identity: each
    /// item's score from its expected counts (mapped to β for the family), and for a focal
    /// group's prior `π_q ∝ w_q φ((θ_q − μ)/σ)/σ` the score `Σ_q N_gq (s_q − E_π s)` with
    /// `s_q = ((θ_q − μ)/σ², ((θ_q − μ)² − σ²)/(2σ⁴))`.
    pub fn gradient(&self) -> Vec<f64> {
        let mut grad = Vec::new();
        if let Some(f) = &self.family {
            let per: Vec<(Vec<f64>, Vec<f64>)> = f
                .members
                .iter()
                .map(|&j| {
                    divide_by_total_score(self.items[j].a1, &self.items[j].d, &self.item_counts(j))
                })
                .collect();
            grad = f.joint(&per).0;
        }
        for (j, it) in self.items.iter().enumerate() {
            if !self.free_item(j) {
                continue;
            }
            let c = self.item_counts(j);
            match it.model.dichotomous() {
                Some(model) => {
                    let n: Vec<f64> = (0..self.n_nodes()).map(|q| c.r[0][q] + c.r[1][q]).collect();
                    let counts = ItemCounts {
                        nodes: &self.nodes,
                        n: &n,
                        r: c.r[1],
                    };
                    let g = item_gradient(&it.binary(), &counts, model, self.guessing_prior);
                    grad.extend_from_slice(&g[..Self::own_parameters(it)]);
                }
                None => {
                    let (g, _) = if it.model == ItemModel::Grm {
                        graded_score(it.a1, &it.d, &c)
                    } else {
                        divide_by_total_score(it.a1, &it.d, &c)
                    };
                    grad.extend(g);
                }
            }
        }
        let q = self.n_nodes();
        for (gi, g) in self.groups.iter().enumerate() {
            if !g.free {
                continue;
            }
            let mass = &self.group_mass[gi * q..(gi + 1) * q];
            let prior = &self.prior[gi];
            let s1 = |t: f64| (t - g.mean) / g.variance;
            let s2 = |t: f64| ((t - g.mean).powi(2) - g.variance) / (2.0 * g.variance.powi(2));
            let e1: f64 = self.nodes.iter().zip(prior).map(|(&t, p)| p * s1(t)).sum();
            let e2: f64 = self.nodes.iter().zip(prior).map(|(&t, p)| p * s2(t)).sum();
            let (mut g1, mut g2) = (0.0, 0.0);
            for (i, &t) in self.nodes.iter().enumerate() {
                g1 += mass[i] * (s1(t) - e1);
                g2 += mass[i] * (s2(t) - e2);
            }
            grad.extend([g1, g2]);
        }
        grad
    }

    /// Number of free parameters.
    pub fn parameters_len(&self) -> usize {
        self.flat(false).len()
    }

    /// Where each item's own parameters start in [`Self::flat`] (None for family members), and
    /// where the groups' start.
    pub fn layout(&self) -> (Vec<Option<usize>>, usize) {
        let mut i = self.family.as_ref().map_or(0, |f| f.beta.len());
        let mut at = Vec::with_capacity(self.items.len());
        for (j, it) in self.items.iter().enumerate() {
            if self.free_item(j) {
                at.push(Some(i));
                i += Self::own_parameters(it);
            } else {
                at.push(None);
            }
        }
        (at, i)
    }
}

impl EmProblem for ItemEm<'_> {
    fn e_step(&mut self) -> f64 {
        self.fill_tables();
        let n = self.patterns.len();
        let per = n.div_ceil(CHUNKS).max(1);
        let ranges: Vec<_> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
        let (q, s) = (self.n_nodes(), self.stride);
        let rows_total = self.table.len() / s;
        let mut total = Partial::zeros(rows_total, self.groups.len(), s);
        let this = &*self;
        let parts = crate::parallel::map_indices(ranges.len(), |i| {
            this.accumulate_chunk(ranges[i].clone())
        });
        parts.iter().for_each(|part| total.add(part));
        for r in 0..rows_total {
            self.counts[r * q..(r + 1) * q].copy_from_slice(&total.acc[r * s..r * s + q]);
        }
        for g in 0..self.groups.len() {
            self.group_mass[g * q..(g + 1) * q].copy_from_slice(&total.groups[g * s..g * s + q]);
        }
        self.loglik = total.loglik;
        self.windows = total.windows;
        total.loglik
    }

    fn m_step(&mut self) {
        self.m_step_family();
        let this = &*self;
        let updated = crate::parallel::map_indices(self.items.len(), |j| {
            let mut it = this.items[j].clone();
            if it.model.common_slope() {
                return it;
            }
            let c = this.item_counts(j);
            match it.model.dichotomous() {
                Some(model) => {
                    let n: Vec<f64> = (0..this.n_nodes()).map(|q| c.r[0][q] + c.r[1][q]).collect();
                    let counts = ItemCounts {
                        nodes: &this.nodes,
                        n: &n,
                        r: c.r[1],
                    };
                    let mut p = it.binary();
                    m_step_item(&mut p, &counts, model, this.guessing_prior);
                    it.a1 = p.a1;
                    it.d[0] = p.d;
                    it.g = p.g;
                    it.u = p.u;
                }
                None => m_step_free_slope(&mut it, &c),
            }
            it
        });
        self.items = updated;
        let q = self.n_nodes();
        for (gi, g) in self.groups.iter_mut().enumerate() {
            if !g.free {
                continue;
            }
            let mass = &self.group_mass[gi * q..(gi + 1) * q];
            let n: f64 = mass.iter().sum();
            if n <= 0.0 {
                continue;
            }
            let mean = mass
                .iter()
                .zip(&self.nodes)
                .map(|(m, t)| m * t)
                .sum::<f64>()
                / n;
            let var = mass
                .iter()
                .zip(&self.nodes)
                .map(|(m, t)| m * (t - mean).powi(2))
                .sum::<f64>()
                / n;
            g.mean = mean;
            g.variance = var.max(1e-4);
        }
        self.update_priors();
    }

    fn parameters(&self) -> Vec<f64> {
        self.flat(false)
    }

    fn set_parameters(&mut self, params: &[f64]) -> bool {
        self.set_flat(params, false)
    }
}

impl ScoreFunction for ItemEm<'_> {
    fn internal_parameters(&self) -> Vec<f64> {
        self.flat(true)
    }

    fn set_internal_parameters(&mut self, v: &[f64]) {
        self.set_flat(v, true);
    }

    fn refresh(&mut self) {
        self.e_step();
    }

    fn gradient(&self) -> Vec<f64> {
        ItemEm::gradient(self)
    }
}
