//! Dichotomous item response functions and their per-item M-steps.
//!
//! Slope-intercept form (mirt's): `P(θ) = g + (u − g) / (1 + exp(−(a1·θ + d)))`. The IRT form
//! reported beside it uses the scaling constant D: `a = a1 / D`, `b = −d / a1`, `c = g`, so that
//! `a1·θ + d = D·a·(θ − b)`. D does not change the likelihood, only how `a` is reported.

use serde::{Deserialize, Serialize};

/// The dichotomous models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DichotomousModel {
    /// Slopes fixed at 1, latent variance estimated (mirt `itemtype = 'Rasch'`).
    Rasch,
    /// One common slope, N(0, 1) latent trait.
    #[serde(rename = "1pl")]
    OnePl,
    /// Slope and intercept per item.
    #[serde(rename = "2pl")]
    TwoPl,
    /// Plus a lower asymptote g.
    #[serde(rename = "3pl")]
    ThreePl,
    /// Plus an upper asymptote u.
    #[serde(rename = "4pl")]
    FourPl,
}

impl DichotomousModel {
    /// The model's name as the CLI and JSON spell it.
    pub fn name(self) -> &'static str {
        match self {
            DichotomousModel::Rasch => "rasch",
            DichotomousModel::OnePl => "1pl",
            DichotomousModel::TwoPl => "2pl",
            DichotomousModel::ThreePl => "3pl",
            DichotomousModel::FourPl => "4pl",
        }
    }

    /// Whether the lower asymptote is estimated.
    pub fn has_guessing(self) -> bool {
        matches!(self, DichotomousModel::ThreePl | DichotomousModel::FourPl)
    }

    /// Whether the upper asymptote is estimated.
    pub fn has_upper(self) -> bool {
        self == DichotomousModel::FourPl
    }

    /// Whether all items share one slope (Rasch and 1PL).
    pub fn common_slope(self) -> bool {
        matches!(self, DichotomousModel::Rasch | DichotomousModel::OnePl)
    }
}

/// A Beta(α, β) prior on the lower asymptote (e.g. Beta(5, 17), mean .227).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BetaPrior {
    /// α (shape 1).
    pub alpha: f64,
    /// β (shape 2).
    pub beta: f64,
}

/// Parameters of one dichotomous item in slope-intercept form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemParams {
    /// Slope.
    pub a1: f64,
    /// Intercept.
    pub d: f64,
    /// Lower asymptote (0 unless 3PL/4PL).
    pub g: f64,
    /// Upper asymptote (1 unless 4PL).
    pub u: f64,
}

/// Gradient of one item's expected complete-data log-likelihood (by Fisher's identity, the
/// item's part of the marginal log-likelihood gradient) in (a1, d, logit g, logit u), the
/// parameters the model has first: `Σ_q (r_q − n_q P_q) / (P_q Q_q) · ∂P_q/∂β` (∂P/∂β from
/// [`ItemParams::prob_and_gradient`]), plus the Beta prior's `(α − 1)(1 − g) − (β − 1)g` on
/// logit g when given.
pub fn item_gradient(
    p: &ItemParams,
    c: &ItemCounts<'_>,
    model: DichotomousModel,
    prior: Option<BetaPrior>,
) -> [f64; 4] {
    let mut gj = [0.0; 4];
    for (q, &t) in c.nodes.iter().enumerate() {
        let (prob, dp, _) = p.prob_and_gradient(t, model);
        let resid = (c.r[q] - c.n[q] * prob) / (prob * (1.0 - prob)).max(1e-300);
        gj.iter_mut().zip(dp).for_each(|(g, d)| *g += resid * d);
    }
    if let (true, Some(b)) = (model.has_guessing(), prior) {
        gj[2] += (b.alpha - 1.0) * (1.0 - p.g) - (b.beta - 1.0) * p.g;
    }
    gj
}

/// Numerically safe bounds for asymptotes on the logit scale (mirt bounds g and u likewise).
const ASYMPTOTE_EPS: f64 = 1e-8;

/// The logistic function, computed without overflow.
pub(crate) fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl ItemParams {
    /// P(X = 1 | θ).
    pub fn prob(&self, theta: f64) -> f64 {
        self.g + (self.u - self.g) * logistic(self.a1 * theta + self.d)
    }

    /// P(θ) and its derivatives with respect to the parameters `model` estimates, in the order
    /// (a1, d, logit g, logit u): `∂P/∂a1 = (u − g) L(1 − L) θ`, `∂P/∂d = (u − g) L(1 − L)`,
    /// `∂P/∂logit(g) = (1 − L) g(1 − g)`, `∂P/∂logit(u) = L u(1 − u)` with L = logistic(a1θ + d).
    /// Returns (P, derivatives, how many are used).
    pub fn prob_and_gradient(&self, theta: f64, model: DichotomousModel) -> (f64, [f64; 4], usize) {
        let l = logistic(self.a1 * theta + self.d);
        let prob = self.g + (self.u - self.g) * l;
        let s = (self.u - self.g) * l * (1.0 - l);
        let mut dp = [s * theta, s, 0.0, 0.0];
        let mut k = 2;
        if model.has_guessing() {
            dp[k] = (1.0 - l) * self.g * (1.0 - self.g);
            k += 1;
        }
        if model.has_upper() {
            dp[k] = l * self.u * (1.0 - self.u);
            k += 1;
        }
        (prob, dp, k)
    }

    /// Item information at θ (Fisher information of one response):
    /// `a1² (P − g)² (u − P)² / ((u − g)² P (1 − P))`, which is `a1² P (1 − P)` for the 2PL
    /// (Lord, 1980, eq. 5-9, in slope-intercept form).
    pub fn information(&self, theta: f64) -> f64 {
        let p = self.prob(theta);
        let num = self.a1 * self.a1 * (p - self.g).powi(2) * (self.u - p).powi(2);
        let den = (self.u - self.g).powi(2) * p * (1.0 - p);
        if den > 0.0 {
            num / den
        } else {
            0.0
        }
    }

    /// (log P, log(1 − P)) at θ, accurate in the tails.
    pub fn log_probs(&self, theta: f64) -> (f64, f64) {
        let z = self.a1 * theta + self.d;
        if self.g == 0.0 && self.u == 1.0 {
            // log P = −ln(1 + e^−z) and log Q = log P − z: one exp and one log1p, both terms
            // accurate in either tail.
            let l = (-z.abs()).exp().ln_1p();
            if z >= 0.0 {
                (-l, -l - z)
            } else {
                (z - l, -l)
            }
        } else {
            let l = logistic(z);
            let p = self.g + (self.u - self.g) * l;
            let q = (1.0 - self.u) + (self.u - self.g) * (1.0 - l);
            (p.ln(), q.ln())
        }
    }
}

/// Expected counts of one item at the quadrature nodes: `n[q]` examinees (posterior mass) who
/// answered, `r[q]` of whom answered 1.
pub struct ItemCounts<'a> {
    /// Nodes θ_q.
    pub nodes: &'a [f64],
    /// Expected number answering at each node.
    pub n: &'a [f64],
    /// Expected number answering 1 at each node.
    pub r: &'a [f64],
}

/// The expected complete-data log-likelihood of one item,
/// `Σ_q r_q log P_q + (n_q − r_q) log(1 − P_q)`, plus the log prior on g when given.
pub fn item_objective(p: &ItemParams, c: &ItemCounts<'_>, prior: Option<BetaPrior>) -> f64 {
    let mut f = 0.0;
    for q in 0..c.nodes.len() {
        let (lp, lq) = p.log_probs(c.nodes[q]);
        f += c.r[q] * lp + (c.n[q] - c.r[q]) * lq;
    }
    if let Some(b) = prior {
        f += (b.alpha - 1.0) * p.g.ln() + (b.beta - 1.0) * (1.0 - p.g).ln();
    }
    f
}

/// Solves the small symmetric positive-definite system `A x = b` by Cholesky; `None` if `A` is
/// not positive definite.
fn solve_spd(a: &mut [[f64; 4]; 4], b: &[f64; 4], n: usize) -> Option<[f64; 4]> {
    for j in 0..n {
        let mut s = a[j][j];
        for k in 0..j {
            s -= a[j][k] * a[j][k];
        }
        if s.is_nan() || s <= 1e-300 {
            return None;
        }
        a[j][j] = s.sqrt();
        for i in j + 1..n {
            let mut t = a[i][j];
            for k in 0..j {
                t -= a[i][k] * a[j][k];
            }
            a[i][j] = t / a[j][j];
        }
    }
    let mut y = [0.0; 4];
    for i in 0..n {
        let mut t = b[i];
        for k in 0..i {
            t -= a[i][k] * y[k];
        }
        y[i] = t / a[i][i];
    }
    let mut x = [0.0; 4];
    for i in (0..n).rev() {
        let mut t = y[i];
        for k in i + 1..n {
            t -= a[k][i] * x[k];
        }
        x[i] = t / a[i][i];
    }
    Some(x)
}

/// log(p / (1 − p)).
pub(crate) fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Maximises [`item_objective`] over the item's free parameters by Fisher scoring with step
/// halving: slope and intercept, plus logit(g) (3PL/4PL) and logit(u) (4PL).
///
/// For P = g + (u − g)·L, L = logistic(a1θ + d), the score of the expected complete-data
/// log-likelihood is `Σ_q (r_q − n_q P_q) / (P_q Q_q) · ∂P_q/∂β` and the expected information
/// `Σ_q n_q / (P_q Q_q) · ∂P_q/∂β ∂P_q/∂βᵀ` (for the 2PL this is Newton's method), with ∂P/∂β
/// from [`ItemParams::prob_and_gradient`]. A Beta(α, β) prior on g adds `(α − 1)(1 − g) − (β − 1)g` to the
/// logit(g) score and `(α + β − 2) g(1 − g)` to its information.
pub fn m_step_item(
    p: &mut ItemParams,
    c: &ItemCounts<'_>,
    model: DichotomousModel,
    prior: Option<BetaPrior>,
) {
    let guess = model.has_guessing();
    let upper = model.has_upper();
    let npar = 2 + guess as usize + upper as usize;
    let mut f0 = item_objective(p, c, prior.filter(|_| guess));
    for _ in 0..25 {
        let mut grad = [0.0; 4];
        let mut info = [[0.0; 4]; 4];
        for q in 0..c.nodes.len() {
            let t = c.nodes[q];
            let (prob, dp, _) = p.prob_and_gradient(t, model);
            let pq = (prob * (1.0 - prob)).max(1e-300);
            let resid = (c.r[q] - c.n[q] * prob) / pq;
            let w = c.n[q] / pq;
            for i in 0..npar {
                grad[i] += resid * dp[i];
                for j in 0..=i {
                    info[i][j] += w * dp[i] * dp[j];
                }
            }
        }
        if let (true, Some(b)) = (guess, prior) {
            grad[2] += (b.alpha - 1.0) * (1.0 - p.g) - (b.beta - 1.0) * p.g;
            info[2][2] += (b.alpha + b.beta - 2.0).max(0.0) * p.g * (1.0 - p.g);
        }
        for i in 0..npar {
            info[i][i] += 1e-10; // keeps a flat direction (e.g. g at its bound) solvable
            for j in 0..i {
                info[j][i] = info[i][j];
            }
        }
        let Some(step) = solve_spd(&mut info, &grad, npar) else {
            break;
        };
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let mut t = *p;
            t.a1 += scale * step[0];
            t.d += scale * step[1];
            let mut k = 2;
            if guess {
                let lg = (logit(p.g) + scale * step[k]).clamp(logit(ASYMPTOTE_EPS), logit(0.5));
                t.g = logistic(lg);
                k += 1;
            }
            if upper {
                let lu =
                    (logit(p.u) + scale * step[k]).clamp(logit(0.5), logit(1.0 - ASYMPTOTE_EPS));
                t.u = logistic(lu);
            }
            let f = item_objective(&t, c, prior.filter(|_| guess));
            if f.is_finite() && f >= f0 - 1e-12 * f0.abs() {
                *p = t;
                improved = f > f0;
                f0 = f;
                break;
            }
            scale *= 0.5;
        }
        let size = step[..npar]
            .iter()
            .map(|s| (s * scale).abs())
            .fold(0.0, f64::max);
        if !improved || size < 1e-9 {
            break;
        }
    }
}

/// M-step of the common-slope models (1PL; the Rasch model is fitted as a 1PL whose common slope
/// is the latent SD): Newton's method on (a, d_1..d_J) jointly. The Hessian is an arrow matrix, so
/// each step is solved in O(J) by the Schur complement on a.
pub fn m_step_common_slope(
    items: &mut [ItemParams],
    nodes: &[f64],
    n: &[Vec<f64>],
    r: &[Vec<f64>],
) {
    let objective = |items: &[ItemParams]| -> f64 {
        items
            .iter()
            .enumerate()
            .map(|(j, p)| {
                item_objective(
                    p,
                    &ItemCounts {
                        nodes,
                        n: &n[j],
                        r: &r[j],
                    },
                    None,
                )
            })
            .sum()
    };
    let mut f0 = objective(items);
    for _ in 0..25 {
        let a = items[0].a1;
        let (mut ga, mut haa) = (0.0, 0.0);
        let mut gd = vec![0.0; items.len()];
        let mut had = vec![0.0; items.len()];
        let mut hdd = vec![0.0; items.len()];
        for (j, p) in items.iter().enumerate() {
            for q in 0..nodes.len() {
                let t = nodes[q];
                let prob = logistic(a * t + p.d);
                let resid = r[j][q] - n[j][q] * prob;
                let w = n[j][q] * prob * (1.0 - prob);
                ga += resid * t;
                gd[j] += resid;
                haa += w * t * t;
                had[j] += w * t;
                hdd[j] += w;
            }
        }
        let mut schur = haa;
        let mut rhs = ga;
        for j in 0..items.len() {
            if hdd[j] > 1e-300 {
                schur -= had[j] * had[j] / hdd[j];
                rhs -= had[j] * gd[j] / hdd[j];
            }
        }
        if schur.is_nan() || schur <= 1e-300 {
            break;
        }
        let da = rhs / schur;
        let dd: Vec<f64> = (0..items.len())
            .map(|j| {
                if hdd[j] > 1e-300 {
                    (gd[j] - had[j] * da) / hdd[j]
                } else {
                    0.0
                }
            })
            .collect();
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial: Vec<ItemParams> = items
                .iter()
                .zip(&dd)
                .map(|(p, d)| ItemParams {
                    a1: a + scale * da,
                    d: p.d + scale * d,
                    ..*p
                })
                .collect();
            let f = objective(&trial);
            if f.is_finite() && f >= f0 - 1e-12 * f0.abs() {
                items.copy_from_slice(&trial);
                accepted = f > f0;
                f0 = f;
                break;
            }
            scale *= 0.5;
        }
        let size = dd
            .iter()
            .fold((da * scale).abs(), |m, d| m.max((d * scale).abs()));
        if !accepted || size < 1e-9 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_and_logs_agree() {
        let p = ItemParams {
            a1: 1.3,
            d: -0.4,
            g: 0.2,
            u: 0.95,
        };
        for t in [-6.0, -1.0, 0.0, 2.0, 6.0] {
            let (lp, lq) = p.log_probs(t);
            assert!((lp.exp() - p.prob(t)).abs() < 1e-14);
            assert!((lq.exp() - (1.0 - p.prob(t))).abs() < 1e-14);
        }
        let q = ItemParams {
            a1: 2.0,
            d: 0.0,
            g: 0.0,
            u: 1.0,
        };
        assert!((q.log_probs(40.0).1 - (-80.0)).abs() < 1e-9); // log(1 − P) far in the tail
    }

    #[test]
    fn information_of_2pl_and_3pl() {
        let p = ItemParams {
            a1: 1.5,
            d: 0.3,
            g: 0.0,
            u: 1.0,
        };
        let pr = p.prob(0.2);
        assert!((p.information(0.2) - 2.25 * pr * (1.0 - pr)).abs() < 1e-15);
        // 3PL (Lord 1980): a1² (Q/P) ((P − c)/(1 − c))².
        let q = ItemParams {
            a1: 1.2,
            d: -0.5,
            g: 0.2,
            u: 1.0,
        };
        let pr = q.prob(0.4);
        let lord = 1.44 * ((1.0 - pr) / pr) * ((pr - 0.2) / 0.8).powi(2);
        assert!((q.information(0.4) - lord).abs() < 1e-14);
    }

    #[test]
    fn m_step_recovers_a_logistic_curve_from_exact_counts() {
        // Counts generated exactly from a 2PL / 3PL curve: the M-step must return its parameters.
        let nodes: Vec<f64> = (0..41).map(|i| -4.0 + 0.2 * i as f64).collect();
        for (truth, model) in [
            (
                ItemParams {
                    a1: 1.4,
                    d: -0.7,
                    g: 0.0,
                    u: 1.0,
                },
                DichotomousModel::TwoPl,
            ),
            (
                ItemParams {
                    a1: 1.8,
                    d: -1.0,
                    g: 0.2,
                    u: 1.0,
                },
                DichotomousModel::ThreePl,
            ),
        ] {
            let n: Vec<f64> = nodes
                .iter()
                .map(|t| 1000.0 * (-0.5 * t * t).exp())
                .collect();
            let r: Vec<f64> = nodes
                .iter()
                .zip(&n)
                .map(|(&t, &n)| n * truth.prob(t))
                .collect();
            let mut p = ItemParams {
                a1: 1.0,
                d: 0.0,
                g: if model.has_guessing() { 0.1 } else { 0.0 },
                u: 1.0,
            };
            for _ in 0..5 {
                m_step_item(
                    &mut p,
                    &ItemCounts {
                        nodes: &nodes,
                        n: &n,
                        r: &r,
                    },
                    model,
                    None,
                );
            }
            assert!((p.a1 - truth.a1).abs() < 1e-6, "{model:?} a1 {}", p.a1);
            assert!((p.d - truth.d).abs() < 1e-6, "{model:?} d {}", p.d);
            assert!((p.g - truth.g).abs() < 1e-6, "{model:?} g {}", p.g);
        }
    }
}
