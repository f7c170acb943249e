//! The pattern row of an E-step, shared by the dichotomous engine ([`super::binary_em`]) and the
//! general one ([`super::item_em`]): a pattern's log-likelihood over the nodes is a base row plus
//! and minus rows of an (items x nodes) table; its posterior weights are formed over the window
//! of nodes that carries the posterior.

use crate::vecmath;

/// Patterns are processed in blocks of this many: first the posterior weights of the whole block
/// (reading the item table), then their sums into the accumulators, so that each of the two
/// tables stays in the processor's first-level cache while it is used.
pub const BLOCK: usize = 16;

/// The E-step splits the patterns into this many chunks (fewer when there are fewer patterns);
/// natively they run on rayon's threads.
pub const CHUNKS: usize = 16;

/// Posterior weights below e^−CUT of a pattern's largest are not formed.
pub const CUT: f64 = 30.0;

/// A pattern's window of nodes `[lo, hi)` from the last E-step; `[0, 0]` before the first.
pub type Window = [u32; 2];

/// What [`posterior_row`] found.
pub struct Row {
    /// First node of the window.
    pub lo: usize,
    /// One past its last node.
    pub hi: usize,
    /// Sum of the unnormalised weights `w[lo..hi]`.
    pub sum: f64,
    /// The pattern's log-likelihood (with the log prior in the base row: its log marginal
    /// probability).
    pub loglik: f64,
    /// Whether the hint bounded the row (`None` when no hint was tried); the unit tests count it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub hint_held: Option<bool>,
}

/// A pattern's posterior over the nodes, unnormalised: fills `w[lo..hi]` with
/// `exp(base_q + Σ_{r ∈ add} table_rq − Σ_{r ∈ sub} table_rq − max)` over the window of nodes
/// within e^−CUT of the largest (widened to whole chunks of 4; weights outside it are below
/// 1e-13 of the largest and treated as 0). `base` holds `log π_q` plus whatever the pattern
/// starts from; rows have `stride` values, a multiple of [`vecmath::LANES`].
///
/// `hint` is the pattern's window from the previous E-step. When the log-posterior is concave
/// in θ (`log_concave`: models without asymptotes under a normal prior; `log σ(aθ + d)`, the
/// log of a graded category probability and the log of a softmax of linear functions are all
/// concave), the row is first summed only over the hint widened by 4 nodes each side (to whole
/// chunks of 8): if both ends of that range lie below `max − CUT`, concavity puts every node
/// outside it lower still, so the window lies inside and the result is exactly that of the
/// full row. Otherwise the full row is summed.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn posterior_row(
    w: &mut [f64],
    base: &[f64],
    table: &[f64],
    stride: usize,
    add: &[u32],
    sub: &[u32],
    hint: Window,
    log_concave: bool,
) -> Row {
    let s = stride;
    let mut range = None;
    let mut hint_held = None;
    if log_concave && hint[1] > hint[0] {
        let a = (hint[0] as usize).saturating_sub(4) / vecmath::LANES * vecmath::LANES;
        let b = (hint[1] as usize + 4)
            .next_multiple_of(vecmath::LANES)
            .min(s);
        vecmath::sum_rows(&mut w[a..b], &base[a..b], &table[a..], s, add, sub);
        let max = vecmath::max(&w[a..b]);
        if (a == 0 || w[a] - max <= -CUT) && (b == s || w[b - 1] - max <= -CUT) {
            range = Some((a, b, max));
        }
        hint_held = Some(range.is_some());
    }
    let (a, b, max) = range.unwrap_or_else(|| {
        vecmath::sum_rows(&mut w[..s], base, table, s, add, sub);
        (0, s, vecmath::max(&w[..s]))
    });
    let row = &w[a..b];
    let lo = (a + row.iter().position(|&v| v - max > -CUT).unwrap_or(0)) / 4 * 4;
    let hi = (b - row.iter().rev().position(|&v| v - max > -CUT).unwrap_or(0))
        .next_multiple_of(4)
        .min(s);
    let w = &mut w[lo..hi];
    vecmath::exp_shifted(w, max);
    let sum = vecmath::sum(w);
    Row {
        lo,
        hi,
        sum,
        loglik: max + sum.ln(),
        hint_held,
    }
}
