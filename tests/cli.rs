//! The `pacer` binary: JSON equal to the library's, CSV table, and error exit codes.

mod common;
use common::*;
use std::process::Command;

fn pacer(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pacer"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn items_json_equals_the_library_result() {
    let path = fixture("LSAT7/data.csv");
    let out = pacer(&["items", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lib = pacer::tools::analyze_items(
        &fixture_bytes("LSAT7/data.csv"),
        path.to_str().unwrap(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(cli, serde_json::to_value(&lib).unwrap());
    assert_close(
        "alpha",
        cli["test"]["alpha"].as_f64().unwrap(),
        0.453408735387426,
        1e-6,
    );
}

#[test]
fn items_csv_has_one_row_per_item() {
    let path = fixture("Science/data.csv");
    let out = pacer(&[
        "items",
        path.to_str().unwrap(),
        "--format",
        "csv",
        "--missing",
        "listwise",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("item,n,omits,mean,sd,se_mean,max_score,p_value,item_rest_r"));
    assert!(lines[1].starts_with("Comfort,392,0,"));
    assert!(lines[1].contains(",0;5;32;266;89,"), "{}", lines[1]);
}

#[test]
fn bad_file_exits_2_with_the_message() {
    let dir = std::env::temp_dir().join(format!("pacer-cli-{}-csv", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "a,b\n1,0\n1,zero\n").unwrap();
    let out = pacer(&["items", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("row 3, column 'b': 'zero' is not a number"),
        "{err}"
    );
    let out = pacer(&["items", dir.join("nope.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = pacer(&["items", bad.to_str().unwrap(), "--missing", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn irt_json_and_csv() {
    let path = fixture("LSAT7/data.csv");
    let out = pacer(&[
        "irt",
        path.to_str().unwrap(),
        "--model",
        "2pl",
        "--D",
        "1",
        "--tol",
        "1e-6",
        "--se",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tool"], "irt_calibration");
    assert_close("logLik", v["loglik"].as_f64().unwrap(), -2658.805, 1e-3);
    assert!(v["items"][0]["se_a1"].as_f64().is_some());
    let out = pacer(&[
        "irt",
        path.to_str().unwrap(),
        "--model",
        "rasch",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("item,model,a1,d,g,u,a,b,c,"), "{text}");
    assert_eq!(text.lines().count(), 6);
    let out = pacer(&["irt", fixture("Science/data.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("0/1"));
}

#[test]
fn irt_polytomous_models_and_item_model_file() {
    let science = fixture("Science/data.csv");
    let out = pacer(&[
        "irt",
        science.to_str().unwrap(),
        "--model",
        "grm",
        "--D",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"][0]["model"], "grm");
    assert_close(
        "GRM logLik",
        v["loglik"].as_f64().unwrap(),
        -1608.8695,
        1e-3,
    );
    assert_eq!(v["m2"]["statistic"], "C2");
    // An item-model file makes two items partial credit items under the graded default.
    // Its own directory: it is removed at the end while other tests use temp_file's.
    let dir = std::env::temp_dir().join(format!("pacer-cli-{}-models", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let models = dir.join("models.csv");
    std::fs::write(&models, "item,model\nWork,gpcm\nFuture,GPCM\n").unwrap();
    let out = pacer(&[
        "irt",
        science.to_str().unwrap(),
        "--model",
        "mixed",
        "--item-models",
        models.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[0].starts_with("item,model,a1,d,g,u,a,b,c,"), "{text}");
    assert!(
        rows[1].starts_with("Comfort,grm,") && rows[2].starts_with("Work,gpcm,"),
        "{text}"
    );
    // A bad model name in the file is an error naming the file and the row.
    std::fs::write(&models, "item,model\nWork,graded\n").unwrap();
    let out = pacer(&[
        "irt",
        science.to_str().unwrap(),
        "--model",
        "mixed",
        "--item-models",
        models.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("models.csv") && err.contains("graded"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Writes `text` to a temporary file and returns its path.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pacer-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn score_gives_one_record_per_examinee_and_names_wrong_items() {
    let data = fixture("LSAT7/data.csv");
    let good = "item,model,a,b\nItem.1,2pl,1,-1.8\nItem.2,2pl,1.1,-0.7\nItem.3,2pl,1.7,-1.1\nItem.4,2pl,0.8,-0.5\nItem.5,2pl,0.7,-2.6\n";
    let params = temp_file("good.csv", good);
    let out = pacer(&[
        "score",
        data.to_str().unwrap(),
        "--params",
        params.to_str().unwrap(),
        "--method",
        "wle",
        "--D",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let persons = cli["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 1000);
    assert_eq!(persons[0]["row"], 1);
    assert!(persons
        .iter()
        .all(|p| p["theta"].is_f64() && p["se"].is_f64()));
    // The default θ points of the test characteristics are −4, −3.9, …, 4 as written (no
    // −2.5999999999999996 in the JSON).
    let theta_text = serde_json::to_string(&cli["characteristics"]["theta"]).unwrap();
    let expected: Vec<String> = (-40..=40)
        .map(|i| format!("{:.1}", i as f64 / 10.0))
        .collect();
    assert_eq!(theta_text, format!("[{}]", expected.join(",")));
    let lib = pacer::tools::score_irt(
        fixture_bytes("LSAT7/data.csv"),
        data.to_str().unwrap(),
        good.as_bytes(),
        params.to_str().unwrap(),
        &pacer::scoring::ScoringOptions {
            method: pacer::scoring::ScoringMethod::Wle,
            d_constant: 1.0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(cli, serde_json::to_value(&lib).unwrap());

    // A misspelt item: the error names it (and its row in the parameter file).
    let bad = temp_file("bad.csv", &good.replace("Item.4", "Itme.4"));
    let out = pacer(&[
        "score",
        data.to_str().unwrap(),
        "--params",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'Itme.4'") && err.contains("row 5"), "{err}");
    // An item of the response file without parameters.
    let short = temp_file("short.csv", &good.replace("Item.5,2pl,0.7,-2.6\n", ""));
    let out = pacer(&[
        "score",
        data.to_str().unwrap(),
        "--params",
        short.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("item 'Item.5' has no parameters"), "{err}");
    // A score the parameters have no category for (a 0/1 item given scores 1;2).
    let shifted = temp_file(
        "shifted.csv",
        &good
            .replace("item,model,a,b\n", "item,model,a,b,scores\n")
            .replace("-2.6\n", "-2.6,1;2\n"),
    );
    let out = pacer(&[
        "score",
        data.to_str().unwrap(),
        "--params",
        shifted.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("item 'Item.5' has the score 0"), "{err}");
}

/// A KB04 parameter file (tests/fixtures/linking_KB04) in pacer's format, as a temporary file
/// named after `test` too (tests run in parallel and must not rewrite each other's files).
fn kb04_params(name: &str, test: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture(&format!("linking_KB04/{name}"))).unwrap();
    temp_file(&format!("{test}_{name}"), &kb04_params_text(&text))
}

#[test]
fn link_prints_the_library_result_and_names_a_wrong_anchor() {
    let base = kb04_params("form_y_old_pars.csv", "link");
    let new = kb04_params("form_x_new_pars.csv", "link");
    let anchor_text = std::fs::read_to_string(fixture("linking_KB04/common_items.csv"))
        .map(|t| kb04_anchors_text(&t))
        .unwrap();
    let anchors = temp_file("anchors.csv", &anchor_text);
    let args = |extra: &[&str]| {
        let mut v = vec![
            "link".to_string(),
            "--base".into(),
            base.to_str().unwrap().into(),
            "--new".into(),
            new.to_str().unwrap().into(),
            "--anchors".into(),
            anchors.to_str().unwrap().into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let a = args(&["--method", "haebara", "--D", "1.7", "--exclude", "27"]);
    let out = pacer(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // plink 1.5.1 (plink_constants.csv): D = 1.7, item 27 excluded, Haebara.
    assert!(
        (cli["A"].as_f64().unwrap() - 1.088361).abs() < 1e-5,
        "{}",
        cli["A"]
    );
    assert!(
        (cli["B"].as_f64().unwrap() - -0.44159).abs() < 1e-5,
        "{}",
        cli["B"]
    );
    let lib = pacer::tools::link_forms(
        (&std::fs::read(&base).unwrap(), base.to_str().unwrap()),
        (&std::fs::read(&new).unwrap(), new.to_str().unwrap()),
        (anchor_text.as_bytes(), anchors.to_str().unwrap()),
        &pacer::tools::LinkRequest {
            method: Some(pacer::equating::linking::LinkingMethod::Haebara),
            d: Some(1.7),
            exclude: vec!["27".into()],
            ..Default::default()
        }
        .options(),
    )
    .unwrap();
    assert_eq!(cli, serde_json::to_value(&lib).unwrap());

    // --format csv: a parameter file Test Scoring reads back.
    let a = args(&["--format", "csv"]);
    let out = pacer(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("item,model,a,b,c,u\n1,3pl,"), "{csv}");
    let items = pacer::data::read_item_parameters(csv.as_bytes(), "linked.csv", 1.702).unwrap();
    assert_eq!(items.len(), 36);

    // A misspelt anchor: exit 2, the message names the item, the file and the row.
    let bad = temp_file(
        "bad_anchors.csv",
        &anchor_text.replace("\n27,27", "\n27,72"),
    );
    let out = pacer(&[
        "link",
        "--base",
        base.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
        "--anchors",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'72'") && err.contains("bad_anchors.csv") && err.contains("row 10"),
        "{err}"
    );
}

#[test]
fn equate_prints_the_conversion_table() {
    let base = kb04_params("form_y_old_pars.csv", "equate");
    let new = kb04_params("form_x_new_pars.csv", "equate");
    let anchor_text = std::fs::read_to_string(fixture("linking_KB04/common_items.csv"))
        .map(|t| kb04_anchors_text(&t))
        .unwrap();
    let anchors = temp_file("anchors_eq.csv", &anchor_text);
    let run_with = |extra: &[&str]| {
        let mut args = vec![
            "equate",
            "--base",
            base.to_str().unwrap(),
            "--new",
            new.to_str().unwrap(),
            "--anchors",
            anchors.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        pacer(&args)
    };
    let out = run_with(&["--synthetic-weight", "1.5"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("syntheticWeight") && err.contains("1.5"),
        "{err}"
    );
    // Population 1 shifted up: its scores are higher, and the observed-score equivalents move.
    let out = run_with(&["--pop1-mean", "0.5", "--pop1-sd", "1.2", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shifted: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shifted["observed_score"]["pop1"]["mean"], 0.5);
    assert_eq!(shifted["observed_score"]["pop1"]["sd"], 1.2);
    let run = |format: &str| {
        let out = pacer(&[
            "equate",
            "--base",
            base.to_str().unwrap(),
            "--new",
            new.to_str().unwrap(),
            "--anchors",
            anchors.to_str().unwrap(),
            "--method",
            "mean-sigma",
            "--D",
            "1.7",
            "--exclude",
            "27",
            "--format",
            format,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["tool"], "equating");
    assert_eq!(json["linking"]["method"], "mean-sigma");
    let rows = json["true_score"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 37);
    // plink: score 7 -> θ -4.335528, equivalent 6.134146.
    assert!((rows[7]["equivalent"].as_f64().unwrap() - 6.134146).abs() < 1e-5);
    assert!(rows[3]["theta"].is_null());
    let csv = run("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "score,theta,true_score_equivalent,observed_score_equivalent"
    );
    assert_eq!(lines.len(), 38);
    assert!(lines[8].starts_with("7,-4.3355"), "{}", lines[8]);
    // plink_observed_score_equating.csv: score 7 -> 6.666830.
    let ose: f64 = lines[8].split(',').nth(3).unwrap().parse().unwrap();
    assert!((ose - 6.666830).abs() < 1e-4, "{ose}");
    let obs = json["observed_score"]["rows"].as_array().unwrap();
    assert_eq!(obs.len(), 37);
}

#[test]
fn cdm_json_csv_and_a_mismatched_q_matrix() {
    let data = fixture("frac20/data.csv");
    let q = fixture("frac20/Q.csv");
    let run = |extra: &[&str]| {
        let mut args = vec!["cdm", data.to_str().unwrap(), "--q", q.to_str().unwrap()];
        args.extend_from_slice(extra);
        pacer(&args)
    };
    let out = run(&["--model", "dina", "--starts", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tool"], "cdm");
    assert_eq!(json["model"], "dina");
    assert_eq!(json["npar"], 295);
    // GDINA 2.9.12: -4402.3030 (tests/fixtures/frac20/gdina_DINA_fit.json).
    assert!(
        json["loglik"].as_f64().unwrap() > -4402.32,
        "{}",
        json["loglik"]
    );
    let out = run(&["--model", "dina", "--starts", "1", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "item,required,pattern,prob,se");
    // 190 reduced patterns over the 20 items (as GDINA's catprob table).
    assert_eq!(lines.len(), 191);
    assert!(lines[1].starts_with("V1,A4;A6;A7,000,"), "{}", lines[1]);
    // A Q-matrix missing an item of the response file.
    let text = std::fs::read_to_string(&q).unwrap();
    let short: Vec<&str> = text.lines().filter(|l| !l.starts_with("V20,")).collect();
    let bad_q = temp_file("cdm_q_short.csv", &(short.join("\n") + "\n"));
    let out = pacer(&[
        "cdm",
        data.to_str().unwrap(),
        "--q",
        bad_q.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'V20'") && err.contains("cdm_q_short.csv"),
        "{err}"
    );
}

#[test]
fn cdm_parameters_feed_profile_and_its_errors_name_the_file() {
    // pacer cdm's CSV and --classes-csv are the files pacer profile reads.
    let data = fixture("frac20/data.csv");
    let q = fixture("frac20/Q.csv");
    let classes = temp_file("profile_classes.csv", "");
    let out = pacer(&[
        "cdm",
        data.to_str().unwrap(),
        "--q",
        q.to_str().unwrap(),
        "--model",
        "dina",
        "--starts",
        "1",
        "--format",
        "csv",
        "--classes-csv",
        classes.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let params_text = String::from_utf8(out.stdout).unwrap();
    let params = temp_file("profile_params.csv", &params_text);
    let class_text = std::fs::read_to_string(&classes).unwrap();
    assert_eq!(class_text.lines().count(), 257);
    assert_eq!(class_text.lines().next(), Some("pattern,proportion"));
    let profile = |params: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "profile",
            data.to_str().unwrap(),
            "--q",
            q.to_str().unwrap(),
            "--params",
            params.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        pacer(&args)
    };
    let out = profile(&params, &["--classes", classes.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tool"], "profile");
    assert_eq!(json["prior"], "file");
    assert_eq!(json["persons"].as_array().unwrap().len(), 536);
    let accuracy = json["classification"]["pattern_accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.0 && accuracy < 1.0);
    // The same examinees as CSV, one row each; without class proportions MAP equals MLE.
    let out = profile(&params, &["--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 537);
    assert!(lines[0].starts_with("row,id,mastery_A1,"), "{}", lines[0]);
    assert!(lines[0].ends_with(",eap,map,map_posterior,map_ties,mle,mle_ties"));
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        let n = cells.len();
        assert_eq!(cells[n - 5], cells[n - 2], "{line}");
    }
    // A parameter file missing one of V1's patterns, one with a pattern too long for V1, and
    // class proportions that do not sum to 1: each names the file and what is wrong.
    let missing: Vec<&str> = params_text
        .lines()
        .filter(|l| !l.starts_with("V1,A4;A6;A7,101,"))
        .collect();
    let bad = temp_file("profile_missing.csv", &(missing.join("\n") + "\n"));
    let err = String::from_utf8(profile(&bad, &[]).stderr).unwrap();
    assert!(
        err.contains("profile_missing.csv") && err.contains("'V1'") && err.contains("101"),
        "{err}"
    );
    let long = params_text.replacen("V1,A4;A6;A7,000,", "V1,A4;A6;A7,0000,", 1);
    let bad = temp_file("profile_long.csv", &long);
    let err = String::from_utf8(profile(&bad, &[]).stderr).unwrap();
    assert!(
        err.contains("row 2") && err.contains("3 attributes"),
        "{err}"
    );
    let halved: String = class_text
        .lines()
        .map(|l| match l.split_once(',') {
            Some((p, v)) if p != "pattern" => format!("{p},{}\n", v.parse::<f64>().unwrap() / 2.0),
            _ => format!("{l}\n"),
        })
        .collect();
    let bad = temp_file("profile_half.csv", &halved);
    let out = profile(&params, &["--classes", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("profile_half.csv") && err.contains("sum to 0.5"),
        "{err}"
    );
}

#[test]
fn dif_json_and_csv_equal_the_library_result() {
    let path = fixture("verbal/data.csv");
    let file = path.to_str().unwrap();
    let args = [
        "dif",
        file,
        "--group-column",
        "Gender",
        "--reference",
        "0",
        "--exclude",
        "Anger",
        "--purify",
    ];
    let out = pacer(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let request = pacer::tools::DifRequest {
        group_column: Some("Gender".into()),
        reference: Some("0".into()),
        exclude: vec!["Anger".into()],
        purify: true,
        ..Default::default()
    };
    let (roles, options) = request.options().unwrap();
    let lib =
        pacer::tools::analyze_dif(&std::fs::read(&path).unwrap(), file, &roles, None, &options)
            .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        pacer::tools::to_json(&lib)
    );
    let mut csv_args = args.to_vec();
    csv_args.extend(["--format", "csv"]);
    let out = pacer(&csv_args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, pacer::tools::dif_table_csv(&lib));
    assert_eq!(text.lines().count(), 1 + 24);
    assert!(text.starts_with("focal,item,item_type,n_reference,n_focal,mh_chi_square,"));
    // A reference group the file does not have: exit 2 and the values it has.
    let out = pacer(&[
        "dif",
        file,
        "--group-column",
        "Gender",
        "--exclude",
        "Anger",
        "--reference",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("'2'") && err.contains("it has '1', '0'"),
        "{err}"
    );
}
