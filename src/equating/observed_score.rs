//! IRT observed-score equating (Lord, 1980; Kolen & Brennan, 2004, sec. 6.6.2): each form's
//! summed-score distribution in a population is `f(x) = Σ_q w_q f(x | θ_q)`, with `f(x | θ)` from
//! the (generalised) Lord-Wingersky recursion and `w_q` the population's θ distribution on the
//! base scale. Population 1 takes the new form, population 2 the base form; the synthetic
//! population weighs them `w₁` and `1 − w₁`. The new form's scores are then equated to the base
//! form's by equipercentile equating of the two synthetic distributions.
//!
//! Both forms' parameters must be on one scale (the new form's linked to the base form's).

use crate::error::{Error, Result};
use crate::irt::item_fit::{category_tables, lord_wingersky_nodes};
use crate::irt::PolyItem;
use serde::Serialize;

/// A normal θ distribution on the base scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Population {
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
}

impl Population {
    /// The standard normal.
    pub const STANDARD: Population = Population { mean: 0.0, sd: 1.0 };
}

/// Options of [`observed_score_equating`].
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedScoreOptions {
    /// θ distribution of population 1 (the new form's examinees), on the base scale.
    pub pop1: Population,
    /// θ distribution of population 2 (the base form's examinees).
    pub pop2: Population,
    /// Weight `w₁` of population 1 in the synthetic population (population 2 gets `1 − w₁`).
    pub synthetic_weight: f64,
    /// Number of equally spaced θ points, from the lower of `mean − 4·sd` over both populations
    /// to the higher of `mean + 4·sd`.
    pub points: usize,
}

impl Default for ObservedScoreOptions {
    /// plink's defaults (`equate(method = "OSE")`): both populations standard normal, weighed
    /// ½ each, at 40 points on [−4, 4].
    fn default() -> Self {
        ObservedScoreOptions {
            pop1: Population::STANDARD,
            pop2: Population::STANDARD,
            synthetic_weight: 0.5,
            points: 40,
        }
    }
}

impl ObservedScoreOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// A non-finite mean, a standard deviation that is not positive, a synthetic weight outside
    /// [0, 1], fewer than 2 or more than 10,000 points.
    pub fn check(&self) -> Result<()> {
        for (name, p) in [("pop1", self.pop1), ("pop2", self.pop2)] {
            if !p.mean.is_finite() {
                return Err(Error::option(
                    &format!("{name}Mean"),
                    format!("the mean of {name} is {}", p.mean),
                    "Give a finite mean on the base scale (0 for the base group's own scale).",
                ));
            }
            if !(p.sd.is_finite() && p.sd > 0.0) {
                return Err(Error::option(
                    &format!("{name}Sd"),
                    format!("the standard deviation of {name} is {}", p.sd),
                    "Give a positive standard deviation (1 for the base group's own scale).",
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.synthetic_weight) {
            return Err(Error::option(
                "syntheticWeight",
                format!(
                    "the synthetic weight {} is not between 0 and 1",
                    self.synthetic_weight
                ),
                "Use 0.5 (plink's default), 1 for population 1 only or 0 for population 2 only.",
            ));
        }
        if !(2..=10_000).contains(&self.points) {
            return Err(Error::option(
                "populationPoints",
                format!("{} θ points", self.points),
                "Use between 2 and 10,000 points (40 is plink's default).",
            ));
        }
        Ok(())
    }

    /// The θ points and each population's normalised weights `∝ φ((θ − μ)/σ)`.
    fn grid(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let lo = (self.pop1.mean - 4.0 * self.pop1.sd).min(self.pop2.mean - 4.0 * self.pop2.sd);
        let hi = (self.pop1.mean + 4.0 * self.pop1.sd).max(self.pop2.mean + 4.0 * self.pop2.sd);
        let n = self.points;
        let theta: Vec<f64> = (0..n)
            .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
            .collect();
        let weights = |p: Population| {
            let w: Vec<f64> = theta
                .iter()
                .map(|t| {
                    let z = (t - p.mean) / p.sd;
                    (-0.5 * z * z).exp()
                })
                .collect();
            let s: f64 = w.iter().sum();
            w.into_iter().map(|x| x / s).collect::<Vec<_>>()
        };
        let (w1, w2) = (weights(self.pop1), weights(self.pop2));
        (theta, w1, w2)
    }
}

/// One form's summed-score distribution at one score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreProbability {
    /// Summed score (categories counted from 0).
    pub score: u32,
    /// Probability in population 1.
    pub pop1: f64,
    /// Probability in population 2.
    pub pop2: f64,
    /// Probability in the synthetic population.
    pub synthetic: f64,
}

/// One row of the conversion table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservedScoreRow {
    /// New-form summed score.
    pub score: u32,
    /// Base-form equivalent `e(x) = G⁻¹(P(x))` (continuized, Kolen & Brennan eq. 2.18).
    pub equivalent: f64,
    /// Percentile rank of the score in the new form's synthetic distribution,
    /// `100·[F(x − 1) + ½ f(x)]`.
    pub percentile_rank: f64,
    /// Posterior mean of θ given the score in population 1 (base scale); `None` when the score
    /// has probability 0 there (to machine precision).
    pub theta_eap: Option<f64>,
    /// Its posterior standard deviation (`None` as `theta_eap`).
    pub theta_sd: Option<f64>,
}

/// Mean, standard deviation, skewness and kurtosis of a score distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Moments {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (of the distribution, no N − 1).
    pub sd: f64,
    /// Skewness `μ₃/σ³` (`None` when the scores do not vary, or so little that it overflows).
    pub skewness: Option<f64>,
    /// Kurtosis `μ₄/σ⁴` (3 for a normal distribution; `None` as the skewness).
    pub kurtosis: Option<f64>,
}

impl Moments {
    /// Moments of the values `x_i` with probabilities `p_i` (summing to 1).
    fn of(values: impl Iterator<Item = (f64, f64)> + Clone) -> Moments {
        let mean: f64 = values.clone().map(|(x, p)| p * x).sum();
        let central = |k: i32| -> f64 { values.clone().map(|(x, p)| p * (x - mean).powi(k)).sum() };
        let var = central(2);
        let sd = var.sqrt();
        let defined = |v: f64| (var > 0.0 && v.is_finite()).then_some(v);
        let skewness = defined(central(3) / (var * sd));
        let kurtosis = defined(central(4) / (var * var));
        Moments {
            mean,
            sd,
            skewness,
            kurtosis,
        }
    }
}

/// The moments of the synthetic population's scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SyntheticMoments {
    /// New-form scores.
    pub new: Moments,
    /// New-form scores converted to the base form's (`e(x)` with the new form's probabilities).
    pub equated: Moments,
    /// Base-form scores.
    pub base: Moments,
}

/// The result of [`observed_score_equating`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservedScoreEquating {
    /// One row per new-form score 0..max.
    pub rows: Vec<ObservedScoreRow>,
    /// The new form's summed-score distributions.
    pub new_distribution: Vec<ScoreProbability>,
    /// The base form's.
    pub base_distribution: Vec<ScoreProbability>,
    /// Moments in the synthetic population.
    pub moments: SyntheticMoments,
    /// Population 1's θ distribution (new form's examinees).
    pub pop1: Population,
    /// Population 2's (base form's examinees).
    pub pop2: Population,
    /// Weight of population 1 in the synthetic population.
    pub synthetic_weight: f64,
    /// The θ points the distributions are summed over.
    pub theta_points: Vec<f64>,
    /// Population 1's normalised weights at them.
    pub pop1_weights: Vec<f64>,
    /// Population 2's.
    pub pop2_weights: Vec<f64>,
    /// How the lowest score is treated.
    pub note: String,
}

/// Summed-score likelihoods `f(x | θ_q)` of `items` at every point, `f[x·q + t]` (the
/// generalised Lord-Wingersky recursion).
fn score_likelihoods(items: &[PolyItem], theta: &[f64]) -> Vec<f64> {
    let refs: Vec<&PolyItem> = items.iter().collect();
    let tables = category_tables(&refs, theta);
    lord_wingersky_nodes(tables.iter().map(|t| t.as_slice()), theta.len())
}

/// Cumulative sums.
fn cumulative(f: &[f64]) -> Vec<f64> {
    f.iter()
        .scan(0.0, |s, &x| {
            *s += x;
            Some(*s)
        })
        .collect()
}

/// Equipercentile equivalent on a discrete distribution g with cumulative G of the proportion
/// `p` (Kolen & Brennan, 2004, eq. 2.18): `y_U` is the smallest score with `G(y_U) > p`, and
/// `e = (p − G(y_U − 1))/g(y_U) + y_U − ½`.
fn inverse_percentile(p: f64, g: &[f64], big_g: &[f64]) -> f64 {
    let yu = big_g
        .iter()
        .position(|&c| c > p)
        // p at (or by rounding above) the top: the highest score with probability.
        .unwrap_or_else(|| g.iter().rposition(|&x| x > 0.0).unwrap_or(g.len() - 1));
    let below = if yu == 0 { 0.0 } else { big_g[yu - 1] };
    ((p - below) / g[yu]).clamp(0.0, 1.0) + yu as f64 - 0.5
}

/// Observed-score equating of every new-form summed score to the base form (see the module
/// documentation). Scores count categories from 0.
///
/// # Errors
/// Unusable options.
pub fn observed_score_equating(
    new: &[PolyItem],
    base: &[PolyItem],
    options: &ObservedScoreOptions,
) -> Result<ObservedScoreEquating> {
    options.check()?;
    let (theta, w1, w2) = options.grid();
    for (name, w, p) in [("pop1", &w1, options.pop1), ("pop2", &w2, options.pop2)] {
        if !w.iter().all(|x| x.is_finite()) {
            // Every point is many SDs from the population's mean: the two populations lie far
            // apart and this one is narrow, so the grid steps over it.
            return Err(Error::option(
                &format!("{name}Sd"),
                format!("the θ grid of {} points from {:.3} to {:.3} has no point near {name}'s distribution N({}, {}²)", options.points, theta[0], theta[theta.len() - 1], p.mean, p.sd),
                "Give populations on a similar scale, a larger SD, or more θ points (populationPoints).",
            ));
        }
    }
    let s = options.synthetic_weight;
    let q = theta.len();
    // Each form's distribution in both populations, `Σ_q w_q f(x | θ_q)`, and its synthetic mix.
    let table = |lw: &[f64]| -> Vec<ScoreProbability> {
        lw.chunks(q)
            .enumerate()
            .map(|(x, fx)| {
                let p1: f64 = fx.iter().zip(&w1).map(|(a, b)| a * b).sum();
                let p2: f64 = fx.iter().zip(&w2).map(|(a, b)| a * b).sum();
                ScoreProbability {
                    score: x as u32,
                    pop1: p1,
                    pop2: p2,
                    synthetic: s * p1 + (1.0 - s) * p2,
                }
            })
            .collect()
    };
    // The new form's likelihoods also give θ's posterior per score in population 1.
    let lw = score_likelihoods(new, &theta);
    let new_distribution = table(&lw);
    let base_distribution = table(&score_likelihoods(base, &theta));
    let f: Vec<f64> = new_distribution.iter().map(|d| d.synthetic).collect();
    let g: Vec<f64> = base_distribution.iter().map(|d| d.synthetic).collect();
    let (big_f, big_g) = (cumulative(&f), cumulative(&g));

    let rows: Vec<ObservedScoreRow> = (0..f.len())
        .map(|x| {
            let p = if x == 0 { 0.0 } else { big_f[x - 1] } + 0.5 * f[x];
            let fx = &lw[x * q..(x + 1) * q];
            let (mut m0, mut m1, mut m2) = (0.0, 0.0, 0.0);
            for t in 0..q {
                let w = w1[t] * fx[t];
                m0 += w;
                m1 += w * theta[t];
                m2 += w * theta[t] * theta[t];
            }
            let eap = (m0 > 0.0).then(|| m1 / m0);
            ObservedScoreRow {
                score: x as u32,
                equivalent: inverse_percentile(p, &g, &big_g),
                percentile_rank: 100.0 * p,
                theta_eap: eap,
                theta_sd: eap.map(|e| (m2 / m0 - e * e).max(0.0).sqrt()),
            }
        })
        .collect();
    let moments = SyntheticMoments {
        new: Moments::of(f.iter().enumerate().map(|(x, &p)| (x as f64, p))),
        equated: Moments::of(rows.iter().zip(&f).map(|(r, &p)| (r.equivalent, p))),
        base: Moments::of(g.iter().enumerate().map(|(y, &p)| (y as f64, p))),
    };
    Ok(ObservedScoreEquating {
        rows,
        new_distribution,
        base_distribution,
        moments,
        pop1: options.pop1,
        pop2: options.pop2,
        synthetic_weight: s,
        theta_points: theta,
        pop1_weights: w1,
        pop2_weights: w2,
        note: "Equivalents follow Kolen & Brennan's (2004) continuized equipercentile definition at every score, 0 included (plink sets the equivalent of 0 to 0).".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::ItemModel;

    /// A 3PL item with IRT-metric a, b, c and D = 1.7.
    fn item(a: f64, b: f64, c: f64) -> PolyItem {
        PolyItem {
            model: ItemModel::ThreePl,
            a1: 1.7 * a,
            d: vec![-1.7 * a * b],
            g: c,
            u: 1.0,
        }
    }

    #[test]
    fn a_form_equated_to_itself_is_the_identity() {
        let form: Vec<PolyItem> = (0..12)
            .map(|j| item(1.0 + 0.1 * j as f64, -1.5 + 0.25 * j as f64, 0.15))
            .collect();
        let r = observed_score_equating(&form, &form, &ObservedScoreOptions::default()).unwrap();
        for row in &r.rows {
            assert!(
                (row.equivalent - f64::from(row.score)).abs() < 1e-12,
                "{row:?}"
            );
        }
        let total: f64 = r.new_distribution.iter().map(|d| d.synthetic).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_options_are_refused() {
        let form = vec![item(1.0, 0.0, 0.0)];
        for o in [
            ObservedScoreOptions {
                synthetic_weight: 1.5,
                ..Default::default()
            },
            ObservedScoreOptions {
                points: 1,
                ..Default::default()
            },
            ObservedScoreOptions {
                pop2: Population { mean: 0.0, sd: 0.0 },
                ..Default::default()
            },
        ] {
            assert!(observed_score_equating(&form, &form, &o).is_err());
        }
    }
}
