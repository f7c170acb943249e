//! Attribute profiles of examinees from known item parameters and class proportions (the Skill
//! Profiler): each examinee's posterior over the 2^K classes,
//! `P(α_c | x) ∝ π_c Π_j P_jc^{x_j} (1 − P_jc)^{1 − x_j}` (missing responses left out), and from
//! it the classifications GDINA's `personparm` reports:
//!
//! - EAP: attribute k mastered when its marginal posterior probability `P(α_k = 1 | x)` is at
//!   least 0.5;
//! - MAP: the class of largest posterior probability;
//! - MLE: the class of largest likelihood (the posterior with equal class proportions).
//!
//! Ties (likelihood-equivalent classes, common with DINA and DINO) go to the first class in
//! GDINA's order, as R's `which.max` does, and are flagged.

use super::estimation::CdmEm;
use super::{AttributeDistribution, CdmModel};
use crate::irt::patterns::Patterns;
use serde::Serialize;

/// One examinee's profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonProfile {
    /// The examinee's data row (1 = the first row under the header).
    pub row: usize,
    /// Marginal posterior probability of mastering each attribute.
    pub mastery: Vec<f64>,
    /// EAP profile: 1 where `mastery` ≥ 0.5.
    pub eap: Vec<u8>,
    /// MAP profile.
    pub map: Vec<u8>,
    /// Posterior probability of the MAP class.
    pub map_posterior: f64,
    /// Whether another class has the same posterior probability.
    pub map_ties: bool,
    /// MLE profile.
    pub mle: Vec<u8>,
    /// Whether another class has the same likelihood.
    pub mle_ties: bool,
}

/// Relative difference under which two posterior probabilities count as tied.
const TIE: f64 = 1e-12;

/// The first maximum of `v` and whether another element ties with it.
fn first_max(v: &[f64]) -> (usize, bool) {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    let top = v[best];
    let ties = v
        .iter()
        .enumerate()
        .any(|(i, &x)| i != best && (top - x).abs() <= TIE * top.abs());
    (best, ties)
}

/// The profiles of every examinee of `patterns` (in row order), for items requiring
/// `required` attributes with success probabilities `probs` (per item, its reduced patterns in
/// GDINA's order) and class proportions `pi` over `classes` (GDINA's order).
pub fn classify(
    patterns: &Patterns,
    classes: &[u32],
    n_attributes: usize,
    required: &[Vec<usize>],
    probs: &[Vec<f64>],
    pi: &[f64],
) -> Vec<PersonProfile> {
    let c = classes.len();
    let k = n_attributes;
    let make = |pi: Vec<f64>| {
        CdmEm::new(
            &patterns.codes,
            &patterns.counts,
            patterns.n_items,
            classes,
            k,
            required,
            CdmModel::Gdina,
            AttributeDistribution::Saturated,
            (0.0, 1.0),
            probs.to_vec(),
            pi,
        )
    };
    let with_prior = make(pi.to_vec());
    let flat = make(vec![1.0 / c as f64; c]);
    let (t_prior, t_flat) = (with_prior.tables(), flat.tables());
    let mut post = vec![0.0; with_prior.stride];
    let mut lik = vec![0.0; flat.stride];
    let bits =
        |class: usize| -> Vec<u8> { (0..k).map(|a| (classes[class] >> a & 1) as u8).collect() };
    // One profile per distinct pattern, then one per examinee.
    let by_pattern: Vec<PersonProfile> = (0..patterns.counts.len())
        .map(|p| {
            with_prior.posterior(&t_prior, p, &mut post);
            flat.posterior(&t_flat, p, &mut lik);
            let mastery: Vec<f64> = (0..k)
                .map(|a| {
                    classes
                        .iter()
                        .zip(&post[..c])
                        .filter(|(&m, _)| m >> a & 1 == 1)
                        .map(|(_, w)| w)
                        .sum()
                })
                .collect();
            let (map, map_ties) = first_max(&post[..c]);
            let (mle, mle_ties) = first_max(&lik[..c]);
            PersonProfile {
                row: 0,
                eap: mastery.iter().map(|&m| u8::from(m >= 0.5)).collect(),
                mastery,
                map: bits(map),
                map_posterior: post[map],
                map_ties,
                mle: bits(mle),
                mle_ties,
            }
        })
        .collect();
    patterns
        .person_pattern
        .iter()
        .enumerate()
        .map(|(i, &p)| PersonProfile {
            row: i + 1,
            ..by_pattern[p as usize].clone()
        })
        .collect()
}
