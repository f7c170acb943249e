//! Data parallelism with one interface for every build: natively, and in the threaded
//! WebAssembly build (feature `threads`: rayon on Web Workers), the work runs on rayon's thread
//! pool; in the single-threaded WebAssembly build it runs in order on the calling thread. Results
//! are returned in index order either way, and callers split their work into a fixed number of
//! chunks (never one per thread), so they get the same numbers, bit for bit, whatever the number
//! of threads.

/// Rows (examinees, response patterns) per call of an out-of-line block function in loops over
/// every examinee.
///
/// WebAssembly engines run a function first in baseline code and use their optimised code only
/// from its next call on (V8 has no on-stack replacement for WebAssembly), so a loop over a
/// million examinees inside one call runs entirely in baseline code the first time a page uses
/// it, several times slower. Such loops therefore call a `#[inline(never)]` function per block of
/// `BLOCK` rows: after the first few blocks the optimised code takes over. Natively this changes
/// nothing measurable.
pub const BLOCK: usize = 4096;

/// `(0..n).map(f).collect()`, in parallel natively.
pub fn map_indices<T, F>(n: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync + Send,
{
    #[cfg(any(not(target_arch = "wasm32"), feature = "threads"))]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(all(target_arch = "wasm32", not(feature = "threads")))]
    {
        (0..n).map(f).collect()
    }
}
