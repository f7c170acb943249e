//! The E-step and M-step of dichotomous IRT models over collapsed response patterns.
//!
//! E-step (Bock & Aitkin, 1981), in log space: for pattern p and node q,
//! `log L_pq = Σ_{j answered} log Q_jq + Σ_{j: x_pj = 1} (log P_jq − log Q_jq)`, computed as the
//! complete-data base row `Σ_j log Q_jq` plus the log-odds rows of the items answered 1 minus the
//! `log Q` rows of the items missing: masked sums of (items x nodes) tables, one pass per pattern,
//! no allocation inside the loop. The posterior `w_pq ∝ π_q L_pq` then gives the expected counts
//! `N_q = Σ_p c_p w_pq`, `r_jq = Σ_{p: x_pj = 1} c_p w_pq` and the missing mass `m_jq`, so that
//! the expected number answering item j at node q is `n_jq = N_q − m_jq`.

use super::dichotomous::{
    item_gradient, logistic, logit, m_step_common_slope, m_step_item, BetaPrior, DichotomousModel,
    ItemCounts, ItemParams,
};
use super::estep::{posterior_row, Window, BLOCK, CHUNKS};
use super::patterns::Patterns;
use crate::data::MISSING;
use crate::em::EmProblem;
use crate::vecmath;

/// A list of rows to add and a list to subtract, stored compressed (CSR) for all patterns.
struct SignedRows {
    /// Row indices, pattern after pattern: the rows to subtract, then the rows to add.
    rows: Vec<u32>,
    /// Pattern p's rows are `rows[offsets[p]..offsets[p + 1]]`, of which the first
    /// `n_sub[p]` are subtracted.
    offsets: Vec<u32>,
    n_sub: Vec<u32>,
}

impl SignedRows {
    fn with_capacity(patterns: usize, rows: usize) -> SignedRows {
        let mut offsets = Vec::with_capacity(patterns + 1);
        offsets.push(0);
        SignedRows {
            rows: Vec::with_capacity(rows),
            offsets,
            n_sub: Vec::with_capacity(patterns),
        }
    }

    fn push(&mut self, sub: &[u32], add: &[u32]) {
        self.rows.extend_from_slice(sub);
        self.rows.extend_from_slice(add);
        self.offsets.push(self.rows.len() as u32);
        self.n_sub.push(sub.len() as u32);
    }

    /// (rows to subtract, rows to add) of pattern p.
    fn get(&self, p: usize) -> (&[u32], &[u32]) {
        let all = &self.rows[self.offsets[p] as usize..self.offsets[p + 1] as usize];
        all.split_at(self.n_sub[p] as usize)
    }
}

/// How each pattern enters the E-step. A pattern starts from the all-0 base row
/// (`log π_q + Σ_j log Q_jq`) or the all-1 base row (`log π_q + Σ_j log P_jq`), whichever needs
/// fewer corrections, and is corrected by rows of the item table:
/// rows `j` hold `log P_j − log Q_j` (added for a 1 from the all-0 base, subtracted for a 0 from
/// the all-1 base), rows `J + j` hold `−log Q_j` and rows `2J + j` hold `−log P_j` (added for a
/// missing response from the all-0 and the all-1 base).
///
/// Its posterior weight goes into two accumulator tables: `D` (rows `j`), which gathers the
/// mass on item j's 1s from patterns started at 0 minus the mass on its 0s and missing responses
/// from patterns started at 1, so that `r_j = D_j + (mass of the patterns started at 1)`; and
/// `M` (rows `J + j`), the mass on item j's missing responses.
struct PatternRows {
    from_ones: Vec<bool>,
    /// Rows of the item table.
    loglik: SignedRows,
    /// Rows of the accumulators, when they differ from `loglik` (only with missing responses;
    /// without, the two lists are the same, and for a million distinct patterns of 100 items
    /// each is about 100 MB).
    counts: Option<SignedRows>,
}

impl PatternRows {
    fn new(patterns: &Patterns) -> PatternRows {
        let k = patterns.n_items as u32;
        let n = patterns.len();
        let any_missing = patterns.codes.contains(&MISSING);
        // The lists' exact lengths first, so that they are allocated once: grown by doubling,
        // they would need up to three times their size while they grow.
        let (mut n_loglik, mut n_counts) = (0, 0);
        for p in 0..n {
            let codes = patterns.pattern(p);
            let ones = codes.iter().filter(|&&c| c == 1).count();
            let zeros = codes.iter().filter(|&&c| c == 0).count();
            let missing = codes.len() - ones - zeros;
            let corrections = ones.min(zeros);
            n_loglik += corrections + missing;
            n_counts += corrections + if zeros < ones { 2 * missing } else { missing };
        }
        let mut from_ones = Vec::with_capacity(n);
        let mut loglik = SignedRows::with_capacity(n, n_loglik);
        let mut counts = any_missing.then(|| SignedRows::with_capacity(n, n_counts));
        let (mut sub, mut add, mut acc_sub, mut acc_add) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for p in 0..n {
            let codes = patterns.pattern(p);
            let ones = codes.iter().filter(|&&c| c == 1).count();
            let zeros = codes.iter().filter(|&&c| c == 0).count();
            let start_ones = zeros < ones;
            for v in [&mut sub, &mut add, &mut acc_sub, &mut acc_add] {
                v.clear();
            }
            for (j, &c) in (0u32..).zip(codes) {
                match (c, start_ones) {
                    (1, false) => {
                        add.push(j);
                        acc_add.push(j);
                    }
                    (0, true) => {
                        sub.push(j);
                        acc_sub.push(j);
                    }
                    (MISSING, false) => {
                        add.push(k + j);
                        acc_add.push(k + j);
                    }
                    (MISSING, true) => {
                        add.push(2 * k + j);
                        acc_add.push(k + j);
                        acc_sub.push(j);
                    }
                    _ => {}
                }
            }
            from_ones.push(start_ones);
            loglik.push(&sub, &add);
            if let Some(counts) = counts.as_mut() {
                counts.push(&acc_sub, &acc_add);
            } else {
                debug_assert!(sub == acc_sub && add == acc_add);
            }
        }
        PatternRows {
            from_ones,
            loglik,
            counts,
        }
    }

    /// The accumulator rows of pattern p: (to subtract, to add).
    fn counts(&self, p: usize) -> (&[u32], &[u32]) {
        self.counts.as_ref().unwrap_or(&self.loglik).get(p)
    }
}

/// Expected-count accumulators of one chunk of patterns: D and M (2J x stride, see
/// [`PatternRows`]), the total posterior mass, that of the patterns started from the all-1 base,
/// the chunk's log-likelihood and its patterns' posterior windows.
struct Partial {
    acc: Vec<f64>,
    total: Vec<f64>,
    from_ones: Vec<f64>,
    loglik: f64,
    /// Each pattern's window, in pattern order.
    windows: Vec<Window>,
}

impl Partial {
    fn zeros(items: usize, stride: usize) -> Partial {
        Partial {
            acc: vec![0.0; 2 * items * stride],
            total: vec![0.0; stride],
            from_ones: vec![0.0; stride],
            loglik: 0.0,
            windows: Vec::new(),
        }
    }

    fn add(&mut self, other: &Partial) {
        vecmath::add_in_place(&mut self.acc, &other.acc);
        vecmath::add_in_place(&mut self.total, &other.total);
        vecmath::add_in_place(&mut self.from_ones, &other.from_ones);
        self.loglik += other.loglik;
        self.windows.extend_from_slice(&other.windows);
    }
}

/// State of a dichotomous calibration.
pub struct BinaryEm<'a> {
    pub patterns: &'a Patterns,
    pattern_rows: PatternRows,
    pub model: DichotomousModel,
    pub nodes: Vec<f64>,
    pub prior: Vec<f64>,
    pub items: Vec<ItemParams>,
    pub guessing_prior: Option<BetaPrior>,
    /// Node count rounded up to the kernels' chunk width; the stride of every table below.
    stride: usize,
    /// The item table, 3J x stride (see [`PatternRows`]); 0 in the padding.
    table: Vec<f64>,
    /// The all-0 and all-1 base rows, −∞ in the padding.
    base: [Vec<f64>; 2],
    /// Whether every pattern's log-posterior is concave in θ (no asymptotes), so that the last
    /// E-step's windows can bound the next (see [`Self::posterior_row`]).
    log_concave: bool,
    /// Each pattern's posterior window from the last E-step.
    windows: Vec<Window>,
    /// How many rows were summed over the hinted range only, and how many fell back to the
    /// full row (the unit tests check both paths).
    #[cfg(test)]
    hint_use: [std::sync::atomic::AtomicUsize; 2],
    /// Expected counts from the last E-step.
    pub n_total: Vec<f64>,
    pub r: Vec<f64>,
    pub missing_mass: Vec<f64>,
    pub loglik: f64,
}

impl<'a> BinaryEm<'a> {
    pub fn new(
        patterns: &'a Patterns,
        model: DichotomousModel,
        nodes: Vec<f64>,
        prior: Vec<f64>,
        items: Vec<ItemParams>,
        guessing_prior: Option<BetaPrior>,
    ) -> BinaryEm<'a> {
        let (j, q) = (items.len(), nodes.len());
        let stride = vecmath::padded(q);
        BinaryEm {
            patterns,
            pattern_rows: PatternRows::new(patterns),
            model,
            nodes,
            prior,
            items,
            guessing_prior,
            stride,
            table: vec![0.0; 3 * j * stride],
            base: [vec![0.0; stride], vec![0.0; stride]],
            log_concave: !model.has_guessing() && !model.has_upper(),
            windows: vec![[0, 0]; patterns.len()],
            #[cfg(test)]
            hint_use: Default::default(),
            n_total: vec![0.0; q],
            r: vec![0.0; j * q],
            missing_mass: vec![0.0; j * q],
            loglik: f64::NAN,
        }
    }

    fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Expected number answering item j at each node.
    pub fn answered_counts(&self, j: usize) -> Vec<f64> {
        let q = self.n_nodes();
        self.n_total
            .iter()
            .zip(&self.missing_mass[j * q..(j + 1) * q])
            .map(|(n, m)| (n - m).max(0.0))
            .collect()
    }

    /// Expected number answering item j with 1 at each node.
    pub fn correct_counts(&self, j: usize) -> &[f64] {
        let q = self.n_nodes();
        &self.r[j * q..(j + 1) * q]
    }

    /// Fills the item table and the two base rows from the current item parameters.
    fn fill_tables(&mut self) {
        let (q, s, k) = (self.n_nodes(), self.stride, self.items.len());
        for base in self.base.iter_mut() {
            base.fill(f64::NEG_INFINITY);
            base[..q]
                .iter_mut()
                .zip(&self.prior)
                .for_each(|(x, p)| *x = p.ln());
        }
        for (j, p) in self.items.iter().enumerate() {
            for (i, &t) in self.nodes.iter().enumerate() {
                let (lp, lq) = p.log_probs(t);
                self.base[0][i] += lq;
                self.base[1][i] += lp;
                self.table[j * s + i] = lp - lq;
                self.table[(k + j) * s + i] = -lq;
                self.table[(2 * k + j) * s + i] = -lp;
            }
        }
    }

    /// Pattern p's posterior over the nodes, unnormalised (see [`posterior_row`]): the base row
    /// it starts from plus its correction rows. Returns `(lo, hi, Σ_q w_q, log-likelihood)`.
    #[inline(always)]
    fn posterior_row(&self, p: usize, w: &mut [f64], hint: Window) -> (usize, usize, f64, f64) {
        let rows = &self.pattern_rows;
        let (sub, add) = rows.loglik.get(p);
        let base = &self.base[rows.from_ones[p] as usize];
        let row = posterior_row(
            w,
            base,
            &self.table,
            self.stride,
            add,
            sub,
            hint,
            self.log_concave,
        );
        #[cfg(test)]
        if let Some(held) = row.hint_held {
            self.hint_use[!held as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        (row.lo, row.hi, row.sum, row.loglik)
    }

    /// The pattern loop of the E-step over a range of patterns: posterior weights times the
    /// pattern counts, summed into fresh accumulators.
    #[inline(always)]
    fn accumulate_patterns(&self, range: std::ops::Range<usize>) -> Partial {
        let s = self.stride;
        let mut part = Partial::zeros(self.items.len(), s);
        let mut weights = vec![0.0; BLOCK * s];
        part.windows.reserve(range.len());
        let (first, end) = (range.start, range.end);
        for start in range.step_by(BLOCK) {
            let block = start..(start + BLOCK).min(end);
            for (p, w) in block.clone().zip(weights.chunks_exact_mut(s)) {
                let (lo, hi, sum, ll) = self.posterior_row(p, w, self.windows[p]);
                part.windows.push([lo as u32, hi as u32]);
                let count = self.patterns.counts[p];
                part.loglik += count * ll;
                vecmath::scale(&mut w[lo..hi], count / sum);
            }
            let rows = &self.pattern_rows;
            let windows = &part.windows[block.start - first..];
            for (p, (w, &[lo, hi])) in block.zip(weights.chunks_exact(s).zip(windows)) {
                let (lo, hi) = (lo as usize, hi as usize);
                let w = &w[lo..hi];
                vecmath::add_in_place(&mut part.total[lo..hi], w);
                if rows.from_ones[p] {
                    vecmath::add_in_place(&mut part.from_ones[lo..hi], w);
                }
                let (sub, add) = rows.counts(p);
                vecmath::add_to_rows(&mut part.acc, s, lo, add, sub, w);
            }
        }
        part
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn accumulate_patterns_avx2(&self, range: std::ops::Range<usize>) -> Partial {
        self.accumulate_patterns(range)
    }

    /// [`Self::accumulate_patterns`] in the best instruction set the processor has.
    fn accumulate_chunk(&self, range: std::ops::Range<usize>) -> Partial {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.accumulate_patterns_avx2(range) };
        }
        self.accumulate_patterns(range)
    }

    /// The posterior weights of every pattern at the current parameters, normalised to sum 1,
    /// over `chunks` fixed, consecutive ranges of patterns that run in parallel where there are
    /// threads (`crate::parallel`): each range gets its own accumulator from `init`,
    /// `f(acc, p, lo, w)` adds pattern p, whose weights are `w` on the nodes `lo..lo + w.len()`
    /// (0 elsewhere), and the accumulators are returned in range order. Combining them in that order gives the same numbers on any
    /// number of threads. `f` should be `#[inline(always)]`: it is compiled into the AVX2 build
    /// of the loop on x86-64 processors that have AVX2.
    pub fn fold_posterior_chunks<A: Send, F>(
        &mut self,
        chunks: usize,
        init: impl Fn() -> A + Sync + Send,
        f: F,
    ) -> Vec<A>
    where
        F: Fn(&mut A, usize, usize, &[f64]) + Sync + Send,
    {
        self.fill_tables();
        let n = self.patterns.len();
        let per = n.div_ceil(chunks.max(1)).max(1);
        let ranges: Vec<_> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
        let this = &*self;
        crate::parallel::map_indices(ranges.len(), |i| {
            let mut acc = init();
            let mut w = vec![0.0; this.stride];
            // Out-of-line blocks (see `crate::parallel::BLOCK`).
            for start in ranges[i].clone().step_by(BLOCK) {
                let block = start..(start + BLOCK).min(ranges[i].end);
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the processor has AVX2, checked just above.
                    unsafe { this.posterior_block_avx2(block, &mut acc, &mut w, &f) };
                    continue;
                }
                this.posterior_block(block, &mut acc, &mut w, &f);
            }
            acc
        })
    }

    #[inline(never)]
    fn posterior_block<A, F: Fn(&mut A, usize, usize, &[f64])>(
        &self,
        block: std::ops::Range<usize>,
        acc: &mut A,
        w: &mut [f64],
        f: &F,
    ) {
        self.posterior_block_body(block, acc, w, f)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn posterior_block_avx2<A, F: Fn(&mut A, usize, usize, &[f64])>(
        &self,
        block: std::ops::Range<usize>,
        acc: &mut A,
        w: &mut [f64],
        f: &F,
    ) {
        self.posterior_block_body(block, acc, w, f)
    }

    #[inline(always)]
    fn posterior_block_body<A, F: Fn(&mut A, usize, usize, &[f64])>(
        &self,
        block: std::ops::Range<usize>,
        acc: &mut A,
        w: &mut [f64],
        f: &F,
    ) {
        for p in block {
            let (lo, hi, sum, _) = self.posterior_row(p, w, self.windows[p]);
            vecmath::scale(&mut w[lo..hi], 1.0 / sum);
            f(acc, p, lo, &w[lo..hi.min(self.n_nodes())]);
        }
    }
}

impl EmProblem for BinaryEm<'_> {
    /// One E-step (see the module documentation). Each pattern's log-likelihood row is its base
    /// row plus its correction rows; posterior weights below e^−30 (1e-13) of a pattern's largest are
    /// not formed, so the exponentials and count updates run over the window of nodes that
    /// carry the posterior. The patterns are split into fixed chunks that run in parallel
    /// natively (`crate::parallel`), and on x86-64 in the AVX2 build of the loop when the
    /// processor has AVX2.
    fn e_step(&mut self) -> f64 {
        self.fill_tables();
        // Fixed chunks of patterns, each with its own accumulators, added in chunk order: the
        // result does not depend on how many threads ran the chunks.
        let n = self.patterns.len();
        let per = n.div_ceil(CHUNKS).max(1);
        let ranges: Vec<_> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
        let (q, s, k) = (self.n_nodes(), self.stride, self.items.len());
        let mut total = Partial::zeros(k, s);
        let this = &*self;
        let parts = crate::parallel::map_indices(ranges.len(), |i| {
            this.accumulate_chunk(ranges[i].clone())
        });
        parts.iter().for_each(|part| total.add(part));
        // r = D + (mass of the patterns started from the all-1 base); missing mass = M.
        self.n_total.copy_from_slice(&total.total[..q]);
        for j in 0..k {
            let (d, m) = (&total.acc[j * s..][..q], &total.acc[(k + j) * s..][..q]);
            for i in 0..q {
                self.r[j * q + i] = d[i] + total.from_ones[i];
                self.missing_mass[j * q + i] = m[i];
            }
        }
        self.loglik = total.loglik;
        self.windows = total.windows;
        total.loglik
    }

    fn m_step(&mut self) {
        let k = self.items.len();
        if self.model.common_slope() {
            let n: Vec<Vec<f64>> = (0..k).map(|j| self.answered_counts(j)).collect();
            let r: Vec<Vec<f64>> = (0..k).map(|j| self.correct_counts(j).to_vec()).collect();
            m_step_common_slope(&mut self.items, &self.nodes, &n, &r);
            return;
        }
        // Items are independent given the expected counts: solved in parallel natively.
        let this = &*self;
        self.items = crate::parallel::map_indices(k, |j| {
            let n = this.answered_counts(j);
            let counts = ItemCounts {
                nodes: &this.nodes,
                n: &n,
                r: this.correct_counts(j),
            };
            let mut p = this.items[j];
            m_step_item(&mut p, &counts, this.model, this.guessing_prior);
            p
        });
    }

    fn parameters(&self) -> Vec<f64> {
        if self.model.common_slope() {
            let mut v = vec![self.items[0].a1];
            v.extend(self.items.iter().map(|p| p.d));
            return v;
        }
        let mut v = Vec::with_capacity(self.items.len() * 4);
        for p in &self.items {
            v.push(p.a1);
            v.push(p.d);
            if self.model.has_guessing() {
                v.push(p.g);
            }
            if self.model.has_upper() {
                v.push(p.u);
            }
        }
        v
    }

    fn set_parameters(&mut self, v: &[f64]) -> bool {
        if self.model.common_slope() {
            if v.len() != self.items.len() + 1 {
                return false;
            }
            for (p, d) in self.items.iter_mut().zip(&v[1..]) {
                p.a1 = v[0];
                p.d = *d;
            }
            return true;
        }
        let per = 2 + self.model.has_guessing() as usize + self.model.has_upper() as usize;
        if v.len() != self.items.len() * per {
            return false;
        }
        let mut next = self.items.clone();
        for (p, chunk) in next.iter_mut().zip(v.chunks(per)) {
            p.a1 = chunk[0];
            p.d = chunk[1];
            let mut i = 2;
            if self.model.has_guessing() {
                if !(chunk[i] > 0.0 && chunk[i] < 0.5) {
                    return false;
                }
                p.g = chunk[i];
                i += 1;
            }
            if self.model.has_upper() {
                if !(chunk[i] > 0.5 && chunk[i] < 1.0) {
                    return false;
                }
                p.u = chunk[i];
            }
        }
        self.items = next;
        true
    }
}

impl BinaryEm<'_> {
    /// Free parameters on the scale the standard errors use: (a, d_1..d_J) for the common-slope
    /// models; per item a1, d, then logit(g) (3PL/4PL) and logit(u) (4PL).
    pub fn internal_parameters(&self) -> Vec<f64> {
        if self.model.common_slope() {
            return self.parameters();
        }
        let mut v = Vec::new();
        for p in &self.items {
            v.extend([p.a1, p.d]);
            if self.model.has_guessing() {
                v.push(logit(p.g));
            }
            if self.model.has_upper() {
                v.push(logit(p.u));
            }
        }
        v
    }

    fn set_internal_parameters(&mut self, v: &[f64]) {
        if self.model.common_slope() {
            self.set_parameters(v);
            return;
        }
        let per = 2 + self.model.has_guessing() as usize + self.model.has_upper() as usize;
        for (p, c) in self.items.iter_mut().zip(v.chunks(per)) {
            p.a1 = c[0];
            p.d = c[1];
            let mut i = 2;
            if self.model.has_guessing() {
                p.g = logistic(c[i]);
                i += 1;
            }
            if self.model.has_upper() {
                p.u = logistic(c[i]);
            }
        }
    }

    /// Gradient of the marginal log-likelihood at the parameters of the last E-step, by Fisher's
    /// identity: the gradient of the expected complete-data log-likelihood,
    /// `Σ_q (r_jq − n_jq P_jq) / (P_jq Q_jq) · ∂P_jq/∂β` (see `m_step_item` for ∂P/∂β). The Beta
    /// prior on g, when given, is included (the gradient of the log posterior).
    pub fn gradient(&self) -> Vec<f64> {
        let k = self.items.len();
        let common = self.model.common_slope();
        let mut grad = if common { vec![0.0; k + 1] } else { Vec::new() };
        for j in 0..k {
            let p = self.items[j];
            let n = self.answered_counts(j);
            let r = self.correct_counts(j);
            let counts = ItemCounts {
                nodes: &self.nodes,
                n: &n,
                r,
            };
            let gj = item_gradient(&p, &counts, self.model, self.guessing_prior);
            if common {
                grad[0] += gj[0];
                grad[j + 1] = gj[1];
                continue;
            }
            let per = 2 + self.model.has_guessing() as usize + self.model.has_upper() as usize;
            grad.extend_from_slice(&gj[..per]);
        }
        grad
    }
}

impl super::information::ScoreFunction for BinaryEm<'_> {
    fn internal_parameters(&self) -> Vec<f64> {
        BinaryEm::internal_parameters(self)
    }

    fn set_internal_parameters(&mut self, v: &[f64]) {
        BinaryEm::set_internal_parameters(self, v)
    }

    fn refresh(&mut self) {
        self.e_step();
    }

    fn gradient(&self) -> Vec<f64> {
        BinaryEm::gradient(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::em::EmProblem;
    use crate::irt::quadrature::Quadrature;
    use crate::irt::test_data::simulated;
    use std::sync::atomic::Ordering::Relaxed;

    /// An E-step that starts from the windows of an E-step at other parameters gives bit for
    /// bit what one without windows gives, whether the windows still bound the posterior (a
    /// small change: the hinted ranges are used) or not (a large one: full rows).
    #[test]
    fn windows_of_the_last_e_step_change_nothing() {
        for (missing_every, change, model) in [
            (0, 0.05, DichotomousModel::TwoPl),
            (7, 0.05, DichotomousModel::TwoPl),
            (11, 0.05, DichotomousModel::Rasch),
            (0, 6.0, DichotomousModel::TwoPl),
        ] {
            let data = simulated(2000, 30, missing_every);
            let patterns = Patterns::new(&data);
            let quad = Quadrature::rectangular(61, 6.0).unwrap();
            let items = |shift: f64| -> Vec<ItemParams> {
                (0..30)
                    .map(|j| ItemParams {
                        a1: if model.common_slope() {
                            1.0 + shift.min(0.05)
                        } else {
                            0.6 + 0.05 * j as f64 + shift.min(0.05)
                        },
                        // A large change moves every posterior by several units of θ.
                        d: 1.2 - 0.08 * j as f64 - shift,
                        g: 0.0,
                        u: 1.0,
                    })
                    .collect()
            };
            let new = |it| {
                BinaryEm::new(
                    &patterns,
                    model,
                    quad.nodes.clone(),
                    quad.weights.clone(),
                    it,
                    None,
                )
            };
            let mut warm = new(items(0.0));
            warm.e_step();
            warm.items = items(change);
            let before = [
                warm.hint_use[0].load(Relaxed),
                warm.hint_use[1].load(Relaxed),
            ];
            warm.e_step();
            let used = warm.hint_use[0].load(Relaxed) - before[0];
            let fell_back = warm.hint_use[1].load(Relaxed) - before[1];
            let mut cold = new(items(change));
            cold.e_step();
            let what = format!("{model:?}, missing every {missing_every}, change {change}");
            assert_eq!(warm.loglik.to_bits(), cold.loglik.to_bits(), "{what}");
            assert_eq!(warm.n_total, cold.n_total, "{what}");
            assert_eq!(warm.r, cold.r, "{what}");
            assert_eq!(warm.missing_mass, cold.missing_mass, "{what}");
            assert_eq!(warm.windows, cold.windows, "{what}");
            if change < 1.0 {
                assert!(
                    used > fell_back,
                    "{what}: {used} rows used the window, {fell_back} fell back"
                );
            } else {
                assert!(fell_back > 0, "{what}: no row fell back");
            }
        }
    }

    /// The 3PL's log-posterior need not be concave: its rows are always summed whole.
    #[test]
    fn asymptote_models_do_not_use_windows() {
        let data = simulated(500, 10, 0);
        let patterns = Patterns::new(&data);
        let quad = Quadrature::rectangular(61, 6.0).unwrap();
        let items = (0..10)
            .map(|j| ItemParams {
                a1: 1.0,
                d: 0.1 * j as f64,
                g: 0.2,
                u: 1.0,
            })
            .collect();
        let mut em = BinaryEm::new(
            &patterns,
            DichotomousModel::ThreePl,
            quad.nodes.clone(),
            quad.weights.clone(),
            items,
            None,
        );
        em.e_step();
        em.e_step();
        assert_eq!(em.hint_use[0].load(Relaxed), 0);
    }
}
