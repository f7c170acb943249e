//! DIF (Mantel-Haenszel, standardization, logistic regression) on arbitrary small matrices
//! with up to three groups, with arbitrary options.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer_fuzz::{check, json_number, number, SmallMatrix};

#[derive(Debug, Arbitrary)]
struct Input {
    matrix: SmallMatrix,
    polytomous: bool,
    reference: u8,
    purify: bool,
    correction: bool,
    alpha: i16,
    max_iterations: u8,
}

fuzz_target!(|input: Input| {
    let max = if input.polytomous {
        input.matrix.poly_max()
    } else {
        1
    };
    let csv = input.matrix.csv(max, true);
    let options = format!(
        r#"{{"reference":"g{}","purify":{},"continuityCorrection":{},"alpha":{},"maxIterations":{}}}"#,
        input.reference % 4,
        input.purify,
        input.correction,
        json_number(number(input.alpha, 1.0)),
        input.max_iterations % 12,
    );
    let request: pacer::Result<pacer::tools::DifRequest> = pacer::tools::parse_request(&options);
    let request = request.expect("the target writes valid options JSON");
    match request.options() {
        Ok((roles, opts)) => {
            let r = pacer::tools::analyze_dif(&csv, "data.csv", &roles, None, &opts);
            check(&r, "DIF");
        }
        Err(e) => pacer_fuzz::assert_explained(&e),
    }
});
