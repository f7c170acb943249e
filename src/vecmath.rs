//! Elementwise kernels written so that the compiler vectorises them: fixed-width chunks, no
//! branches inside the chunk loops, no library calls. They are the inner loops of the E-steps.
//!
//! The same source is compiled twice on x86-64, for the baseline target and for AVX2 (see
//! [`crate::irt::binary_em`], which selects the AVX2 build at run time), and once for WebAssembly
//! with the `simd128` feature (`.cargo/config.toml`).

/// Width of the chunks the kernels work in. Slices passed to them have lengths that are
/// multiples of `LANES` (callers pad their node grids).
pub const LANES: usize = 8;

/// Rounds `n` up to a multiple of [`LANES`].
pub fn padded(n: usize) -> usize {
    n.div_ceil(LANES) * LANES
}

/// `out = base + Σ_{r ∈ add} table[r·stride ..] − Σ_{r ∈ sub} table[r·stride ..]` (rows of
/// `out.len()` values), accumulated in registers 32 values at a time (then 8 at a time), so
/// each table row is read once and `out` written once. Within a lane the operations happen in
/// list order, as a plain loop would do them.
#[inline(always)]
pub fn sum_rows(
    out: &mut [f64],
    base: &[f64],
    table: &[f64],
    stride: usize,
    add: &[u32],
    sub: &[u32],
) {
    #[inline(always)]
    fn chunk<const W: usize>(
        out: &mut [f64],
        base: &[f64],
        table: &[f64],
        stride: usize,
        add: &[u32],
        sub: &[u32],
        c: usize,
    ) {
        let mut acc: [f64; W] = base[c..c + W].try_into().unwrap();
        for &r in add {
            let row: &[f64; W] = table[r as usize * stride + c..][..W].try_into().unwrap();
            for i in 0..W {
                acc[i] += row[i];
            }
        }
        for &r in sub {
            let row: &[f64; W] = table[r as usize * stride + c..][..W].try_into().unwrap();
            for i in 0..W {
                acc[i] -= row[i];
            }
        }
        out[c..c + W].copy_from_slice(&acc);
    }
    let len = out.len();
    debug_assert!(len.is_multiple_of(LANES) && base.len() == len);
    let mut c = 0;
    while c + 32 <= len {
        chunk::<32>(out, base, table, stride, add, sub, c);
        c += 32;
    }
    while c + LANES <= len {
        chunk::<LANES>(out, base, table, stride, add, sub, c);
        c += LANES;
    }
}

/// `x += w`, elementwise.
#[inline(always)]
pub fn add_in_place(x: &mut [f64], w: &[f64]) {
    for (t, v) in x.iter_mut().zip(w) {
        *t += v;
    }
}

/// `x −= w`, elementwise.
#[inline(always)]
pub fn sub_in_place(x: &mut [f64], w: &[f64]) {
    for (t, v) in x.iter_mut().zip(w) {
        *t -= v;
    }
}

/// `x *= c`, elementwise.
#[inline(always)]
pub fn scale(x: &mut [f64], c: f64) {
    let mut chunks = x.chunks_exact_mut(4);
    for a in &mut chunks {
        let a: &mut [f64; 4] = a.try_into().unwrap();
        for v in a.iter_mut() {
            *v *= c;
        }
    }
    chunks.into_remainder().iter_mut().for_each(|v| *v *= c);
}

/// `table[r·stride + lo ..][..w.len()] += w` for the rows in `add` and `−= w` for those in `sub`.
#[inline(always)]
pub fn add_to_rows(
    table: &mut [f64],
    stride: usize,
    lo: usize,
    add: &[u32],
    sub: &[u32],
    w: &[f64],
) {
    for &r in add {
        add_in_place(&mut table[r as usize * stride + lo..][..w.len()], w);
    }
    for &r in sub {
        sub_in_place(&mut table[r as usize * stride + lo..][..w.len()], w);
    }
}

/// Largest element (−∞ for an empty slice; NaNs are ignored).
#[inline(always)]
pub fn max(x: &[f64]) -> f64 {
    let mut m = [f64::NEG_INFINITY; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for i in 0..LANES {
            m[i] = if c[i] > m[i] { c[i] } else { m[i] };
        }
    }
    let mut best = f64::NEG_INFINITY;
    for &v in m.iter().chain(chunks.remainder()) {
        if v > best {
            best = v;
        }
    }
    best
}

/// Sum of the elements, in `LANES` interleaved partial sums.
#[inline(always)]
pub fn sum(x: &[f64]) -> f64 {
    let mut s = [0.0; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for i in 0..LANES {
            s[i] += c[i];
        }
    }
    s.iter().sum::<f64>() + chunks.remainder().iter().sum::<f64>()
}

/// Dot product `Σ x_i y_i` over the common length, in `LANES` interleaved partial sums.
#[inline(always)]
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut s = [0.0; LANES];
    let mut xc = x.chunks_exact(LANES);
    let mut yc = y.chunks_exact(LANES);
    for (a, b) in (&mut xc).zip(&mut yc) {
        for i in 0..LANES {
            s[i] += a[i] * b[i];
        }
    }
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    s.iter().sum::<f64>() + tail
}

/// `x ← exp(x − shift)` for arguments at most 0 (the posterior weights of an E-step), to within
/// 2 ulp; arguments below −700 give exp(−700) ≈ 1e-304 instead of smaller values or 0, and −∞
/// (and NaN) give the same.
///
/// Method of Cephes' `exp` (Moshier, *Methods and Programs for Mathematical Functions*, 1989):
/// with n = round(x / ln 2) and r = x − n·ln 2 (ln 2 split in a part exact in double precision
/// and a small remainder), |r| ≤ ln2/2 and exp(x) = 2ⁿ·exp(r), where
/// `exp(r) = 1 + 2r·P(r²) / (Q(r²) − r·P(r²))` with Cephes' degree 2/3 rational coefficients.
/// Rounding uses the 1.5·2⁵² shifter and 2ⁿ is built in the exponent bits, so every step is
/// plain arithmetic that vectorises; the slice is processed 16 values at a time so that four
/// independent vector chains hide the latency of the division.
#[inline(always)]
pub fn exp_shifted(x: &mut [f64], shift: f64) {
    let mut chunks = x.chunks_exact_mut(16);
    for c in &mut chunks {
        let c: &mut [f64; 16] = c.try_into().unwrap();
        for v in c.iter_mut() {
            *v = exp_nonpositive(*v - shift);
        }
    }
    let mut fours = chunks.into_remainder().chunks_exact_mut(4);
    for c in &mut fours {
        let c: &mut [f64; 4] = c.try_into().unwrap();
        for v in c.iter_mut() {
            *v = exp_nonpositive(*v - shift);
        }
    }
    for v in fours.into_remainder() {
        *v = exp_nonpositive(*v - shift);
    }
}

// The coefficients are quoted as Cephes publishes them.
#[allow(clippy::excessive_precision)]
#[inline(always)]
fn exp_nonpositive(x: f64) -> f64 {
    const SHIFTER: f64 = 6755399441055744.0; // 1.5 · 2^52
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    // ln 2 = C1 + C2, C1 with few enough significant bits that n·C1 is exact.
    const C1: f64 = 6.931_457_519_531_25e-1;
    const C2: f64 = 1.428_606_820_309_417_232_12e-6;
    const P: [f64; 3] = [
        1.261_771_930_748_105_908_78e-4,
        3.029_944_077_074_419_613_00e-2,
        9.999_999_999_999_999_999_10e-1,
    ];
    const Q: [f64; 4] = [
        3.001_985_051_386_644_550_42e-6,
        2.524_483_403_496_841_041_92e-3,
        2.272_655_482_081_550_287_66e-1,
        2.000_000_000_000_000_000_09e0,
    ];
    let x = if x > -700.0 { x } else { -700.0 };
    let t = x * LOG2E + SHIFTER;
    let n = t - SHIFTER;
    let r = (x - n * C1) - n * C2;
    let rr = r * r;
    let px = r * ((P[0] * rr + P[1]) * rr + P[2]);
    let qx = ((Q[0] * rr + Q[1]) * rr + Q[2]) * rr + Q[3];
    let e = 1.0 + 2.0 * (px / (qx - px));
    // 2^n from the low bits of t, which hold n (|n| ≤ 1010) in two's complement.
    let n_bits = t.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(n_bits.wrapping_add(1023) << 52);
    e * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate_to_two_ulp() {
        let mut worst: f64 = 0.0;
        let mut x = -700.0;
        while x <= 0.0 {
            let mut v = [x];
            exp_shifted(&mut v, 0.0);
            let exact = x.exp();
            worst = worst.max(((v[0] - exact) / exact).abs());
            x += 0.000_731;
        }
        assert!(worst < 4.5e-16, "largest relative error {worst:e}");
        let mut edge = [0.0, -1e-300, f64::NEG_INFINITY, -1e6, 3.0];
        exp_shifted(&mut edge, 3.0);
        assert_eq!(edge[0], (-3.0f64).exp());
        assert!(edge[2] > 0.0 && edge[2] < 1e-300);
        assert_eq!(edge[2], edge[3]);
        assert_eq!(edge[4], 1.0);
    }

    #[test]
    fn row_sums_match_a_plain_loop() {
        let stride = 72;
        let table: Vec<f64> = (0..5 * stride).map(|i| (i as f64 * 0.37).sin()).collect();
        let base: Vec<f64> = (0..stride).map(|i| i as f64).collect();
        let (add, sub) = ([4u32, 0, 2], [1u32, 2]);
        let mut out = vec![0.0; stride];
        sum_rows(&mut out, &base, &table, stride, &add, &sub);
        for i in 0..stride {
            let mut v = base[i];
            for &r in &add {
                v += table[r as usize * stride + i];
            }
            for &r in &sub {
                v -= table[r as usize * stride + i];
            }
            assert_eq!(out[i], v);
        }
        let x: Vec<f64> = (0..19).map(|i| (i as f64 - 7.5).powi(2)).collect();
        assert_eq!(max(&x), 110.25);
        assert_eq!(sum(&x), x.iter().sum::<f64>());
    }
}
