//! CDM calibration on arbitrary small binary matrices and Q-matrices (1 to 3 attributes, rows
//! possibly all zero), every model, link and attribute distribution, arbitrary tolerance,
//! iteration limit, starts and seed.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer::em::Control;
use pacer::tools::{calibrate_cdm, parse_request, CdmRequest};
use pacer_fuzz::{check, json_number, number, qmatrix_csv, SmallMatrix};

const MODELS: [&str; 6] = ["gdina", "dina", "dino", "acdm", "llm", "rrum"];
const LINKS: [&str; 3] = ["identity", "logit", "log"];
const DISTRIBUTIONS: [&str; 3] = ["saturated", "independent", "higher-order"];

#[derive(Debug, Arbitrary)]
struct Input {
    matrix: SmallMatrix,
    attributes: u8,
    q: Vec<u8>,
    model: u8,
    link: Option<u8>,
    distribution: u8,
    tol: Option<i16>,
    max_iter: u8,
    starts: u8,
    seed: u64,
}

fuzz_target!(|input: Input| {
    let k = input.matrix.n_items();
    let n_att = 1 + input.attributes as usize % 3;
    let (q, _) = qmatrix_csv(k, n_att, &input.q);
    let csv = input.matrix.csv(1, false);
    let mut options = format!(
        r#"{{"model":"{}","attributeDistribution":"{}","maxIter":{},"starts":{},"seed":{}"#,
        MODELS[input.model as usize % MODELS.len()],
        DISTRIBUTIONS[input.distribution as usize % DISTRIBUTIONS.len()],
        input.max_iter % 60,
        input.starts % 3,
        input.seed,
    );
    if let Some(l) = input.link {
        options.push_str(&format!(r#","link":"{}""#, LINKS[l as usize % LINKS.len()]));
    }
    if let Some(t) = input.tol {
        options.push_str(&format!(r#","tol":{}"#, json_number(number(t, 0.01))));
    }
    options.push('}');
    let request: CdmRequest = parse_request(&options).expect("the target writes valid options");
    let r = calibrate_cdm(
        (&csv, "data.csv"),
        (q.as_bytes(), "Q.csv"),
        &request.options(),
        &mut |_| Control::Continue,
    );
    check(&r, "CDM calibration");
});
