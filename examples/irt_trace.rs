//! Prints the EM trace of a 2PL calibration (diagnostics): `cargo run --release --example irt_trace FILE`.
use pacer::em::Control;
use pacer::irt::{calibrate, DichotomousModel, IrtOptions};
fn main() {
    let path = std::env::args().nth(1).expect("a response file");
    let data = pacer::data::read_responses(&std::fs::read(&path).unwrap(), &path).unwrap();
    let mut o = IrtOptions::new(DichotomousModel::TwoPl);
    o.d_constant = 1.0;
    let t = std::time::Instant::now();
    let r = calibrate(&data, &o, &mut |p| {
        eprintln!(
            "iter {:3} change {:.3e} loglik {:.6}",
            p.iteration, p.change, p.loglik
        );
        Control::Continue
    })
    .unwrap();
    eprintln!(
        "{} iterations, {} E-steps, loglik {:.6}, {:?}",
        r.iterations,
        r.loglik_trace.len(),
        r.loglik,
        t.elapsed()
    );
}
