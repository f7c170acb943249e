//! The JSON documentation lists exactly the fields the engine emits (so docs and output cannot
//! drift apart silently).

mod common;
use common::*;
use std::collections::BTreeSet;

/// Field names from the first column of the markdown tables under `heading` (up to the next `##`).
fn documented(doc: &str, heading: &str) -> BTreeSet<String> {
    let section = doc
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section {heading}"));
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let cell = l.split('|').nth(1).unwrap();
            cell.split(',')
                .map(|f| f.trim().trim_matches('`').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn items_json_fields_are_documented() {
    let doc = std::fs::read_to_string(fixture("../../docs/json/items.md")).unwrap();
    let json = pacer::tools::analyze_items_json(&fixture_bytes("Science/data.csv"), "").unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`items[]`"), keys(&v["items"][0]));
    assert_eq!(documented(&doc, "`test`"), keys(&v["test"]));
}

#[test]
fn irt_json_fields_are_documented() {
    let doc = std::fs::read_to_string(fixture("../../docs/json/irt.md")).unwrap();
    let json = pacer::tools::calibrate_irt_json(
        fixture_bytes("LSAT7/data.csv"),
        "{\"se\": true}",
        &mut |_| pacer::em::Control::Continue,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`items[]`"), keys(&v["items"][0]));
}

#[test]
fn scoring_json_fields_are_documented() {
    let doc = std::fs::read_to_string(fixture("../../docs/json/scoring.md")).unwrap();
    let params = b"item,model,a,b\nItem.1,2pl,1,-1.8\nItem.2,2pl,1.1,-0.7\nItem.3,2pl,1.7,-1.1\nItem.4,2pl,0.8,-0.5\nItem.5,2pl,0.7,-2.6\n";
    let json =
        pacer::tools::score_irt_json(fixture_bytes("LSAT7/data.csv"), params, "{\"cuts\": [0]}")
            .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`persons[]`"), keys(&v["persons"][0]));
}

/// KB04 (tests/fixtures/linking_KB04) as pacer's parameter files and anchor file.
fn kb04() -> (String, String, String) {
    let read =
        |name: &str| std::fs::read_to_string(fixture(&format!("linking_KB04/{name}"))).unwrap();
    let params = |name: &str| kb04_params_text(&read(name));
    let anchors = kb04_anchors_text(&read("common_items.csv"));
    (
        params("form_y_old_pars.csv"),
        params("form_x_new_pars.csv"),
        anchors,
    )
}

#[test]
fn linking_and_equating_json_fields_are_documented() {
    let (base, new, anchors) = kb04();
    let json = pacer::tools::link_forms_json(
        base.as_bytes(),
        new.as_bytes(),
        anchors.as_bytes(),
        "{\"D\": 1}",
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let doc = std::fs::read_to_string(fixture("../../docs/json/linking.md")).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`anchors[]`"), keys(&v["anchors"][0]));
    let json = pacer::tools::equate_forms_json(
        base.as_bytes(),
        new.as_bytes(),
        anchors.as_bytes(),
        "{\"D\": 1}",
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let doc = std::fs::read_to_string(fixture("../../docs/json/equating.md")).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`true_score`"), keys(&v["true_score"]));
    assert_eq!(
        documented(&doc, "`observed_score`"),
        keys(&v["observed_score"])
    );
}

#[test]
fn cdm_json_fields_are_documented() {
    let json = pacer::tools::calibrate_cdm_json(
        &fixture_bytes("frac20/data.csv"),
        &fixture_bytes("frac20/Q.csv"),
        r#"{"model": "dina", "starts": 1}"#,
        &mut |_| pacer::em::Control::Continue,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let doc = std::fs::read_to_string(fixture("../../docs/json/cdm.md")).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`items[]`"), keys(&v["items"][0]));
}

#[test]
fn profile_json_fields_are_documented() {
    let params = pacer::tools::cdm_table_csv(
        &pacer::tools::calibrate_cdm(
            (&fixture_bytes("frac20/data.csv"), "data.csv"),
            (&fixture_bytes("frac20/Q.csv"), "Q.csv"),
            &pacer::cdm::CdmOptions {
                model: pacer::cdm::CdmModel::Dina,
                starts: 1,
                ..Default::default()
            },
            &mut |_| pacer::em::Control::Continue,
        )
        .unwrap(),
    );
    let json = pacer::tools::profile_skills_json(
        &fixture_bytes("frac20/data.csv"),
        &fixture_bytes("frac20/Q.csv"),
        params.as_bytes(),
        b"",
        "{}",
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let doc = std::fs::read_to_string(fixture("../../docs/json/profile.md")).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(documented(&doc, "`persons[]`"), keys(&v["persons"][0]));
    assert_eq!(
        documented(&doc, "`attribute_prevalence[]`"),
        keys(&v["attribute_prevalence"][0])
    );
    assert_eq!(
        documented(&doc, "`classification`"),
        keys(&v["classification"])
    );
}

#[test]
fn dif_json_fields_are_documented() {
    let doc = std::fs::read_to_string(fixture("../../docs/json/dif.md")).unwrap();
    let json = pacer::tools::analyze_dif_json(
        &fixture_bytes("verbal/data.csv"),
        b"",
        r#"{"groupColumn": "Gender", "reference": "0", "exclude": ["Anger"], "purify": true}"#,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(
        documented(&doc, "`comparisons[]`"),
        keys(&v["comparisons"][0])
    );
    assert_eq!(
        documented(&doc, "`items[]`"),
        keys(&v["comparisons"][0]["items"][0])
    );
}

#[test]
fn item_analysis_with_key_fields_are_documented() {
    let doc = std::fs::read_to_string(fixture("../../docs/json/items.md")).unwrap();
    let json = pacer::tools::analyze_items_with_key_json(
        b"Q1,Q2,Q3\nA,B,1\nB,B,0\nC,A,1\nA,,0\n",
        b"item,key\nQ1,A\nQ2,B\nQ3,scored\n",
        "",
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(documented(&doc, "Top level"), keys(&v));
    assert_eq!(
        documented(&doc, "`distractors[]`"),
        keys(&v["distractors"][0])
    );
}

/// Every row of the bad-input catalogue names at least one test, and every test it names
/// exists: `tests/x.rs::fn_name` or `src/…::fn_name` as a Rust test function in that file,
/// `tests/e2e/x.test.mjs::title` as a test with that title.
#[test]
fn every_bad_input_row_names_existing_tests() {
    let doc = std::fs::read_to_string(fixture("../../docs/bad-inputs.md")).unwrap();
    let root = fixture("../..");
    let mut rows = 0;
    for line in doc
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| input"))
    {
        let tests_cell = line
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap()
            .trim();
        let refs: Vec<&str> = tests_cell
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, r)| r)
            .collect();
        assert!(!refs.is_empty(), "a catalogue row without a test: {line}");
        rows += 1;
        for r in refs {
            let (file, name) = r
                .split_once("::")
                .unwrap_or_else(|| panic!("not file::test: {r}"));
            let text = std::fs::read_to_string(root.join(file))
                .unwrap_or_else(|e| panic!("{file} (named in docs/bad-inputs.md): {e}"));
            let found = if file.ends_with(".mjs") {
                text.contains(&format!("test('{name}'"))
            } else {
                text.contains(&format!("fn {name}()"))
            };
            assert!(
                found,
                "docs/bad-inputs.md names {r}, which {file} does not have"
            );
        }
    }
    assert!(rows >= 40, "the catalogue has {rows} rows");
}
