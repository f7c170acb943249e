//! IRT calibration on arbitrary small matrices with every model and arbitrary options
//! (quadrature, D, tolerance, iteration limit, SEs, groups, guessing prior), cancelled at a
//! fuzzed iteration.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer::em::Control;
use pacer::tools::{calibrate_irt, parse_request, IrtRequest};
use pacer_fuzz::{check, json_number, number, SmallMatrix};

const MODELS: [&str; 10] = [
    "rasch", "1pl", "2pl", "3pl", "4pl", "grm", "gpcm", "pcm", "rsm", "mixed",
];

#[derive(Debug, Arbitrary)]
struct Input {
    matrix: SmallMatrix,
    model: u8,
    quadrature: Option<u8>,
    gauss_hermite: bool,
    d: Option<i16>,
    tol: Option<i16>,
    max_iter: u8,
    se: bool,
    multigroup: bool,
    guessing_prior: Option<(i16, i16)>,
    cancel_at: Option<u8>,
}

fuzz_target!(|input: Input| {
    let model = MODELS[input.model as usize % MODELS.len()];
    let binary = !matches!(model, "grm" | "gpcm" | "pcm" | "rsm" | "mixed");
    let max = if binary { 1 } else { input.matrix.poly_max() };
    let csv = input.matrix.csv(max, input.multigroup);
    let mut options = format!(
        r#"{{"model":"{model}","maxIter":{},"se":{},"multigroup":{},"gaussHermite":{}"#,
        input.max_iter % 40,
        input.se,
        input.multigroup,
        input.gauss_hermite,
    );
    if let Some(q) = input.quadrature {
        options.push_str(&format!(r#","quadrature":{}"#, q % 41));
    }
    if let Some(d) = input.d {
        options.push_str(&format!(r#","D":{}"#, json_number(number(d, 2.0))));
    }
    if let Some(t) = input.tol {
        options.push_str(&format!(r#","tol":{}"#, json_number(number(t, 0.01))));
    }
    if let Some((a, b)) = input.guessing_prior {
        let (a, b) = (json_number(number(a, 8.0)), json_number(number(b, 8.0)));
        options.push_str(&format!(r#","guessingPrior":[{a},{b}]"#));
    }
    options.push('}');
    let request: IrtRequest = match parse_request(&options) {
        Ok(r) => r,
        // A null inside the guessing prior is refused by the JSON reader, with a message.
        Err(e) => return pacer_fuzz::assert_explained(&e),
    };
    let mut seen = 0usize;
    let cancel_at = input.cancel_at.map(usize::from);
    let r = calibrate_irt(&csv, "data.csv", &request.options(), &mut |_| {
        seen += 1;
        if Some(seen) == cancel_at {
            Control::Cancel
        } else {
            Control::Continue
        }
    });
    check(&r, "IRT calibration");
    if let Ok(c) = &r {
        let text = pacer::tools::to_json(c);
        assert!(!text.contains("\"error\""), "{text}");
    }
});
