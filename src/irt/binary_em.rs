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
    logistic, logit, m_step_common_slope, m_step_item, BetaPrior, DichotomousModel, ItemCounts,
    ItemParams,
};
use super::patterns::Patterns;
use crate::em::EmProblem;

/// State of a dichotomous calibration.
pub struct BinaryEm<'a> {
    pub patterns: &'a Patterns,
    pub model: DichotomousModel,
    pub nodes: Vec<f64>,
    pub prior: Vec<f64>,
    pub items: Vec<ItemParams>,
    pub guessing_prior: Option<BetaPrior>,
    /// log Q, items x nodes.
    log_q: Vec<f64>,
    /// log P − log Q, items x nodes.
    log_odds: Vec<f64>,
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
        BinaryEm {
            patterns,
            model,
            nodes,
            prior,
            items,
            guessing_prior,
            log_q: vec![0.0; j * q],
            log_odds: vec![0.0; j * q],
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

    fn fill_tables(&mut self) {
        let q = self.n_nodes();
        for (j, p) in self.items.iter().enumerate() {
            for (k, &t) in self.nodes.iter().enumerate() {
                let (lp, lq) = p.log_probs(t);
                self.log_q[j * q + k] = lq;
                self.log_odds[j * q + k] = lp - lq;
            }
        }
    }
}

impl EmProblem for BinaryEm<'_> {
    /// One E-step. Two exact economies: each pattern starts from whichever base row needs fewer
    /// corrections (all items 0, adding the log-odds of its 1s; or all items 1, subtracting the
    /// log-odds of its 0s); and posterior weights below e^−40 of a pattern's largest are not
    /// formed, so the exponentials and count updates run over the window of nodes that carry
    /// the posterior (their total contribution is below 1e-17 relative).
    fn e_step(&mut self) -> f64 {
        const CUT: f64 = 40.0;
        self.fill_tables();
        let q = self.n_nodes();
        let k = self.items.len();
        let mut base0 = vec![0.0; q];
        let mut base1 = vec![0.0; q];
        for j in 0..k {
            let (lq, lo) = (
                &self.log_q[j * q..(j + 1) * q],
                &self.log_odds[j * q..(j + 1) * q],
            );
            for i in 0..q {
                base0[i] += lq[i];
                base1[i] += lq[i] + lo[i];
            }
        }
        for v in [&mut self.n_total, &mut self.r, &mut self.missing_mass] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        // Accumulators of the patterns started from the all-1 base: their total mass, the mass
        // on their 0s and on their missing items; r is completed from them after the loop.
        let mut n1 = vec![0.0; q];
        let mut zero_mass = vec![0.0; k * q];
        let mut missing1 = vec![0.0; k * q];
        let mut buf = vec![0.0; q];
        let mut loglik = 0.0;
        for p in 0..self.patterns.len() {
            let (ones, zeros, missing) = (
                &self.patterns.ones[p],
                &self.patterns.zeros[p],
                &self.patterns.missing[p],
            );
            let from_ones = zeros.len() < ones.len();
            if from_ones {
                buf.copy_from_slice(&base1);
                for &j in zeros {
                    let row = &self.log_odds[j as usize * q..(j as usize + 1) * q];
                    buf.iter_mut().zip(row).for_each(|(b, l)| *b -= l);
                }
                for &j in missing {
                    let (lq, lo) = (
                        &self.log_q[j as usize * q..(j as usize + 1) * q],
                        &self.log_odds[j as usize * q..(j as usize + 1) * q],
                    );
                    buf.iter_mut()
                        .zip(lq.iter().zip(lo))
                        .for_each(|(b, (a, c))| *b -= a + c);
                }
            } else {
                buf.copy_from_slice(&base0);
                for &j in ones {
                    let row = &self.log_odds[j as usize * q..(j as usize + 1) * q];
                    buf.iter_mut().zip(row).for_each(|(b, l)| *b += l);
                }
                for &j in missing {
                    let row = &self.log_q[j as usize * q..(j as usize + 1) * q];
                    buf.iter_mut().zip(row).for_each(|(b, l)| *b -= l);
                }
            }
            let max = buf.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lo = buf.iter().position(|&b| b - max > -CUT).unwrap_or(0);
            let hi = q - buf.iter().rev().position(|&b| b - max > -CUT).unwrap_or(0);
            let w = &mut buf[lo..hi];
            let mut sum = 0.0;
            for (b, pr) in w.iter_mut().zip(&self.prior[lo..hi]) {
                *b = (*b - max).exp() * pr;
                sum += *b;
            }
            let count = self.patterns.counts[p];
            loglik += count * (max + sum.ln());
            let scale = count / sum;
            w.iter_mut().for_each(|b| *b *= scale);
            let w = &buf[lo..hi];
            let add = |target: &mut [f64], j: u32| {
                let row = &mut target[j as usize * q + lo..j as usize * q + hi];
                row.iter_mut().zip(w).for_each(|(r, b)| *r += b);
            };
            self.n_total[lo..hi]
                .iter_mut()
                .zip(w)
                .for_each(|(n, b)| *n += b);
            for &j in missing {
                add(&mut self.missing_mass, j);
            }
            if from_ones {
                n1[lo..hi].iter_mut().zip(w).for_each(|(n, b)| *n += b);
                for &j in zeros {
                    add(&mut zero_mass, j);
                }
                for &j in missing {
                    add(&mut missing1, j);
                }
            } else {
                for &j in ones {
                    add(&mut self.r, j);
                }
            }
        }
        for j in 0..k {
            for i in 0..q {
                self.r[j * q + i] += n1[i] - zero_mass[j * q + i] - missing1[j * q + i];
            }
        }
        self.loglik = loglik;
        loglik
    }

    fn m_step(&mut self) {
        let k = self.items.len();
        if self.model.common_slope() {
            let n: Vec<Vec<f64>> = (0..k).map(|j| self.answered_counts(j)).collect();
            let r: Vec<Vec<f64>> = (0..k).map(|j| self.correct_counts(j).to_vec()).collect();
            m_step_common_slope(&mut self.items, &self.nodes, &n, &r);
            return;
        }
        for j in 0..k {
            let n = self.answered_counts(j);
            let counts = ItemCounts {
                nodes: &self.nodes,
                n: &n,
                r: self.correct_counts(j),
            };
            let mut p = self.items[j];
            m_step_item(&mut p, &counts, self.model, self.guessing_prior);
            self.items[j] = p;
        }
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
            let mut gj = [0.0; 4];
            for (q, &t) in self.nodes.iter().enumerate() {
                let (prob, dp, _) = p.prob_and_gradient(t, self.model);
                let resid = (r[q] - n[q] * prob) / (prob * (1.0 - prob)).max(1e-300);
                gj.iter_mut().zip(dp).for_each(|(g, d)| *g += resid * d);
            }
            if common {
                grad[0] += gj[0];
                grad[j + 1] = gj[1];
                continue;
            }
            grad.extend([gj[0], gj[1]]);
            if self.model.has_guessing() {
                let mut g = gj[2];
                if let Some(b) = self.guessing_prior {
                    g += (b.alpha - 1.0) * (1.0 - p.g) - (b.beta - 1.0) * p.g;
                }
                grad.push(g);
            }
            if self.model.has_upper() {
                grad.push(gj[3]);
            }
        }
        grad
    }

    /// The observed information matrix (negative Hessian of the marginal log-likelihood) in the
    /// internal parameterisation, by central differences of the analytic gradient with steps
    /// `h = 1e-4 · max(1, |β|)`, symmetrised. Leaves the parameters and expected counts as they
    /// were.
    pub fn observed_information(&mut self) -> Vec<f64> {
        let base = self.internal_parameters();
        let n = base.len();
        let mut info = vec![0.0; n * n];
        for i in 0..n {
            let h = 1e-4 * base[i].abs().max(1.0);
            let mut v = base.clone();
            v[i] = base[i] + h;
            self.set_internal_parameters(&v);
            self.e_step();
            let gp = self.gradient();
            v[i] = base[i] - h;
            self.set_internal_parameters(&v);
            self.e_step();
            let gm = self.gradient();
            for k in 0..n {
                info[k * n + i] = -(gp[k] - gm[k]) / (2.0 * h);
            }
        }
        for i in 0..n {
            for k in 0..i {
                let m = 0.5 * (info[i * n + k] + info[k * n + i]);
                info[i * n + k] = m;
                info[k * n + i] = m;
            }
        }
        self.set_internal_parameters(&base);
        self.e_step();
        info
    }
}
