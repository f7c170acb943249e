//! The EM driver shared by IRT and CDM calibration.
//!
//! A problem supplies an E-step (which also returns the log-likelihood of the current
//! parameters), an M-step, and its free parameters as a flat vector. The driver iterates, applies
//! SQUAREM acceleration (Varadhan & Roland, 2008, scheme S3) when asked, reports progress to an
//! observer after each iteration, stops when the observer asks to cancel, and returns why it
//! stopped with the last change and the log-likelihood trace. Convergence is the largest absolute
//! change of any parameter (or of the quantities the problem monitors) between two iterations
//! falling below the tolerance.

use serde::Serialize;

/// A model fitted by EM.
pub trait EmProblem {
    /// E-step at the current parameters; returns their marginal log-likelihood.
    fn e_step(&mut self) -> f64;
    /// M-step from the expected counts of the last E-step.
    fn m_step(&mut self);
    /// The free parameters, flattened.
    fn parameters(&self) -> Vec<f64>;
    /// Sets the free parameters (an extrapolated point); returns false if it is not admissible,
    /// in which case the problem keeps its previous parameters.
    fn set_parameters(&mut self, params: &[f64]) -> bool;
    /// The quantities whose largest change decides convergence (by default the free
    /// parameters; a model estimated on another scale may monitor its natural quantities).
    fn monitored(&self) -> Vec<f64> {
        self.parameters()
    }
}

/// Acceleration of the EM iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Acceleration {
    /// Plain EM.
    None,
    /// SQUAREM (Varadhan & Roland, 2008): two EM steps, a squared extrapolation, and a
    /// stabilising EM step; the extrapolation is dropped when it lowers the log-likelihood.
    #[default]
    Squarem,
}

/// Options of the driver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmOptions {
    /// Largest absolute parameter change that counts as converged.
    pub tolerance: f64,
    /// Maximum number of EM iterations (an extrapolation cycle counts its EM steps).
    pub max_iterations: usize,
    /// Acceleration scheme.
    pub acceleration: Acceleration,
}

/// Why the iterations stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The largest parameter change fell below the tolerance.
    Converged,
    /// The iteration limit was reached first.
    IterationLimit,
    /// The observer asked to stop.
    Cancelled,
}

/// What the observer sees after each iteration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    /// EM iterations so far.
    pub iteration: usize,
    /// Largest absolute parameter change of the last iteration.
    pub change: f64,
    /// Log-likelihood at the parameters the last E-step used.
    pub loglik: f64,
}

/// The observer's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop now (the result reports `Cancelled`).
    Cancel,
}

/// How the iterations went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmReport {
    /// Why they stopped.
    pub stop_reason: StopReason,
    /// Whether the stop reason is convergence.
    pub converged: bool,
    /// EM iterations done.
    pub iterations: usize,
    /// Largest absolute parameter change of the last iteration.
    pub last_change: f64,
    /// Log-likelihood after each E-step (non-decreasing up to rounding when EM behaves).
    pub loglik_trace: Vec<f64>,
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Runs EM on `problem` from its current parameters. After the call the problem holds the final
/// parameters, and (unless cancelled) its last E-step was run at them, so its expected counts
/// and log-likelihood are current.
pub fn run_em(
    problem: &mut dyn EmProblem,
    options: &EmOptions,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> EmReport {
    let mut trace = Vec::new();
    let mut iterations = 0;
    let mut change = f64::INFINITY;
    let mut stop = StopReason::IterationLimit;
    while iterations < options.max_iterations {
        // One plain EM step: E at the current parameters (its log-likelihood is traced), then M.
        let before = problem.parameters();
        let watched = problem.monitored();
        trace.push(problem.e_step());
        problem.m_step();
        iterations += 1;
        let p1 = problem.parameters();
        let watched1 = problem.monitored();
        change = max_abs_diff(&watched, &watched1);
        if options.acceleration == Acceleration::Squarem
            && change >= options.tolerance
            && iterations + 2 <= options.max_iterations
        {
            change = squarem_cycle(
                problem,
                &before,
                &p1,
                &watched1,
                &mut trace,
                &mut iterations,
            );
        }
        let progress = Progress {
            iteration: iterations,
            change,
            loglik: *trace.last().unwrap_or(&f64::NAN),
        };
        if observer(&progress) == Control::Cancel {
            stop = StopReason::Cancelled;
            break;
        }
        if change < options.tolerance {
            stop = StopReason::Converged;
            break;
        }
    }
    if stop != StopReason::Cancelled {
        trace.push(problem.e_step());
    }
    EmReport {
        stop_reason: stop,
        converged: stop == StopReason::Converged,
        iterations,
        last_change: change,
        loglik_trace: trace,
    }
}

/// The rest of a SQUAREM cycle after the first EM step `p0 → p1`: a second EM step `p1 → p2`,
/// the extrapolation `p0 − 2αr + α²v` (r = p1 − p0, v = p2 − p1 − r, α = min(−‖r‖/‖v‖, −1)) and a
/// stabilising EM step from it, kept only if the log-likelihood at the extrapolated point is not
/// below the one at p1. Returns the largest change of the monitored quantities (`watched1` at
/// p1) in the last EM step taken.
fn squarem_cycle(
    problem: &mut dyn EmProblem,
    p0: &[f64],
    p1: &[f64],
    watched1: &[f64],
    trace: &mut Vec<f64>,
    iterations: &mut usize,
) -> f64 {
    let ll1 = problem.e_step();
    trace.push(ll1);
    problem.m_step();
    *iterations += 1;
    let p2 = problem.parameters();
    let plain_change = max_abs_diff(watched1, &problem.monitored());
    let r: Vec<f64> = p1.iter().zip(p0).map(|(a, b)| a - b).collect();
    let v: Vec<f64> = p2
        .iter()
        .zip(p1)
        .zip(&r)
        .map(|((a, b), r)| a - b - r)
        .collect();
    let rn = r.iter().map(|x| x * x).sum::<f64>().sqrt();
    let vn = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if !(vn > 0.0 && rn.is_finite() && vn.is_finite()) {
        return plain_change;
    }
    let alpha = (-rn / vn).min(-1.0);
    let x: Vec<f64> = p0
        .iter()
        .zip(&r)
        .zip(&v)
        .map(|((p, r), v)| p - 2.0 * alpha * r + alpha * alpha * v)
        .collect();
    if !x.iter().all(|t| t.is_finite()) || !problem.set_parameters(&x) {
        problem.set_parameters(&p2);
        return plain_change;
    }
    let ll_x = problem.e_step();
    if !(ll_x.is_finite() && ll_x >= ll1 - 1e-9 * ll1.abs().max(1.0)) {
        problem.set_parameters(&p2);
        return plain_change;
    }
    let watched_x = problem.monitored();
    trace.push(ll_x);
    problem.m_step();
    *iterations += 1;
    max_abs_diff(&watched_x, &problem.monitored())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// EM for the mean of a two-component normal mixture with known weights and variances: a
    /// classic slowly converging EM, to check the driver's bookkeeping and the acceleration.
    struct Mixture {
        x: Vec<f64>,
        mu: [f64; 2],
        resp: Vec<f64>,
    }

    impl EmProblem for Mixture {
        fn e_step(&mut self) -> f64 {
            let mut ll = 0.0;
            self.resp.clear();
            for &x in &self.x {
                let a = 0.5 * (-0.5 * (x - self.mu[0]).powi(2)).exp();
                let b = 0.5 * (-0.5 * (x - self.mu[1]).powi(2)).exp();
                self.resp.push(a / (a + b));
                ll += (a + b).ln();
            }
            ll
        }
        fn m_step(&mut self) {
            let (mut s0, mut w0, mut s1, mut w1) = (0.0, 0.0, 0.0, 0.0);
            for (&x, &r) in self.x.iter().zip(&self.resp) {
                s0 += r * x;
                w0 += r;
                s1 += (1.0 - r) * x;
                w1 += 1.0 - r;
            }
            self.mu = [s0 / w0, s1 / w1];
        }
        fn parameters(&self) -> Vec<f64> {
            self.mu.to_vec()
        }
        fn set_parameters(&mut self, p: &[f64]) -> bool {
            self.mu = [p[0], p[1]];
            true
        }
    }

    fn data() -> Vec<f64> {
        (0..400)
            .map(|i| if i % 2 == 0 { -1.0 } else { 1.2 } + ((i * 37 % 100) as f64 / 50.0 - 1.0))
            .collect()
    }

    #[test]
    fn plain_and_accelerated_em_reach_the_same_maximum() {
        let run = |acceleration| {
            let mut m = Mixture {
                x: data(),
                mu: [-0.1, 0.1],
                resp: vec![],
            };
            let opts = EmOptions {
                tolerance: 1e-8,
                max_iterations: 5000,
                acceleration,
            };
            let rep = run_em(&mut m, &opts, &mut |_| Control::Continue);
            (m.mu, rep)
        };
        let (mu_plain, plain) = run(Acceleration::None);
        let (mu_fast, fast) = run(Acceleration::Squarem);
        assert!(plain.converged && fast.converged);
        assert!((mu_plain[0] - mu_fast[0]).abs() < 1e-5 && (mu_plain[1] - mu_fast[1]).abs() < 1e-5);
        assert!(
            fast.iterations < plain.iterations,
            "{} vs {}",
            fast.iterations,
            plain.iterations
        );
        // EM never lowers the log-likelihood (plain EM's trace).
        assert!(plain.loglik_trace.windows(2).all(|w| w[1] >= w[0] - 1e-9));
    }

    #[test]
    fn iteration_limit_and_cancel_are_reported() {
        let mut m = Mixture {
            x: data(),
            mu: [-0.1, 0.1],
            resp: vec![],
        };
        let opts = EmOptions {
            tolerance: 1e-12,
            max_iterations: 3,
            acceleration: Acceleration::None,
        };
        let rep = run_em(&mut m, &opts, &mut |_| Control::Continue);
        assert_eq!(
            (rep.stop_reason, rep.iterations, rep.converged),
            (StopReason::IterationLimit, 3, false)
        );
        let mut m = Mixture {
            x: data(),
            mu: [-0.1, 0.1],
            resp: vec![],
        };
        let opts = EmOptions {
            tolerance: 1e-12,
            max_iterations: 100,
            acceleration: Acceleration::Squarem,
        };
        let mut seen = 0;
        let rep = run_em(&mut m, &opts, &mut |p| {
            seen = p.iteration;
            if p.iteration >= 4 {
                Control::Cancel
            } else {
                Control::Continue
            }
        });
        assert_eq!(rep.stop_reason, StopReason::Cancelled);
        assert!(seen >= 4);
    }
}
