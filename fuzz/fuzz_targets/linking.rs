//! Linking and equating on arbitrary small forms: item parameters (valid or not), anchor pairs
//! (possibly naming missing items), every method, and arbitrary θ points, weights and
//! population options.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pacer::tools::{equate_forms, link_forms, parse_request, LinkRequest};
use pacer_fuzz::{check, json_number, number};

const METHODS: [&str; 4] = ["mean-mean", "mean-sigma", "haebara", "stocking-lord"];

#[derive(Debug, Arbitrary)]
struct Param {
    model: u8,
    a: i16,
    b: [i16; 3],
    c: i16,
}

#[derive(Debug, Arbitrary)]
struct Input {
    base: Vec<Param>,
    new: Vec<Param>,
    anchors: Vec<(u8, u8)>,
    method: u8,
    d: Option<i16>,
    symmetric: bool,
    theta: Option<Vec<i16>>,
    weights: Option<Vec<i16>>,
    pop: Option<(i16, i16, i16, i16, i16, u8)>,
}

fn form(params: &[Param]) -> String {
    let mut out = String::from("item,model,a,b,c,b1,b2,b3\n");
    for (j, p) in params.iter().take(10).enumerate() {
        let a = number(p.a, 3.0);
        let [b0, b1, b2] = p.b.map(|b| number(b, 4.0));
        let row = match p.model % 4 {
            0 => format!("I{},2pl,{a},{b0},,,,", j + 1),
            1 => format!("I{},3pl,{a},{b0},{},,,", j + 1, number(p.c, 0.5)),
            2 => format!("I{},grm,{a},,,{b0},{b1},{b2}", j + 1),
            _ => format!("I{},gpcm,{a},,,{b0},{b1},{b2}", j + 1),
        };
        out.push_str(&row);
        out.push('\n');
    }
    out
}

fn list(values: &[i16], scale: f64) -> String {
    let v: Vec<String> = values
        .iter()
        .take(50)
        .map(|&x| json_number(number(x, scale)))
        .collect();
    format!("[{}]", v.join(","))
}

fuzz_target!(|input: Input| {
    let base = form(&input.base);
    let new = form(&input.new);
    let mut anchors = String::from("new_item,base_item\n");
    for (n, b) in input.anchors.iter().take(10) {
        anchors.push_str(&format!("I{},I{}\n", n % 11 + 1, b % 11 + 1));
    }
    let mut options = format!(
        r#"{{"method":"{}","symmetric":{}"#,
        METHODS[input.method as usize % METHODS.len()],
        input.symmetric
    );
    if let Some(d) = input.d {
        options.push_str(&format!(r#","D":{}"#, json_number(number(d, 2.0))));
    }
    if let Some(t) = &input.theta {
        options.push_str(&format!(r#","thetaPoints":{}"#, list(t, 8.0)));
    }
    if let Some(w) = &input.weights {
        options.push_str(&format!(r#","weights":{}"#, list(w, 1.0)));
    }
    let link_options = format!("{options}}}");
    if let Some((m1, s1, m2, s2, w, points)) = input.pop {
        options.push_str(&format!(
            r#","pop1Mean":{},"pop1Sd":{},"pop2Mean":{},"pop2Sd":{},"syntheticWeight":{},"populationPoints":{}"#,
            json_number(number(m1, 2.0)),
            json_number(number(s1, 2.0)),
            json_number(number(m2, 2.0)),
            json_number(number(s2, 2.0)),
            json_number(number(w, 1.0)),
            points % 81
        ));
    }
    options.push('}');
    let files = |b: &'static str, n: &'static str, a: &'static str| {
        (
            (base.as_bytes(), b),
            (new.as_bytes(), n),
            (anchors.as_bytes(), a),
        )
    };
    match parse_request::<LinkRequest>(&link_options) {
        Ok(req) => {
            let (b, n, a) = files("base.csv", "new.csv", "anchors.csv");
            check(&link_forms(b, n, a, &req.options()), "linking");
        }
        Err(e) => pacer_fuzz::assert_explained(&e),
    }
    match parse_request::<LinkRequest>(&options) {
        Ok(req) => {
            let (b, n, a) = files("base.csv", "new.csv", "anchors.csv");
            check(&equate_forms(b, n, a, &req.equating_options()), "equating");
        }
        Err(e) => pacer_fuzz::assert_explained(&e),
    }
});
