//! The observed information matrix of the logistic models without asymptotes (Rasch, 1PL, 2PL)
//! in closed form, by Louis' (1982) identity, from one pass over the response patterns.
//!
//! For pattern p with count c_p, posterior weights w_pq at nodes θ_q, and the complete-data
//! score of item j at node q, `s_pqj = a_pj (u_pj − P_jq) x_q` with `x_q = (θ_q, 1)` for the
//! item's (slope, intercept) and a_pj = 1 if the item was answered,
//!
//! `I = Σ_p c_p [E_p(−∂² log f) − E_p(s s') + S_p S_p']`, with `S_p = E_p(s)`,
//!
//! where E_p is the posterior expectation. The first term is block diagonal,
//! `Σ_q n_jq P_jq Q_jq x_q x_q'`. Expanding `E_p(s_j s_l')` gives, for the moments
//! `x x' ↔ θ^m` (m = 2, 1, 0 for slope-slope, slope-intercept, intercept-intercept):
//!
//! `Σ_p c_p E_p(s_j s_l')^(m) = U^(m)_jl − V^(m)_jl − V^(m)_lj + W^(m)_jl`, accumulated as
//! `D + D'` with `D = U/2 − V`, where
//! - `U^(m)_jl = Σ_p c_p u_pj u_pl E_p(θ^m)`,
//! - `V^(m)_jl = Σ_p c_p u_pj a_pl E_p(P_l θ^m)`,
//! - `W^(m)_jl = Σ_q θ_q^m P_jq P_lq A_jlq`, where `A_jlq = Σ_p c_p w_pq a_pj a_pl` is the
//!   expected number answering both items at node q: `N_q − M_jq − M_lq + MM_jlq` with the
//!   missing masses M and the mass MM missing both (`n_jq` when j = l).
//!
//! Per pattern this costs the posterior moments, one dot product per answered item and moment,
//! and updates over the pairs of items answered 1, (1, answered), the pairs of missing items,
//! and the rank-one S S' update: no perturbed E-steps. It is the same matrix that differentiating
//! the gradient gives (tested against it), which is what Oakes' identity computes.

use super::binary_em::BinaryEm;
use super::estep::CHUNKS;
use crate::data::MISSING;
use crate::vecmath;

/// Observed information in the parameter order of [`BinaryEm::internal_parameters`]: per item
/// (a1, d) for the 2PL, or (a, d_1..d_J) for the common-slope models. Only for models without
/// asymptotes (the caller checks).
pub fn logistic_observed_information(em: &mut BinaryEm<'_>) -> Vec<f64> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, checked just above.
        return unsafe { information_avx2(em) };
    }
    information(em)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn information_avx2(em: &mut BinaryEm<'_>) -> Vec<f64> {
    information(em)
}

/// One chunk's share of the sums over patterns (see the module documentation), with its
/// scratch rows.
struct Sums {
    /// D^(m), m = 0, 1, 2: k x k each.
    d: Vec<f64>,
    /// Σ_p c_p S_p S_p', upper triangle, np x np.
    ss: Vec<f64>,
    /// Expected counts: all examinees per node, and those missing each item (k x q).
    n_total: Vec<f64>,
    mass: Vec<f64>,
    /// Mass missing both items j and l at each node (k x k x q), only with missing responses.
    mm: Vec<f64>,
    z: Vec<f64>,
    t: Vec<f64>,
    s: Vec<f64>,
    ones: Vec<usize>,
    missing: Vec<usize>,
}

impl Sums {
    fn zeros(k: usize, q: usize, any_missing: bool) -> Sums {
        let np = 2 * k;
        Sums {
            d: vec![0.0; 3 * k * k],
            ss: vec![0.0; np * np],
            n_total: vec![0.0; q],
            mass: vec![0.0; k * q],
            mm: if any_missing {
                vec![0.0; k * k * q]
            } else {
                Vec::new()
            },
            z: vec![0.0; 3 * k],
            t: vec![0.0; 3 * k],
            s: vec![0.0; np],
            ones: Vec::with_capacity(k),
            missing: Vec::with_capacity(k),
        }
    }

    /// Bytes of the sums of `k` items at `q` nodes (what each chunk holds).
    fn bytes(k: usize, q: usize, any_missing: bool) -> usize {
        let mm = if any_missing { k * k * q } else { 0 };
        8 * (3 * k * k + 4 * k * k + q + k * q + mm)
    }

    fn add(&mut self, other: &Sums) {
        vecmath::add_in_place(&mut self.d, &other.d);
        vecmath::add_in_place(&mut self.ss, &other.ss);
        vecmath::add_in_place(&mut self.n_total, &other.n_total);
        vecmath::add_in_place(&mut self.mass, &other.mass);
        vecmath::add_in_place(&mut self.mm, &other.mm);
    }
}

/// Largest memory the per-chunk sums may take together; above it, fewer chunks (so fewer
/// threads) are used. The number of chunks depends only on the data's size, never on the
/// threads, so the result is the same on any machine.
const SUMS_MEMORY_BYTES: usize = 256 << 20;

#[inline(always)]
fn information(em: &mut BinaryEm<'_>) -> Vec<f64> {
    let k = em.items.len();
    let q = em.nodes.len();
    let nodes = em.nodes.clone();
    let patterns = em.patterns;
    // P_jq θ_q^m, rows (j, m).
    let mut pt = vec![0.0; k * 3 * q];
    for (j, item) in em.items.iter().enumerate() {
        for (i, &t) in nodes.iter().enumerate() {
            let p = item.prob(t);
            pt[(3 * j) * q + i] = p;
            pt[(3 * j + 1) * q + i] = p * t;
            pt[(3 * j + 2) * q + i] = p * t * t;
        }
    }
    let np = 2 * k;
    let any_missing = patterns.codes.contains(&MISSING);
    let theta_m: [Vec<f64>; 2] = [
        nodes.clone(),
        nodes.iter().map(|t| t * t).collect::<Vec<_>>(),
    ];
    let chunks = (SUMS_MEMORY_BYTES / Sums::bytes(k, q, any_missing)).clamp(1, CHUNKS);
    let parts = em.fold_posterior_chunks(
        chunks,
        || Sums::zeros(k, q, any_missing),
        #[inline(always)]
        |acc, p, lo, w| {
            let Sums {
                d,
                ss,
                n_total,
                mass,
                mm,
                z,
                t,
                s,
                ones,
                missing,
            } = acc;
            let c = patterns.counts[p];
            let codes = patterns.pattern(p);
            let hi = lo + w.len();
            let moments = [
                1.0,
                vecmath::dot(w, &theta_m[0][lo..hi]),
                vecmath::dot(w, &theta_m[1][lo..hi]),
            ];
            ones.clear();
            missing.clear();
            n_total[lo..hi]
                .iter_mut()
                .zip(w)
                .for_each(|(n, x)| *n += c * x);
            for (j, &code) in codes.iter().enumerate() {
                if code == MISSING {
                    missing.push(j);
                    mass[j * q + lo..j * q + hi]
                        .iter_mut()
                        .zip(w)
                        .for_each(|(n, x)| *n += c * x);
                    for m in 0..3 {
                        t[m * k + j] = 0.0;
                    }
                    s[2 * j] = 0.0;
                    s[2 * j + 1] = 0.0;
                    continue;
                }
                for m in 0..3 {
                    t[m * k + j] = vecmath::dot(w, &pt[(3 * j + m) * q + lo..][..w.len()]);
                }
                let uj = (code == 1) as u8 as f64;
                if code == 1 {
                    ones.push(j);
                }
                s[2 * j] = uj * moments[1] - t[k + j];
                s[2 * j + 1] = uj - t[j];
            }
            // D^(m) = U^(m)/2 − V^(m), so that D + D' = U − V − V' (U is symmetric): for each
            // item j answered 1, row j gains c (E_p(θ^m) u/2 − T^(m)).
            for m in 0..3 {
                let z = &mut z[m * k..(m + 1) * k];
                let tm = &t[m * k..(m + 1) * k];
                let half = 0.5 * c * moments[m];
                for (l, (zl, tl)) in z.iter_mut().zip(tm).enumerate() {
                    *zl = half * (codes[l] == 1) as u8 as f64 - c * tl;
                }
                let dm = &mut d[m * k * k..(m + 1) * k * k];
                for &j in ones.iter() {
                    vecmath::add_in_place(&mut dm[j * k..(j + 1) * k], z);
                }
            }
            for i in 0..np {
                let ci = c * s[i];
                if ci != 0.0 {
                    let row = &mut ss[i * np + i..(i + 1) * np];
                    row.iter_mut().zip(&s[i..]).for_each(|(r, x)| *r += ci * x);
                }
            }
            for &j in missing.iter() {
                for &l in missing.iter() {
                    let row = &mut mm[(j * k + l) * q + lo..][..w.len()];
                    row.iter_mut().zip(w).for_each(|(r, x)| *r += c * x);
                }
            }
        },
    );
    let mut parts = parts.into_iter();
    let mut sums = parts
        .next()
        .unwrap_or_else(|| Sums::zeros(k, q, any_missing));
    parts.for_each(|part| sums.add(&part));
    let Sums {
        d,
        ss,
        n_total,
        mass,
        mm,
        ..
    } = sums;
    let mut info = vec![0.0; np * np];
    let moment_of = [[2usize, 1], [1, 0]];
    for j in 0..k {
        for l in j..k {
            // W^(m)_jl and, for j = l, the complete-data term.
            let mut wm = [0.0; 3];
            let mut complete = [0.0; 3];
            for i in 0..q {
                let (pj, pl) = (pt[3 * j * q + i], pt[3 * l * q + i]);
                let both = if j == l {
                    n_total[i] - mass[j * q + i]
                } else {
                    let mut a = n_total[i] - mass[j * q + i] - mass[l * q + i];
                    if any_missing {
                        a += mm[(j * k + l) * q + i];
                    }
                    a
                };
                let x = pj * pl * both;
                let th = nodes[i];
                wm[0] += x;
                wm[1] += x * th;
                wm[2] += x * th * th;
                if j == l {
                    let y = both * pj * (1.0 - pj);
                    complete[0] += y;
                    complete[1] += y * th;
                    complete[2] += y * th * th;
                }
            }
            for (a, row) in moment_of.iter().enumerate() {
                for (b, &m) in row.iter().enumerate() {
                    let e = d[m * k * k + j * k + l] + d[m * k * k + l * k + j] + wm[m];
                    let (r, col) = (2 * j + a, 2 * l + b);
                    let cross = if r <= col {
                        ss[r * np + col]
                    } else {
                        ss[col * np + r]
                    };
                    let value = complete[m] - e + cross;
                    info[r * np + col] = value;
                    info[col * np + r] = value;
                }
            }
        }
    }
    if !em.model.common_slope() {
        return info;
    }
    // Common slope a shared by all items: I' = Jᵀ I J with ∂a1_j/∂a = 1.
    let n = k + 1;
    let mut reduced = vec![0.0; n * n];
    for j in 0..k {
        for l in 0..k {
            reduced[0] += info[(2 * j) * np + 2 * l];
            reduced[l + 1] += info[(2 * j) * np + 2 * l + 1];
            reduced[(j + 1) * n + l + 1] = info[(2 * j + 1) * np + 2 * l + 1];
        }
    }
    for l in 0..k {
        reduced[(l + 1) * n] = reduced[l + 1];
    }
    reduced
}

/// A model whose marginal log-likelihood gradient can be evaluated at any parameters: what
/// [`observed_information_by_differences`] needs.
pub trait ScoreFunction {
    /// The free parameters on the scale the standard errors use.
    fn internal_parameters(&self) -> Vec<f64>;
    /// Sets them (without checks).
    fn set_internal_parameters(&mut self, v: &[f64]);
    /// Runs the E-step at the current parameters, so that [`Self::gradient`] is current.
    fn refresh(&mut self);
    /// Gradient of the marginal log-likelihood at the parameters of the last E-step, by
    /// Fisher's identity (the gradient of the expected complete-data log-likelihood).
    fn gradient(&self) -> Vec<f64>;
}

/// The observed information matrix (negative Hessian of the marginal log-likelihood) in the
/// internal parameterisation, by central differences of the analytic gradient with steps
/// `h = 1e-4 · max(1, |β|)`, symmetrised: 2·npar E-steps. Leaves the parameters and expected
/// counts as they were.
pub fn observed_information_by_differences(m: &mut dyn ScoreFunction) -> Vec<f64> {
    let base = m.internal_parameters();
    let n = base.len();
    let mut info = vec![0.0; n * n];
    for i in 0..n {
        let h = 1e-4 * base[i].abs().max(1.0);
        let mut v = base.clone();
        v[i] = base[i] + h;
        m.set_internal_parameters(&v);
        m.refresh();
        let gp = m.gradient();
        v[i] = base[i] - h;
        m.set_internal_parameters(&v);
        m.refresh();
        let gm = m.gradient();
        for k in 0..n {
            info[k * n + i] = -(gp[k] - gm[k]) / (2.0 * h);
        }
    }
    for i in 0..n {
        for k in 0..i {
            let v = 0.5 * (info[i * n + k] + info[k * n + i]);
            info[i * n + k] = v;
            info[k * n + i] = v;
        }
    }
    m.set_internal_parameters(&base);
    m.refresh();
    info
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::dichotomous::{DichotomousModel, ItemParams};
    use crate::irt::patterns::Patterns;
    use crate::irt::quadrature::Quadrature;
    use crate::irt::test_data::simulated;

    /// The closed form equals the numerical Hessian of the marginal log-likelihood (central
    /// differences of its analytic gradient), at parameters that are not the maximum, with and
    /// without missing responses, for the 2PL and the common-slope parameterisation.
    #[test]
    fn closed_form_equals_differentiated_gradient() {
        for (missing_every, model) in [
            (0, DichotomousModel::TwoPl),
            (7, DichotomousModel::TwoPl),
            (0, DichotomousModel::OnePl),
            (5, DichotomousModel::Rasch),
        ] {
            let data = simulated(400, 6, missing_every);
            let patterns = Patterns::new(&data);
            let quad = Quadrature::rectangular(41, 5.0).unwrap();
            let items: Vec<ItemParams> = (0..6)
                .map(|j| ItemParams {
                    a1: if model.common_slope() {
                        1.1
                    } else {
                        0.7 + 0.1 * j as f64
                    },
                    d: 0.3 - 0.2 * j as f64,
                    g: 0.0,
                    u: 1.0,
                })
                .collect();
            let mut em = BinaryEm::new(
                &patterns,
                model,
                quad.nodes.clone(),
                quad.weights.clone(),
                items,
                None,
            );
            crate::em::EmProblem::e_step(&mut em);
            let numeric = observed_information_by_differences(&mut em);
            let closed = logistic_observed_information(&mut em);
            assert_eq!(numeric.len(), closed.len());
            let scale = numeric.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            for (i, (a, b)) in numeric.iter().zip(&closed).enumerate() {
                assert!(
                    (a - b).abs() < 1e-6 * scale,
                    "{model:?}, missing every {missing_every}: entry {i}: numeric {a}, closed form {b}"
                );
            }
        }
    }
}
