//! DIF checked against difR 5.1 (`difMH`) on the verbal aggression data (tests/fixtures/verbal:
//! 316 x 24, Gender 0 = women the reference group, 1 = men the focal group; the Anger column is
//! a covariate, left out).

mod common;

use pacer::data::{read_responses_with, ColumnRoles, ResponseMatrix};
use pacer::dif::{dif, effect_size_class, DifAnalysis, DifOptions};

fn verbal() -> ResponseMatrix {
    let roles = ColumnRoles {
        group: "Gender".into(),
        exclude: vec!["Anger".into()],
        ..ColumnRoles::default()
    };
    read_responses_with(
        &common::fixture_bytes("verbal/data.csv"),
        "data.csv",
        &roles,
    )
    .unwrap()
}

fn run(options: &DifOptions) -> DifAnalysis {
    dif(&verbal(), options).unwrap()
}

/// Compares every item's MH statistics with a difR table (`stat` the column MH_stat holds:
/// "chi" for the chi-square, "z" for the log odds-ratio z).
fn check(result: &DifAnalysis, table: &str, stat: &str) {
    let (header, rows) = common::read_csv_table(table);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let comparison = &result.comparisons[0];
    assert_eq!(comparison.items.len(), rows.len());
    let mut worst = 0.0f64;
    for (row, item) in rows.iter().zip(&comparison.items) {
        assert_eq!(item.item, row[col("item")]);
        let mh = item.mh.expect("0/1 item");
        let num = |name: &str| row[col(name)].parse::<f64>().unwrap();
        let ours = if stat == "z" {
            mh.log_or_z
        } else {
            mh.chi_square
        };
        for (what, a, b) in [
            ("MH statistic", ours, num("MH_stat")),
            ("alphaMH", mh.alpha_mh, num("alphaMH")),
            ("deltaMH", mh.delta_mh, num("deltaMH")),
            ("varLambda", mh.var_log_alpha, num("varLambda")),
        ] {
            worst = worst.max((a - b).abs());
            common::assert_close(&format!("{table} {} {what}", item.item), a, b, 1e-4);
        }
        if stat == "chi" {
            common::assert_close(
                &format!("{table} {} p", item.item),
                mh.p,
                num("p_value"),
                1e-4,
            );
            assert_eq!(
                mh.flagged,
                row[col("flagged")] == "TRUE",
                "{} flagged",
                item.item
            );
        }
        // difR's effect-size code of its own delta equals ours.
        assert_eq!(
            item.effect_size_class.unwrap(),
            effect_size_class(num("deltaMH")),
            "{} ETS class",
            item.item
        );
    }
    eprintln!("{table}: largest absolute difference {worst:.1e}");
}

/// The items difR flagged in the run `name` of difR_info.json.
fn difr_flagged(name: &str) -> Vec<String> {
    let info: serde_json::Value =
        serde_json::from_slice(&common::fixture_bytes("verbal/difR_info.json")).unwrap();
    info[name]["DIFitems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn mantel_haenszel_matches_difr() {
    let r = run(&DifOptions::new("0"));
    assert_eq!(r.focal_groups, ["1"]);
    assert_eq!(
        (r.comparisons[0].n_reference, r.comparisons[0].n_focal),
        (243, 73)
    );
    check(&r, "verbal/difR_MH.csv", "chi");
    // The log odds-ratio statistic is reported beside the chi-square.
    check(&r, "verbal/difR_MH_logOR.csv", "z");
    assert_eq!(r.comparisons[0].flagged_items, difr_flagged("MH"));
}

#[test]
fn without_continuity_correction_matches_difr() {
    let r = run(&DifOptions {
        continuity_correction: false,
        ..DifOptions::new("0")
    });
    check(&r, "verbal/difR_MH_nocorrect.csv", "chi");
}

#[test]
fn purification_matches_difr() {
    let r = run(&DifOptions {
        purify: true,
        ..DifOptions::new("0")
    });
    check(&r, "verbal/difR_MH_purified.csv", "chi");
    let info: serde_json::Value =
        serde_json::from_slice(&common::fixture_bytes("verbal/difR_info.json")).unwrap();
    let p = r.comparisons[0].purification.as_ref().unwrap();
    assert!(p.converged);
    assert_eq!(
        p.iterations as u64,
        info["MH_purified"]["purification_iterations"]
            .as_u64()
            .unwrap()
    );
    let flagged = difr_flagged("MH_purified");
    assert_eq!(r.comparisons[0].flagged_items, flagged);
    // The final matching score holds exactly the items not flagged.
    assert_eq!(p.matching_items.len(), 24 - flagged.len());
}

#[test]
fn logistic_regression_and_standardization_match_statsmodels_and_pandas() {
    // tests/fixtures/verbal/reference_lr_std.json (make_reference_lr_std.py): likelihood-ratio
    // chi-squares and Nagelkerke R² changes from statsmodels' Logit fits, STD P-DIF by pandas.
    let r = run(&DifOptions::new("0"));
    let reference: serde_json::Value =
        serde_json::from_slice(&common::fixture_bytes("verbal/reference_lr_std.json")).unwrap();
    let mut worst = 0.0f64;
    for (item, row) in r.comparisons[0]
        .items
        .iter()
        .zip(reference["items"].as_array().unwrap())
    {
        assert_eq!(item.item, row["item"].as_str().unwrap());
        let lr = item.logistic.expect("0/1 item");
        assert!(lr.converged, "{}", item.item);
        let num = |k: &str| row[k].as_f64().unwrap();
        for (what, a, b) in [
            (
                "uniform chi-square",
                lr.uniform.chi_square,
                num("uniform_chi_square"),
            ),
            (
                "non-uniform chi-square",
                lr.nonuniform.chi_square,
                num("nonuniform_chi_square"),
            ),
            (
                "both chi-square",
                lr.both.chi_square,
                num("both_chi_square"),
            ),
            (
                "uniform R2 change",
                lr.uniform.r2_change.expect("R² is defined"),
                num("uniform_r2_change"),
            ),
            (
                "non-uniform R2 change",
                lr.nonuniform.r2_change.expect("R² is defined"),
                num("nonuniform_r2_change"),
            ),
            (
                "both R2 change",
                lr.both.r2_change.expect("R² is defined"),
                num("both_r2_change"),
            ),
            ("STD P-DIF", item.std.unwrap().value, num("std_p_dif")),
        ] {
            worst = worst.max((a - b).abs());
            common::assert_close(&format!("{} {what}", item.item), a, b, 1e-6);
        }
        assert_eq!(lr.both.df, 2);
    }
    eprintln!("logistic regression and STD P-DIF: largest absolute difference {worst:.1e}");
}

#[test]
fn several_focal_groups_are_compared_in_turn_and_errors_name_the_groups() {
    // Three groups: the men split by row parity into '1' and '2'; each focal group is compared
    // with the reference alone, so the '1' comparison equals a two-group run without '2'.
    let data = verbal();
    let groups: Vec<String> = data.groups().unwrap().to_vec();
    let mut text = String::from_utf8(common::fixture_bytes("verbal/data.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (i, line) in lines.iter_mut().enumerate().skip(1) {
        if groups[i - 1] == "1" && i % 2 == 0 {
            let cut = line.rfind(',').unwrap();
            line.replace_range(cut + 1.., "2");
        }
    }
    text = lines.join("\n");
    let roles = ColumnRoles {
        group: "Gender".into(),
        exclude: vec!["Anger".into()],
        ..ColumnRoles::default()
    };
    let three = read_responses_with(text.as_bytes(), "three.csv", &roles).unwrap();
    let r = dif(&three, &DifOptions::new("0")).unwrap();
    assert_eq!(r.focal_groups, ["1", "2"]);
    let without_two: String = text
        .lines()
        .filter(|l| !l.ends_with(",2"))
        .collect::<Vec<_>>()
        .join("\n");
    let two_groups = read_responses_with(without_two.as_bytes(), "two.csv", &roles).unwrap();
    let r1 = dif(&two_groups, &DifOptions::new("0")).unwrap();
    assert_eq!(r.comparisons[0].items, r1.comparisons[0].items);
    assert_eq!(
        r.comparisons[0].n_focal + r.comparisons[1].n_focal,
        73,
        "the men are split between the two focal groups"
    );
    // A reference group the column does not have: the message lists the values.
    let e = dif(&three, &DifOptions::new("women"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'women'") && e.contains("'0'") && e.contains("'2'"),
        "{e}"
    );
    // No group column.
    let plain = pacer::data::read_responses(&common::fixture_bytes("verbal/data.csv"), "data.csv");
    let plain = plain.unwrap();
    let e = dif(&plain, &DifOptions::new("0")).unwrap_err().to_string();
    assert!(e.contains("no group column"), "{e}");
    // A group column name the file lacks.
    let e = read_responses_with(
        &common::fixture_bytes("verbal/data.csv"),
        "data.csv",
        &ColumnRoles {
            group: "Sex".into(),
            ..ColumnRoles::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("'Sex'") && e.contains("Gender"), "{e}");
}

#[test]
fn golden_file_matches_native() {
    // tests/fixtures/golden/verbal_dif.json: the purified analysis as the native build writes
    // it (PACER_UPDATE_GOLDEN=1 rewrites it); the wasm tests compare their output with it.
    let json = pacer::tools::analyze_dif_json(
        &common::fixture_bytes("verbal/data.csv"),
        b"",
        r#"{"fileName": "data.csv", "groupColumn": "Gender", "reference": "0", "exclude": ["Anger"], "purify": true}"#,
    )
    .unwrap();
    let path = common::fixture("golden/verbal_dif.json");
    if std::env::var("PACER_UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, format!("{json}\n")).unwrap();
    }
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    golden["engine"]["version"] = ours["engine"]["version"].clone();
    common::json_close(&ours, &golden, "verbal DIF");
}

#[test]
fn polytomous_items_get_the_standardized_mean_difference() {
    // Science (392 x 4, scores 1-4) with a group column by row parity: per item the SMD is
    // Σ_k n_Fk (m_Fk − m_Rk) / Σ_k n_Fk over the total scores both groups reach, written out
    // here directly; SMD / SD divides by the item's SD over both groups (n − 1). Polytomous items
    // have no Mantel-Haenszel or logistic regression results.
    let text = String::from_utf8(common::fixture_bytes("Science/data.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<Vec<f64>> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    let mut csv = format!("{header},group\n");
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|v| v.to_string()).collect();
        csv.push_str(&format!(
            "{},{}\n",
            cells.join(","),
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    let data = pacer::data::read_responses(csv.as_bytes(), "science.csv").unwrap();
    let r = dif(&data, &DifOptions::new("a")).unwrap();
    let total: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    for (j, item) in r.comparisons[0].items.iter().enumerate() {
        assert_eq!(item.item_type, "polytomous");
        assert!(item.mh.is_none() && item.logistic.is_none() && item.ets_class.is_none());
        let (mut num, mut den) = (0.0, 0.0);
        for level in 4..=16 {
            let at = |focal: bool| -> Vec<f64> {
                rows.iter()
                    .enumerate()
                    .filter(|(i, _)| total[*i] == f64::from(level) && (i % 2 == 1) == focal)
                    .map(|(_, r)| r[j])
                    .collect()
            };
            let (f, rf) = (at(true), at(false));
            if f.is_empty() || rf.is_empty() {
                continue;
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            num += f.len() as f64 * (mean(&f) - mean(&rf));
            den += f.len() as f64;
        }
        let smd = num / den;
        let x: Vec<f64> = rows.iter().map(|r| r[j]).collect();
        let m = x.iter().sum::<f64>() / x.len() as f64;
        let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0)).sqrt();
        let std = item.std.unwrap();
        common::assert_close(&format!("{} SMD", item.item), std.value, smd, 1e-12);
        common::assert_close(
            &format!("{} SMD/SD", item.item),
            std.relative_to_sd.unwrap(),
            smd / sd,
            1e-12,
        );
    }
}
