//! Test Scoring on arbitrary small matrices and arbitrary (valid or not) item parameters, with
//! every method and arbitrary prior, quadrature, scale and cut scores.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer::tools::{parse_request, score_irt, ScoringRequest};
use pacer_fuzz::{check, json_number, number, SmallMatrix};

const METHODS: [&str; 5] = ["ml", "map", "eap", "wle", "eapsum"];

#[derive(Debug, Arbitrary)]
struct Param {
    model: u8,
    a: i16,
    b: Vec<i16>,
    c: i16,
}

#[derive(Debug, Arbitrary)]
struct Input {
    matrix: SmallMatrix,
    params: Vec<Param>,
    method: u8,
    prior_mean: i16,
    prior_sd: i16,
    quadrature: u8,
    scale: Option<(i16, i16)>,
    cuts: Vec<i16>,
}

fuzz_target!(|input: Input| {
    let k = input.matrix.n_items();
    let mut params = String::from("item,model,a,b,c,b1,b2,b3\n");
    for (j, p) in input.params.iter().take(k + 1).enumerate() {
        let b = |i: usize| number(p.b.get(i).copied().unwrap_or(i as i16 * 300), 4.0);
        let row = match p.model % 4 {
            0 => format!("I{},2pl,{},{},,,,", j + 1, number(p.a, 3.0), b(0)),
            1 => format!(
                "I{},3pl,{},{},{},,,",
                j + 1,
                number(p.a, 3.0),
                b(0),
                number(p.c, 0.5)
            ),
            2 => format!(
                "I{},grm,{},,,{},{},{}",
                j + 1,
                number(p.a, 3.0),
                b(0),
                b(1),
                b(2)
            ),
            _ => format!(
                "I{},gpcm,{},,,{},{},{}",
                j + 1,
                number(p.a, 3.0),
                b(0),
                b(1),
                b(2)
            ),
        };
        params.push_str(&row);
        params.push('\n');
    }
    let csv = input.matrix.csv(input.matrix.poly_max(), false);
    let mut options = format!(
        r#"{{"method":"{}","priorMean":{},"priorSd":{},"quadrature":{}"#,
        METHODS[input.method as usize % METHODS.len()],
        json_number(number(input.prior_mean, 1.0)),
        json_number(number(input.prior_sd, 1.0)),
        input.quadrature % 81,
    );
    if let Some((slope, intercept)) = input.scale {
        options.push_str(&format!(
            r#","scale":{{"slope":{},"intercept":{}}}"#,
            json_number(number(slope, 50.0)),
            json_number(number(intercept, 500.0))
        ));
    }
    let cuts: Vec<String> = input
        .cuts
        .iter()
        .take(4)
        .map(|&c| json_number(number(c, 4.0)))
        .collect();
    options.push_str(&format!(r#","cuts":[{}]}}"#, cuts.join(",")));
    let request: ScoringRequest = match parse_request(&options) {
        Ok(r) => r,
        Err(e) => return pacer_fuzz::assert_explained(&e),
    };
    let r = score_irt(
        &csv,
        "data.csv",
        params.as_bytes(),
        "params.csv",
        &request.options(),
    );
    check(&r, "scoring");
});
