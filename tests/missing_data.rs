//! Missing data: pairwise statistics against an independent direct computation of
//! psych::alpha's definitions (covariance matrix with use = "pairwise"), and listwise deletion
//! against the analysis of the complete rows alone.

mod common;
use common::*;
use pacer::ctt::{item_analysis, ItemAnalysisOptions, MissingHandling};
use pacer::data::{read_responses, ResponseMatrix, MISSING};

/// A deterministic matrix with about 15 % missing cells (a small linear congruential generator).
fn matrix_with_missing(n: usize, k: usize, max: u8) -> ResponseMatrix {
    let mut s: u64 = 12345;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as u32
    };
    let mut codes = Vec::with_capacity(n * k);
    for _ in 0..n {
        let ability = (next() % 100) as i32;
        for j in 0..k {
            if next() % 100 < 15 {
                codes.push(MISSING);
            } else {
                let v =
                    (ability + (next() % 100) as i32 - 50 + 10 * j as i32) * (max as i32 + 1) / 160;
                codes.push(v.clamp(0, max as i32) as u8);
            }
        }
    }
    ResponseMatrix::from_codes((0..k).map(|j| format!("i{j}")).collect(), codes, "sim").unwrap()
}

/// Pairwise covariance by the textbook two-pass formula over the examinees answering both items.
fn pairwise_cov(m: &ResponseMatrix, j: usize, l: usize) -> f64 {
    let pairs: Vec<(f64, f64)> = (0..m.n_persons())
        .map(|p| (m.person(p)[j], m.person(p)[l]))
        .filter(|&(x, y)| x != MISSING && y != MISSING)
        .map(|(x, y)| (x as f64, y as f64))
        .collect();
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / (n - 1.0)
}

#[test]
fn pairwise_matches_direct_computation() {
    for max in [1u8, 3] {
        let m = matrix_with_missing(400, 6, max);
        let r = item_analysis(&m, &ItemAnalysisOptions::default()).unwrap();
        let k = m.n_items();
        let c: Vec<Vec<f64>> = (0..k)
            .map(|j| (0..k).map(|l| pairwise_cov(&m, j, l)).collect())
            .collect();
        let total: f64 = c.iter().flatten().sum();
        let trace: f64 = (0..k).map(|j| c[j][j]).sum();
        let alpha = k as f64 / (k as f64 - 1.0) * (1.0 - trace / total);
        assert_close("alpha", r.test.alpha.unwrap(), alpha, 1e-10);
        for j in 0..k {
            let cj: f64 = c[j].iter().sum();
            let it = &r.items[j];
            assert_close(
                "item-total",
                it.item_total_r.unwrap(),
                cj / (c[j][j] * total).sqrt(),
                1e-10,
            );
            let rest_var = total - 2.0 * cj + c[j][j];
            assert_close(
                "item-rest",
                it.item_rest_r.unwrap(),
                (cj - c[j][j]) / (c[j][j] * rest_var).sqrt(),
                1e-10,
            );
            // alpha without item j from the submatrix.
            let sub_total = rest_var;
            let sub_trace = trace - c[j][j];
            let a = (k as f64 - 1.0) / (k as f64 - 2.0) * (1.0 - sub_trace / sub_total);
            assert_close("alpha if deleted", it.alpha_if_deleted.unwrap(), a, 1e-10);
            assert_eq!(it.n + it.omits, 400);
            assert_close("sd", it.sd.unwrap(), c[j][j].sqrt(), 1e-10);
        }
    }
}

#[test]
fn listwise_equals_the_complete_rows_alone() {
    let m = matrix_with_missing(500, 4, 2);
    let complete: Vec<u8> = (0..m.n_persons())
        .map(|p| m.person(p))
        .filter(|row| !row.contains(&MISSING))
        .flatten()
        .copied()
        .collect();
    let n_complete = complete.len() / 4;
    let sub = ResponseMatrix::from_codes(m.items().to_vec(), complete, "sim").unwrap();
    let a = item_analysis(
        &m,
        &ItemAnalysisOptions {
            missing: MissingHandling::Listwise,
        },
    )
    .unwrap();
    let b = item_analysis(&sub, &ItemAnalysisOptions::default()).unwrap();
    assert_eq!(a.n_persons_used, n_complete);
    assert_eq!(a.test, b.test);
    for (x, y) in a.items.iter().zip(&b.items) {
        assert_eq!(
            (x.mean, x.item_rest_r, x.alpha_if_deleted),
            (y.mean, y.item_rest_r, y.alpha_if_deleted)
        );
    }
}

#[test]
fn all_missing_rows_are_left_out_of_totals() {
    let m = read_responses(b"a,b,c\n1,0,1\n,,\n0,1,1\n1,1,1\n0,0,1\n", "t.csv").unwrap();
    let r = item_analysis(&m, &Default::default()).unwrap();
    assert_eq!(r.n_persons, 5);
    assert_eq!(r.n_persons_used, 4);
    assert_eq!(r.test.n_persons, 4);
    assert_eq!(r.items[0].omits, 1);
}
