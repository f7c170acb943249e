//! In-process timing of one tool for the benchmark suite (scripts/bench-suite.mjs): the file is
//! read from disk first (untimed), then each run times, separately,
//! - `read`: parsing the bytes into the response matrix (and the parameter file or Q-matrix),
//! - `analysis`: the analysis on the data in memory (what the Python peers' timed call does),
//! - `json`: writing the result as JSON text,
//!
//! and their sum (`total`, what the browser columns time: bytes in, JSON text out).
//!
//!     cargo run --release --example bench_engine -- TOOL FILE [SECOND_FILE] OPTIONS_JSON RUNS
//!
//! TOOL is `irt`, `score` (SECOND_FILE: the item parameters), `cdm` (SECOND_FILE: the Q-matrix)
//! or `items`; OPTIONS_JSON the options as the wasm functions take them (`src/tools.rs`
//! requests). One untimed warm-up run first. Prints one JSON object: the runs' times in ms and
//! what identifies the result. Threads: rayon's default (RAYON_NUM_THREADS to change).
use pacer::em::Control;
use pacer::tools::{self, CdmRequest, IrtRequest, ItemAnalysisRequest, ScoringRequest};
use serde_json::{json, Value};
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Times the three phases of one run: `read` (the files into the engine's data), `analyse` (the
/// analysis on that data) and writing the result as JSON; `id(result, json chars)` says what
/// identifies it. Returns (read ms, analysis ms, json ms, id).
fn phases<D, R: serde::Serialize>(
    read: impl FnOnce() -> pacer::Result<D>,
    analyse: impl FnOnce(D) -> pacer::Result<R>,
    id: impl FnOnce(&R, usize) -> Value,
) -> pacer::Result<[Value; 4]> {
    let t = Instant::now();
    let data = read()?;
    let read_ms = ms(t);
    let t = Instant::now();
    let result = analyse(data)?;
    let analysis_ms = ms(t);
    let t = Instant::now();
    let text = tools::to_json(&result);
    let json_ms = ms(t);
    Ok([
        read_ms.into(),
        analysis_ms.into(),
        json_ms.into(),
        id(&result, text.len()),
    ])
}

/// One run of `tool`: (read ms, analysis ms, json ms, what identifies the result).
fn run(tool: &str, file: &[u8], second: &[u8], options: &str) -> pacer::Result<[Value; 4]> {
    let go = &mut |_: &pacer::em::Progress| Control::Continue;
    let responses = || pacer::data::read_responses(file, "data.csv");
    match tool {
        "irt" => {
            let o = tools::parse_request::<IrtRequest>(options)?.options();
            phases(
                responses,
                |data| pacer::irt::calibrate(&data, &o, go),
                |r, chars| json!({"iterations": r.iterations, "loglik": r.loglik, "chars": chars}),
            )
        }
        "score" => {
            let o = tools::parse_request::<ScoringRequest>(options)?.options();
            phases(
                || {
                    let params =
                        pacer::data::read_item_parameters(second, "params.csv", o.d_constant)?;
                    Ok((responses()?, params))
                },
                |(data, params)| {
                    let (items, codes) = pacer::scoring::match_items(&data, &params, "params.csv")?;
                    pacer::scoring::score(&data, &items, &codes, "params.csv", &o)
                },
                |r, chars| {
                    let s = &r.summary;
                    json!({"nScored": s.n_scored, "mean": s.mean, "sd": s.sd, "chars": chars})
                },
            )
        }
        "cdm" => {
            let o = tools::parse_request::<CdmRequest>(options)?.options();
            phases(
                || Ok((responses()?, pacer::data::read_qmatrix(second, "Q.csv")?)),
                |(data, q)| pacer::cdm::calibrate(&data, &q, "Q.csv", &o, go),
                |r, chars| json!({"iterations": r.iterations, "loglik": r.loglik, "chars": chars}),
            )
        }
        "items" => {
            let req = tools::parse_request::<ItemAnalysisRequest>(options)?;
            let o = pacer::ctt::ItemAnalysisOptions {
                missing: req.missing,
            };
            phases(
                responses,
                |data| pacer::ctt::item_analysis(&data, &o),
                |r, chars| {
                    let t = &r.test;
                    json!({"nPersons": r.n_persons, "meanScore": t.mean, "alpha": t.alpha, "chars": chars})
                },
            )
        }
        other => panic!("unknown tool {other}: irt, score, cdm or items"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: bench_engine TOOL FILE [SECOND_FILE] OPTIONS_JSON RUNS";
    assert!(args.len() == 4 || args.len() == 5, "{usage}");
    let tool = args[0].as_str();
    let file = std::fs::read(&args[1]).expect("the response file");
    let second = if args.len() == 5 {
        std::fs::read(&args[2]).expect("the second file")
    } else {
        Vec::new()
    };
    let options = &args[args.len() - 2];
    let runs: usize = args[args.len() - 1].parse().expect(usage);
    let once = || run(tool, &file, &second, options).unwrap_or_else(|e| panic!("{e}"));
    once(); // warm-up
    let timed: Vec<[Value; 4]> = (0..runs).map(|_| once()).collect();
    let col = |i: usize| timed.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
    let total: Vec<f64> = timed
        .iter()
        .map(|r| (0..3).map(|i| r[i].as_f64().unwrap()).sum())
        .collect();
    let out = json!({
        "tool": tool,
        "threads": rayon_threads(),
        "readMs": col(0),
        "analysisMs": col(1),
        "jsonMs": col(2),
        "totalMs": total,
        "result": timed[0][3],
    });
    println!("{out}");
}

/// The threads rayon runs on (RAYON_NUM_THREADS, or the logical cores).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
