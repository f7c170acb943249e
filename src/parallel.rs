//! Data parallelism with one interface for both builds: natively the work runs on rayon's
//! thread pool; in WebAssembly (one thread) it runs in order on the calling thread. Results are
//! returned in index order either way, so callers that combine them in that order get the same
//! numbers whatever the number of threads.

/// `(0..n).map(f).collect()`, in parallel natively.
pub fn map_indices<T, F>(n: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync + Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        (0..n).map(f).collect()
    }
}
