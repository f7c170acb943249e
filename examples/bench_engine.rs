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

/// One run: (read ms, analysis ms, json ms, what identifies the result).
fn run(tool: &str, file: &[u8], second: &[u8], options: &str) -> pacer::Result<[Value; 4]> {
    let go = &mut |_: &pacer::em::Progress| Control::Continue;
    let t = Instant::now();
    let (read, analysis, json, id) = match tool {
        "irt" => {
            let o = tools::parse_request::<IrtRequest>(options)?.options();
            let data = pacer::data::read_responses(file, "data.csv")?;
            let read = ms(t);
            let t = Instant::now();
            let r = pacer::irt::calibrate(&data, &o, go)?;
            let analysis = ms(t);
            let t = Instant::now();
            let text = tools::to_json(&r);
            let id = json!({"iterations": r.iterations, "loglik": r.loglik, "chars": text.len()});
            (read, analysis, ms(t), id)
        }
        "score" => {
            let o = tools::parse_request::<ScoringRequest>(options)?.options();
            let data = pacer::data::read_responses(file, "data.csv")?;
            let params = pacer::data::read_item_parameters(second, "params.csv", o.d_constant)?;
            let read = ms(t);
            let t = Instant::now();
            let (items, codes) = pacer::scoring::match_items(&data, &params, "params.csv")?;
            let r = pacer::scoring::score(&data, &items, &codes, "params.csv", &o)?;
            let analysis = ms(t);
            let t = Instant::now();
            let text = tools::to_json(&r);
            let id = json!({"nScored": r.summary.n_scored, "mean": r.summary.mean, "sd": r.summary.sd, "chars": text.len()});
            (read, analysis, ms(t), id)
        }
        "cdm" => {
            let o = tools::parse_request::<CdmRequest>(options)?.options();
            let data = pacer::data::read_responses(file, "data.csv")?;
            let q = pacer::data::read_qmatrix(second, "Q.csv")?;
            let read = ms(t);
            let t = Instant::now();
            let r = pacer::cdm::calibrate(&data, &q, "Q.csv", &o, go)?;
            let analysis = ms(t);
            let t = Instant::now();
            let text = tools::to_json(&r);
            let id = json!({"iterations": r.iterations, "loglik": r.loglik, "chars": text.len()});
            (read, analysis, ms(t), id)
        }
        "items" => {
            let req = tools::parse_request::<ItemAnalysisRequest>(options)?;
            let o = pacer::ctt::ItemAnalysisOptions {
                missing: req.missing,
            };
            let data = pacer::data::read_responses(file, "data.csv")?;
            let read = ms(t);
            let t = Instant::now();
            let r = pacer::ctt::item_analysis(&data, &o)?;
            let analysis = ms(t);
            let t = Instant::now();
            let text = tools::to_json(&r);
            let id = json!({"nPersons": r.n_persons, "meanScore": r.test.mean, "alpha": r.test.alpha, "chars": text.len()});
            (read, analysis, ms(t), id)
        }
        other => panic!("unknown tool {other}: irt, score, cdm or items"),
    };
    Ok([read.into(), analysis.into(), json.into(), id])
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
