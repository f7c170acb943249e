//! Polytomous item response functions and their M-steps, and the item models a calibration can
//! mix.
//!
//! An item with K ordered categories 0..K−1 has intercepts `d_1..d_{K−1}` and a slope `a1`
//! (mirt's slope-intercept form, mirt's names):
//!
//! - **Graded response** (Samejima, 1969): `P(X ≥ k | θ) = σ(a1·θ + d_k)`, d decreasing, and
//!   `P(X = k) = P(X ≥ k) − P(X ≥ k + 1)`.
//! - **Generalized partial credit** (Muraki, 1992): `P(X = k | θ) ∝ exp(k·a1·θ + d_k)`, d_0 = 0.
//!   The IRT form has step parameters `b_k = −(d_k − d_{k−1}) / a1`, so that
//!   `k·a1·θ + d_k = a1·Σ_{v≤k} (θ − b_v)`, and the item location is their mean.
//! - **Partial credit** (Masters, 1982): the generalized partial credit model with slope 1 and
//!   the latent variance estimated (mirt `itemtype = 'Rasch'`).
//! - **Rating scale** (Andrich, 1978): `P(X = k | θ) ∝ exp(k·(θ − δ_j) − Σ_{v≤k} τ_v)`, thresholds
//!   τ shared by the items, a location δ_j per item, slope 1 and the latent variance estimated.
//!   mirt writes it `exp(k·θ − Σ_{v≤k} b_v + k·c_j)` with `c_j = −δ_j` and `c = 0` for the
//!   first item; its intercepts are `d_k = −Σ_{v≤k} τ_v − k·δ_j`.
//!
//! The models whose variance is free (Rasch, partial credit, rating scale) are fitted with one
//! common slope and a N(0, 1) trait: with θ = σ·z, `k·θ = k·σ·z`, so the common slope is the
//! latent SD and the intercepts are unchanged.

use super::dichotomous::{DichotomousModel, ItemParams};
use serde::{Deserialize, Serialize};

/// The model of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemModel {
    /// Dichotomous Rasch (slope 1, variance free).
    Rasch,
    /// Dichotomous, common slope.
    #[serde(rename = "1pl")]
    OnePl,
    /// Dichotomous 2PL.
    #[serde(rename = "2pl")]
    TwoPl,
    /// Dichotomous 3PL.
    #[serde(rename = "3pl")]
    ThreePl,
    /// Dichotomous 4PL.
    #[serde(rename = "4pl")]
    FourPl,
    /// Graded response model.
    Grm,
    /// Generalized partial credit model.
    Gpcm,
    /// Partial credit model.
    Pcm,
    /// Rating scale model.
    Rsm,
}

impl ItemModel {
    /// Every model, in the order of [`ItemModel::name`]'s documentation.
    pub const ALL: [ItemModel; 9] = [
        ItemModel::Rasch,
        ItemModel::OnePl,
        ItemModel::TwoPl,
        ItemModel::ThreePl,
        ItemModel::FourPl,
        ItemModel::Grm,
        ItemModel::Gpcm,
        ItemModel::Pcm,
        ItemModel::Rsm,
    ];

    /// The name as the CLI, the JSON and item-model files spell it: `rasch`, `1pl`, `2pl`,
    /// `3pl`, `4pl`, `grm`, `gpcm`, `pcm`, `rsm`.
    pub fn name(self) -> &'static str {
        match self {
            ItemModel::Rasch => "rasch",
            ItemModel::OnePl => "1pl",
            ItemModel::TwoPl => "2pl",
            ItemModel::ThreePl => "3pl",
            ItemModel::FourPl => "4pl",
            ItemModel::Grm => "grm",
            ItemModel::Gpcm => "gpcm",
            ItemModel::Pcm => "pcm",
            ItemModel::Rsm => "rsm",
        }
    }

    /// The model named `s` (case-insensitive; `graded` and `partial-credit`-style aliases are
    /// not accepted, so that files stay unambiguous).
    pub fn parse(s: &str) -> Option<ItemModel> {
        let s = s.trim().to_ascii_lowercase();
        ItemModel::ALL.into_iter().find(|m| m.name() == s)
    }

    /// The dichotomous model, for the 0/1 models.
    pub fn dichotomous(self) -> Option<DichotomousModel> {
        Some(match self {
            ItemModel::Rasch => DichotomousModel::Rasch,
            ItemModel::OnePl => DichotomousModel::OnePl,
            ItemModel::TwoPl => DichotomousModel::TwoPl,
            ItemModel::ThreePl => DichotomousModel::ThreePl,
            ItemModel::FourPl => DichotomousModel::FourPl,
            _ => return None,
        })
    }

    /// Whether the model is for 0/1 items only.
    pub fn is_dichotomous(self) -> bool {
        self.dichotomous().is_some()
    }

    /// Whether the item shares the common slope (Rasch, 1PL, partial credit, rating scale).
    pub fn common_slope(self) -> bool {
        matches!(
            self,
            ItemModel::Rasch | ItemModel::OnePl | ItemModel::Pcm | ItemModel::Rsm
        )
    }

    /// Whether the model fixes the slope at 1 and frees the latent variance (Rasch family).
    pub fn rasch_type(self) -> bool {
        matches!(self, ItemModel::Rasch | ItemModel::Pcm | ItemModel::Rsm)
    }

    /// Whether the category probabilities are a softmax of `k·a1·θ + d_k` (the partial credit
    /// family; a 0/1 item without asymptotes is one too).
    pub fn divide_by_total(self) -> bool {
        matches!(
            self,
            ItemModel::Rasch | ItemModel::OnePl | ItemModel::Gpcm | ItemModel::Pcm | ItemModel::Rsm
        )
    }

    /// Whether the model has an asymptote (its log-likelihood is not concave in θ).
    pub fn has_asymptote(self) -> bool {
        matches!(self, ItemModel::ThreePl | ItemModel::FourPl)
    }
}

/// One item's parameters in slope-intercept form.
#[derive(Debug, Clone, PartialEq)]
pub struct PolyItem {
    /// The model.
    pub model: ItemModel,
    /// Slope.
    pub a1: f64,
    /// Intercepts d_1..d_{K−1} (one for a 0/1 item).
    pub d: Vec<f64>,
    /// Lower asymptote (0/1 items; 0 otherwise).
    pub g: f64,
    /// Upper asymptote (0/1 items; 1 otherwise).
    pub u: f64,
}

/// `log(1 + e^x)` without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

impl PolyItem {
    /// Number of categories K.
    pub fn categories(&self) -> usize {
        self.d.len() + 1
    }

    /// The 0/1 item as the dichotomous code sees it (for the 0/1 models).
    pub fn binary(&self) -> ItemParams {
        ItemParams {
            a1: self.a1,
            d: self.d[0],
            g: self.g,
            u: self.u,
        }
    }

    /// `log P(X = k | θ)` for k = 0..K−1 into `out`.
    pub fn log_probs(&self, theta: f64, out: &mut [f64]) {
        let k = self.categories();
        if self.model.has_asymptote() {
            let (lp, lq) = self.binary().log_probs(theta);
            out[0] = lq;
            out[1] = lp;
            return;
        }
        if self.model == ItemModel::Grm {
            // log(σ(z_k) − σ(z_{k+1})) = log σ(z_k) + log(1 − e^{z_{k+1} − z_k}·σ(−z_k)/σ(−z_{k+1}))
            // computed as log(e^{−softplus(−z_k)} − e^{−softplus(−z_{k+1})}) with the larger
            // term factored out; the ends use log σ(−z_1) and log σ(z_{K−1}).
            let z = |c: usize| self.a1 * theta + self.d[c - 1];
            for (c, o) in out.iter_mut().enumerate().take(k) {
                *o = if c == 0 {
                    -softplus(z(1))
                } else if c == k - 1 {
                    -softplus(-z(c))
                } else {
                    let (hi, lo) = (-softplus(-z(c)), -softplus(-z(c + 1)));
                    hi + (-(lo - hi).exp()).ln_1p()
                };
            }
            return;
        }
        // Divide-by-total: z_k = k·a1·θ + d_k, log P_k = z_k − log Σ exp(z).
        let mut max = 0.0f64;
        for c in 1..k {
            let z = c as f64 * self.a1 * theta + self.d[c - 1];
            out[c] = z;
            max = max.max(z);
        }
        out[0] = 0.0;
        let lse = max + out[..k].iter().map(|z| (z - max).exp()).sum::<f64>().ln();
        out[..k].iter_mut().for_each(|z| *z -= lse);
    }

    /// `P(X = k | θ)` for k = 0..K−1 into `out`.
    pub fn probs(&self, theta: f64, out: &mut [f64]) {
        self.log_probs(theta, out);
        out[..self.categories()]
            .iter_mut()
            .for_each(|v| *v = v.exp());
    }

    /// Expected score `Σ_k k·P(X = k | θ)`.
    pub fn expected_score(&self, theta: f64) -> f64 {
        let mut p = vec![0.0; self.categories()];
        self.probs(theta, &mut p);
        p.iter().enumerate().map(|(k, v)| k as f64 * v).sum()
    }

    /// `P_k(θ)`, `P'_k(θ)` and `P''_k(θ)` for k = 0..K−1 into `p`, `dp`, `d2p`:
    /// - 0/1 items, `P_1 = g + (u − g)σ(z)`, z = a1θ + d: `P'_1 = (u − g)a1 σ(1 − σ)`,
    ///   `P''_1 = (u − g)a1² σ(1 − σ)(1 − 2σ)`, and `P_0` the negatives;
    /// - graded: `P_k = F_k − F_{k+1}` with `F_k = σ(a1θ + d_k)` (F_0 = 1, F_K = 0),
    ///   `F' = a1 F(1 − F)`, `F'' = a1² F(1 − F)(1 − 2F)`;
    /// - divide-by-total (z_k = k·a1θ + d_k): `P'_k = a1 P_k (k − μ)`,
    ///   `P''_k = a1² P_k ((k − μ)² − σ²)` with μ, σ² the mean and variance of the category.
    pub fn derivatives(&self, theta: f64, p: &mut [f64], dp: &mut [f64], d2p: &mut [f64]) {
        let k = self.categories();
        if self.model.is_dichotomous() {
            let s = super::dichotomous::logistic(self.a1 * theta + self.d[0]);
            let span = self.u - self.g;
            p[1] = self.g + span * s;
            p[0] = 1.0 - p[1];
            dp[1] = span * self.a1 * s * (1.0 - s);
            dp[0] = -dp[1];
            d2p[1] = span * self.a1 * self.a1 * s * (1.0 - s) * (1.0 - 2.0 * s);
            d2p[0] = -d2p[1];
            return;
        }
        if self.model == ItemModel::Grm {
            let f = |c: usize| -> (f64, f64, f64) {
                if c == 0 {
                    return (1.0, 0.0, 0.0);
                }
                if c == k {
                    return (0.0, 0.0, 0.0);
                }
                let s = super::dichotomous::logistic(self.a1 * theta + self.d[c - 1]);
                let v = s * (1.0 - s);
                (s, self.a1 * v, self.a1 * self.a1 * v * (1.0 - 2.0 * s))
            };
            self.probs(theta, p);
            for c in 0..k {
                let (lo, hi) = (f(c), f(c + 1));
                dp[c] = lo.1 - hi.1;
                d2p[c] = lo.2 - hi.2;
            }
            return;
        }
        self.probs(theta, p);
        let mean: f64 = p[..k].iter().enumerate().map(|(c, v)| c as f64 * v).sum();
        let var: f64 = p[..k]
            .iter()
            .enumerate()
            .map(|(c, v)| (c as f64 - mean).powi(2) * v)
            .sum();
        for c in 0..k {
            let dev = c as f64 - mean;
            dp[c] = self.a1 * p[c] * dev;
            d2p[c] = self.a1 * self.a1 * p[c] * (dev * dev - var);
        }
    }

    /// Item information `Σ_k P'_k(θ)² / P_k(θ)`: for the graded model `P'_k = a1·(f_k − f_{k+1})`
    /// with `f_k = F_k(1 − F_k)`; for the partial credit family `a1²·Var(X | θ)`; for 0/1 items
    /// as in [`ItemParams::information`].
    pub fn information(&self, theta: f64) -> f64 {
        if self.model.is_dichotomous() {
            return self.binary().information(theta);
        }
        let k = self.categories();
        if self.model == ItemModel::Grm {
            let f = |c: usize| -> f64 {
                if c == 0 || c == k {
                    return 0.0;
                }
                let s = super::dichotomous::logistic(self.a1 * theta + self.d[c - 1]);
                s * (1.0 - s)
            };
            let mut p = vec![0.0; k];
            self.probs(theta, &mut p);
            return (0..k)
                .map(|c| {
                    let dp = self.a1 * (f(c) - f(c + 1));
                    dp * dp / p[c].max(1e-300)
                })
                .sum();
        }
        let mut p = vec![0.0; k];
        self.probs(theta, &mut p);
        let mean: f64 = p.iter().enumerate().map(|(c, v)| c as f64 * v).sum();
        let var: f64 = p
            .iter()
            .enumerate()
            .map(|(c, v)| (c as f64 - mean).powi(2) * v)
            .sum();
        // A variance that rounds below 0 far from the item is 0.
        (self.a1 * self.a1 * var).max(0.0)
    }
}

/// Expected counts of one item at the nodes: `r[k][q]`, the expected number in category k at
/// node q.
pub struct CategoryCounts<'a> {
    /// Quadrature nodes.
    pub nodes: &'a [f64],
    /// One row per category.
    pub r: Vec<&'a [f64]>,
}

impl CategoryCounts<'_> {
    /// Expected number answering at node q.
    fn n(&self, q: usize) -> f64 {
        self.r.iter().map(|r| r[q]).sum()
    }
}

/// The expected complete-data log-likelihood `Σ_q Σ_k r_kq log P_k(θ_q)` of one item.
pub fn item_objective(item: &PolyItem, c: &CategoryCounts<'_>) -> f64 {
    let mut lp = vec![0.0; item.categories()];
    let mut f = 0.0;
    for (q, &t) in c.nodes.iter().enumerate() {
        item.log_probs(t, &mut lp);
        for (k, r) in c.r.iter().enumerate() {
            if r[q] > 0.0 {
                f += r[q] * lp[k];
            }
        }
    }
    f
}

/// Score and information of a divide-by-total item in η = (a1, d_1..d_{K−1}).
///
/// With `z_k = η·x_k`, `x_k = (k·θ, e_k)` (e_0 = 0), the complete-data log-likelihood at node q
/// is that of a multinomial logit, so `∂/∂η = Σ_q Σ_k (r_kq − n_q P_kq) x_kq` and the negative
/// Hessian is `Σ_q n_q Cov_q(x)`, with `Cov_q(x) = Σ_k P_kq x_kq x_kqᵀ − m_q m_qᵀ`,
/// `m_q = Σ_k P_kq x_kq` (it does not depend on r: Newton's method is Fisher scoring here).
/// Returns (gradient, information, row-major (K x K)).
pub fn divide_by_total_score(a1: f64, d: &[f64], c: &CategoryCounts<'_>) -> (Vec<f64>, Vec<f64>) {
    let k = d.len() + 1;
    let item = PolyItem {
        model: ItemModel::Gpcm,
        a1,
        d: d.to_vec(),
        g: 0.0,
        u: 1.0,
    };
    let mut grad = vec![0.0; k];
    let mut info = vec![0.0; k * k];
    let mut p = vec![0.0; k];
    for (q, &t) in c.nodes.iter().enumerate() {
        let n = c.n(q);
        item.probs(t, &mut p);
        // Slope component: Σ_k k θ (r_k − n P_k); intercepts: r_k − n P_k.
        let mean_k: f64 = p.iter().enumerate().map(|(c, v)| c as f64 * v).sum();
        let mut rk_sum = 0.0;
        for cat in 0..k {
            let resid = c.r[cat][q] - n * p[cat];
            rk_sum += cat as f64 * resid;
            if cat > 0 {
                grad[cat] += resid;
            }
        }
        grad[0] += t * rk_sum;
        if n <= 0.0 {
            continue;
        }
        // Cov of x: slope-slope θ² Var(k); slope-d_c θ P_c (c − E k); d_c-d_e P_c [c=e] − P_c P_e.
        let var_k: f64 = p
            .iter()
            .enumerate()
            .map(|(c, v)| (c as f64 - mean_k).powi(2) * v)
            .sum();
        info[0] += n * t * t * var_k;
        for a in 1..k {
            let v = n * t * p[a] * (a as f64 - mean_k);
            info[a] += v;
            info[a * k] += v;
            for b in 1..k {
                let mut w = -p[a] * p[b];
                if a == b {
                    w += p[a];
                }
                info[a * k + b] += n * w;
            }
        }
    }
    (grad, info)
}

/// Score and expected (Fisher) information of a graded item in η = (a1, d_1..d_{K−1}).
///
/// With `F_k = σ(a1·θ + d_k)` (F_0 = 1, F_K = 0), `f_k = F_k(1 − F_k)` and `P_k = F_k − F_{k+1}`:
/// `∂P_k/∂a1 = θ(f_k − f_{k+1})`, `∂P_k/∂d_k = f_k`, `∂P_k/∂d_{k+1} = −f_{k+1}`. The score is
/// `Σ_q Σ_k r_kq/P_kq ∂P_kq` and the information `Σ_q n_q Σ_k ∂P_kq ∂P_kqᵀ / P_kq`.
pub fn graded_score(a1: f64, d: &[f64], c: &CategoryCounts<'_>) -> (Vec<f64>, Vec<f64>) {
    let k = d.len() + 1;
    let item = PolyItem {
        model: ItemModel::Grm,
        a1,
        d: d.to_vec(),
        g: 0.0,
        u: 1.0,
    };
    let mut grad = vec![0.0; k];
    let mut info = vec![0.0; k * k];
    let mut p = vec![0.0; k];
    let mut f = vec![0.0; k + 1];
    let mut dp = vec![0.0; k];
    for (q, &t) in c.nodes.iter().enumerate() {
        let n = c.n(q);
        item.probs(t, &mut p);
        for (cat, fv) in f.iter_mut().enumerate() {
            *fv = if cat == 0 || cat == k {
                0.0
            } else {
                let s = super::dichotomous::logistic(a1 * t + d[cat - 1]);
                s * (1.0 - s)
            };
        }
        for cat in 0..k {
            // ∂P_cat/∂η as a sparse vector: slope, d_cat (cat ≥ 1), d_{cat+1} (cat + 1 < k).
            dp.iter_mut().for_each(|v| *v = 0.0);
            dp[0] = t * (f[cat] - f[cat + 1]);
            if cat >= 1 {
                dp[cat] += f[cat];
            }
            if cat + 1 < k {
                dp[cat + 1] -= f[cat + 1];
            }
            let pc = p[cat].max(1e-300);
            let r = c.r[cat][q];
            for i in 0..k {
                grad[i] += r / pc * dp[i];
                if n > 0.0 && dp[i] != 0.0 {
                    for j in 0..k {
                        info[i * k + j] += n * dp[i] * dp[j] / pc;
                    }
                }
            }
        }
    }
    (grad, info)
}

/// Whether a graded item's intercepts are strictly decreasing (so every category has positive
/// probability) and finite.
pub fn graded_order_ok(d: &[f64]) -> bool {
    d.iter().all(|v| v.is_finite()) && d.windows(2).all(|w| w[0] > w[1])
}

/// Solves `info · x = grad` for a small symmetric positive definite system (a ridge of 1e-10 on
/// the diagonal keeps flat directions solvable).
pub fn newton_step(info: &[f64], grad: &[f64]) -> Option<Vec<f64>> {
    let n = grad.len();
    let mut a = info.to_vec();
    for i in 0..n {
        a[i * n + i] += 1e-10;
    }
    crate::math::spd_solve(&a, n, grad, 1)
}

/// M-step of one graded or generalized partial credit item: Newton's method (Fisher scoring for
/// the graded model) on the item's expected complete-data log-likelihood, from the current
/// parameters, halving steps until the objective does not decrease and a graded item's
/// intercepts stay ordered; at most 25 steps, stopping when a step moves no parameter by more
/// than 1e-9.
pub fn m_step_free_slope(item: &mut PolyItem, c: &CategoryCounts<'_>) {
    let mut f0 = item_objective(item, c);
    for _ in 0..25 {
        let (grad, info) = if item.model == ItemModel::Grm {
            graded_score(item.a1, &item.d, c)
        } else {
            divide_by_total_score(item.a1, &item.d, c)
        };
        let Some(step) = newton_step(&info, &grad) else {
            break;
        };
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let mut t = item.clone();
            t.a1 += scale * step[0];
            t.d.iter_mut()
                .zip(&step[1..])
                .for_each(|(d, s)| *d += scale * s);
            let ok = t.model != ItemModel::Grm || graded_order_ok(&t.d);
            let f = if ok {
                item_objective(&t, c)
            } else {
                f64::NEG_INFINITY
            };
            if f.is_finite() && f >= f0 - 1e-12 * f0.abs() {
                improved = f > f0;
                *item = t;
                f0 = f;
                break;
            }
            scale *= 0.5;
        }
        let size = step.iter().map(|s| (s * scale).abs()).fold(0.0, f64::max);
        if !improved || size < 1e-9 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_differences_of_the_probabilities() {
        let items = [
            PolyItem {
                model: ItemModel::ThreePl,
                a1: 1.3,
                d: vec![-0.4],
                g: 0.2,
                u: 1.0,
            },
            PolyItem {
                model: ItemModel::FourPl,
                a1: 0.9,
                d: vec![0.3],
                g: 0.1,
                u: 0.9,
            },
            PolyItem {
                model: ItemModel::Grm,
                a1: 1.7,
                d: vec![2.0, 0.1, -1.5],
                g: 0.0,
                u: 1.0,
            },
            PolyItem {
                model: ItemModel::Gpcm,
                a1: 0.8,
                d: vec![1.0, 1.4, 0.2],
                g: 0.0,
                u: 1.0,
            },
        ];
        let h = 1e-5;
        for it in &items {
            let k = it.categories();
            for theta in [-2.0, 0.3, 1.9] {
                let (mut p, mut dp, mut d2p) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
                it.derivatives(theta, &mut p, &mut dp, &mut d2p);
                let (mut lo, mut hi, mut mid) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
                it.probs(theta - h, &mut lo);
                it.probs(theta + h, &mut hi);
                it.probs(theta, &mut mid);
                for c in 0..k {
                    assert!((p[c] - mid[c]).abs() < 1e-14);
                    let d1 = (hi[c] - lo[c]) / (2.0 * h);
                    let d2 = (hi[c] - 2.0 * mid[c] + lo[c]) / (h * h);
                    assert!(
                        (dp[c] - d1).abs() < 1e-8,
                        "{:?} {c} {} {d1}",
                        it.model,
                        dp[c]
                    );
                    assert!(
                        (d2p[c] - d2).abs() < 1e-4,
                        "{:?} {c} {} {d2}",
                        it.model,
                        d2p[c]
                    );
                }
            }
        }
    }

    fn item(model: ItemModel, a1: f64, d: &[f64]) -> PolyItem {
        PolyItem {
            model,
            a1,
            d: d.to_vec(),
            g: 0.0,
            u: 1.0,
        }
    }

    #[test]
    fn category_probabilities_sum_to_one_and_match_the_definitions() {
        let grm = item(ItemModel::Grm, 1.3, &[2.0, 0.1, -1.7]);
        let gpcm = item(ItemModel::Gpcm, 0.8, &[1.0, 1.5, 0.2]);
        let mut p = [0.0; 4];
        for t in [-5.0, -1.0, 0.0, 0.7, 4.0] {
            grm.probs(t, &mut p);
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            let s = |z: f64| 1.0 / (1.0 + (-z).exp());
            let star = [
                1.0,
                s(1.3 * t + 2.0),
                s(1.3 * t + 0.1),
                s(1.3 * t - 1.7),
                0.0,
            ];
            for k in 0..4 {
                assert!((p[k] - (star[k] - star[k + 1])).abs() < 1e-12);
            }
            gpcm.probs(t, &mut p);
            let z = [0.0, 0.8 * t + 1.0, 1.6 * t + 1.5, 2.4 * t + 0.2];
            let tot: f64 = z.iter().map(|v: &f64| v.exp()).sum();
            for k in 0..4 {
                assert!((p[k] - z[k].exp() / tot).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn information_is_the_derivative_of_the_expected_score_over_a1_for_gpcm() {
        // For divide-by-total items dE[X]/dθ = a1·Var(X) = I(θ)/a1.
        let it = item(ItemModel::Gpcm, 1.4, &[0.5, 0.2, -0.4]);
        for t in [-2.0, 0.0, 1.5] {
            let h = 1e-5;
            let de = (it.expected_score(t + h) - it.expected_score(t - h)) / (2.0 * h);
            assert!((de * 1.4 - it.information(t)).abs() < 1e-6);
        }
        // Graded: I(θ) = Σ P'²/P with P' by differences.
        let g = item(ItemModel::Grm, 1.1, &[1.5, -0.2, -2.0]);
        for t in [-1.0, 0.3, 2.0] {
            let h = 1e-5;
            let (mut pp, mut pm, mut p) = ([0.0; 4], [0.0; 4], [0.0; 4]);
            g.probs(t + h, &mut pp);
            g.probs(t - h, &mut pm);
            g.probs(t, &mut p);
            let info: f64 = (0..4)
                .map(|k| ((pp[k] - pm[k]) / (2.0 * h)).powi(2) / p[k])
                .sum();
            assert!((info - g.information(t)).abs() < 1e-6);
        }
    }

    /// The analytic scores equal differences of the objective.
    #[test]
    fn scores_are_gradients_of_the_objective() {
        let nodes: Vec<f64> = (0..21).map(|i| -4.0 + 0.4 * i as f64).collect();
        let rows: Vec<Vec<f64>> = (0..4)
            .map(|k| {
                nodes
                    .iter()
                    .map(|t| 3.0 + (k as f64 + 1.0) * (1.0 + (t * (k as f64 - 1.5)).tanh()))
                    .collect()
            })
            .collect();
        let c = CategoryCounts {
            nodes: &nodes,
            r: rows.iter().map(|r| r.as_slice()).collect(),
        };
        for model in [ItemModel::Grm, ItemModel::Gpcm] {
            let base = item(model, 0.9, &[1.2, 0.3, -0.8]);
            let (grad, _) = if model == ItemModel::Grm {
                graded_score(base.a1, &base.d, &c)
            } else {
                divide_by_total_score(base.a1, &base.d, &c)
            };
            for i in 0..4 {
                let h = 1e-6;
                let mut up = base.clone();
                let mut dn = base.clone();
                if i == 0 {
                    up.a1 += h;
                    dn.a1 -= h;
                } else {
                    up.d[i - 1] += h;
                    dn.d[i - 1] -= h;
                }
                let num = (item_objective(&up, &c) - item_objective(&dn, &c)) / (2.0 * h);
                assert!(
                    (num - grad[i]).abs() < 1e-5 * num.abs().max(1.0),
                    "{model:?} {i}: {num} vs {}",
                    grad[i]
                );
            }
        }
    }

    /// From exact expected counts of a known item, the M-step finds that item.
    #[test]
    fn m_step_recovers_the_item_from_exact_counts() {
        let nodes: Vec<f64> = (0..41).map(|i| -5.0 + 0.25 * i as f64).collect();
        for model in [ItemModel::Grm, ItemModel::Gpcm] {
            let truth = item(model, 1.7, &[2.1, 0.4, -1.3]);
            let mut rows = vec![vec![0.0; nodes.len()]; 4];
            let mut p = [0.0; 4];
            for (q, &t) in nodes.iter().enumerate() {
                truth.probs(t, &mut p);
                let n = 1000.0 * (-t * t / 2.0).exp();
                for k in 0..4 {
                    rows[k][q] = n * p[k];
                }
            }
            let c = CategoryCounts {
                nodes: &nodes,
                r: rows.iter().map(|r| r.as_slice()).collect(),
            };
            let mut est = item(model, 1.0, &[1.0, 0.0, -1.0]);
            for _ in 0..5 {
                m_step_free_slope(&mut est, &c);
            }
            assert!((est.a1 - 1.7).abs() < 1e-6, "{model:?} {est:?}");
            for (e, t) in est.d.iter().zip(&truth.d) {
                assert!((e - t).abs() < 1e-6, "{model:?} {est:?}");
            }
        }
    }
}
