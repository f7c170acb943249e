//! Raw choices with an answer key: rescoring, the distractor analysis and the errors, checked
//! by hand on a ten-examinee file.

use pacer::ctt::{ItemAnalysisOptions, MissingHandling};
use pacer::data::OmitScoring;
use pacer::tools::analyze_items_with_key;

/// Three multiple-choice items (options A-D; keys B, D, A) and one item already scored 0-2.
const RESPONSES: &str = "id,Q1,Q2,Q3,Q4\n\
    p1,B,D,A,2\n\
    p2,B,D,C,2\n\
    p3,B,A,A,1\n\
    p4,A,D,A,1\n\
    p5,B,,B,2\n\
    p6,C,D,A,0\n\
    p7,A,B,C,1\n\
    p8,D,A,B,0\n\
    p9,b,d,a,2\n\
    p10,A,,D,0\n";

const KEY: &str = "item,key\nQ1,B\nQ2,d\nQ3,A\nQ4,scored\n";

fn analyse(
    responses: &str,
    key: &str,
    omits: OmitScoring,
) -> pacer::Result<pacer::ctt::ItemAnalysis> {
    analyze_items_with_key(
        responses.as_bytes(),
        "choices.csv",
        (key.as_bytes(), "key.csv"),
        omits,
        &ItemAnalysisOptions {
            missing: MissingHandling::Pairwise,
        },
    )
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

#[test]
fn choices_are_rescored_before_every_statistic() {
    let r = analyse(RESPONSES, KEY, OmitScoring::Wrong).unwrap();
    // Rescored by hand: Q1 1110100010, Q2 1101010010 (omits 0), Q3 1011010010, Q4 as given.
    let p: Vec<f64> = r.items.iter().map(|i| i.p_value).collect();
    assert_eq!(p[..3], [0.5, 0.5, 0.5]);
    assert!((r.items[3].mean - 1.1).abs() < 1e-12);
    let key = r.key.as_ref().unwrap();
    assert_eq!(
        (key.n_options, key.multiple_choice_items, key.scored_items),
        (4, 3, 1)
    );
    // Totals 5,4,3,3,3,2,1,0,5,0: mean 2.6.
    assert!((r.test.mean - 2.6).abs() < 1e-12);
    // Omits as missing: Q2 is answered by 8, 5 of them correctly.
    let m = analyse(RESPONSES, KEY, OmitScoring::Missing).unwrap();
    assert_eq!(m.items[1].n, 8);
    assert!((m.items[1].p_value - 5.0 / 8.0).abs() < 1e-12);
}

#[test]
fn distractor_statistics_match_a_hand_computation() {
    let r = analyse(RESPONSES, KEY, OmitScoring::Wrong).unwrap();
    let d = r.distractors.as_ref().unwrap();
    assert_eq!(d.len(), 3, "the scored item has no distractors");
    let q1 = &d[0];
    assert_eq!((q1.item.as_str(), q1.key.as_str()), ("Q1", "B"));
    // Q1's rest scores (total minus Q1): 4,3,2,3,2,2,1,0,4,0. Mid-rank percentiles: 0 → 0.1,
    // 1 → 0.25, 2 → 0.45, 3 → 0.7, 4 → 0.9, so groups (⌊5 PR⌋) 0..4 hold 2, 1, 3, 2, 2.
    assert_eq!(q1.group_sizes, [2, 1, 3, 2, 2]);
    assert_eq!(
        q1.group_ranges,
        [
            Some((0, 0)),
            Some((1, 1)),
            Some((2, 2)),
            Some((3, 3)),
            Some((4, 4))
        ]
    );
    let rest = [4.0, 3.0, 2.0, 3.0, 2.0, 2.0, 1.0, 0.0, 4.0, 0.0];
    let chosen = |letters: &str| -> Vec<f64> {
        "BBBABCADBA"
            .chars()
            .map(|c| f64::from(u8::from(letters.contains(c))))
            .collect()
    };
    let labels: Vec<&str> = q1.options.iter().map(|o| o.option.as_str()).collect();
    assert_eq!(labels, ["A", "B", "C", "D", "omit"]);
    for (o, (count, by_group)) in q1.options.iter().zip([
        // A: p4 (rest 3), p7 (1), p10 (0).
        (3, [Some(0.5), Some(1.0), Some(0.0), Some(0.5), Some(0.0)]),
        // B: p1 (4), p2 (3), p3 (2), p5 (2), p9 (4).
        (
            5,
            [Some(0.0), Some(0.0), Some(2.0 / 3.0), Some(0.5), Some(1.0)],
        ),
        // C: p6 (2).
        (
            1,
            [Some(0.0), Some(0.0), Some(1.0 / 3.0), Some(0.0), Some(0.0)],
        ),
        // D: p8 (0).
        (1, [Some(0.5), Some(0.0), Some(0.0), Some(0.0), Some(0.0)]),
        // Nobody omitted Q1.
        (0, [Some(0.0); 5]),
    ]) {
        assert_eq!(o.count, count, "{}", o.option);
        assert!((o.proportion - count as f64 / 10.0).abs() < 1e-15);
        for (a, b) in o.by_group.iter().zip(by_group) {
            assert!(
                (a.unwrap() - b.unwrap()).abs() < 1e-15,
                "{} {:?}",
                o.option,
                o.by_group
            );
        }
        if o.option == "omit" {
            assert_eq!(o.rest_r, None, "nobody omitted: undefined");
        } else {
            let expected = pearson(&chosen(&o.option), &rest);
            assert!((o.rest_r.unwrap() - expected).abs() < 1e-12, "{}", o.option);
        }
        assert_eq!(o.key, o.option == "B");
    }
    // C is chosen by a middle scorer and D by a low one: C's correlation is negative too here,
    // A's is negative; none of the distractors is positively related, the key is.
    assert!(q1.options[1].rest_r.unwrap() > 0.0);
    assert!(q1.options.iter().all(|o| !o.flagged));
    // Q2's omits (p5, p10) are reported.
    let omit = q1.options.len() - 1;
    assert_eq!(d[1].options[omit].count, 2);
    // A distractor that the better examinees choose is flagged: in Q3 (key A), C is chosen by
    // p2 (rest 4) and p7 (rest 1).
    let q3 = &d[2];
    let c = &q3.options[2];
    let rest3 = [4.0, 4.0, 2.0, 2.0, 3.0, 1.0, 1.0, 0.0, 4.0, 0.0];
    let chose_c: Vec<f64> = "AC AABACBAD"
        .replace(' ', "")
        .chars()
        .map(|ch| f64::from(u8::from(ch == 'C')))
        .collect();
    assert!((c.rest_r.unwrap() - pearson(&chose_c, &rest3)).abs() < 1e-12);
    assert_eq!(c.flagged, c.rest_r.unwrap() > 0.0);
    // The distractor CSV: one row per item and option.
    let csv = pacer::tools::distractor_table_csv(&r);
    assert_eq!(csv.lines().count(), 1 + 3 * 5);
    assert!(csv.starts_with("item,key,option,is_key,count,proportion,rest_r,flagged,group1,"));
}

#[test]
fn keys_that_do_not_fit_are_errors_naming_what_to_change() {
    let err = |responses: &str, key: &str| {
        analyse(responses, key, OmitScoring::Wrong)
            .unwrap_err()
            .to_string()
    };
    // An item without a key.
    let e = err(RESPONSES, "item,key\nQ1,B\nQ2,D\nQ4,scored\n");
    assert!(
        e.contains("key.csv") && e.contains("'Q3'") && e.contains("no key"),
        "{e}"
    );
    // A key for an item the file does not have.
    let e = err(RESPONSES, &format!("{KEY}Q9,A\n"));
    assert!(e.contains("'Q9'") && e.contains("row 6"), "{e}");
    // A key beyond the options anyone could choose (the file uses A to D).
    let e = err(RESPONSES, &KEY.replace("Q3,A", "Q3,E"));
    assert!(
        e.contains("'Q3'") && e.contains("E") && e.contains("A to D"),
        "{e}"
    );
    // Neither a letter nor 'scored'.
    let e = err(RESPONSES, &KEY.replace("Q3,A", "Q3,AB"));
    assert!(e.contains("'AB'") && e.contains("scored"), "{e}");
    // A letter in an item keyed 'scored', a number in a multiple-choice item.
    let e = err(&RESPONSES.replace("p3,B,A,A,1", "p3,B,A,A,C"), KEY);
    assert!(
        e.contains("row 4") && e.contains("Q4") && e.contains("'C'"),
        "{e}"
    );
    let e = err(&RESPONSES.replace("p3,B,A,A,1", "p3,1,A,A,1"), KEY);
    assert!(
        e.contains("row 4") && e.contains("Q1") && e.contains("'1'"),
        "{e}"
    );
    // Without a key, option letters are an error that says a key is needed.
    let e = pacer::tools::analyze_items(
        RESPONSES.as_bytes(),
        "choices.csv",
        &ItemAnalysisOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("--key"), "{e}");
}

#[test]
fn golden_file_matches_native() {
    // tests/fixtures/golden/mc_sample_items_key.json: the raw-choice sample with its key as the
    // native build analyses it (PACER_UPDATE_GOLDEN=1 rewrites it); the wasm tests compare
    // their output with it.
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |p: &str| std::fs::read(format!("{root}/tests/fixtures/{p}")).unwrap();
    let json = pacer::tools::analyze_items_with_key_json(
        &read("mc_sample/choices.csv"),
        &read("mc_sample/key.csv"),
        r#"{"fileName": "choices.csv", "keyFileName": "key.csv"}"#,
    )
    .unwrap();
    let path = format!("{root}/tests/fixtures/golden/mc_sample_items_key.json");
    if std::env::var("PACER_UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, format!("{json}\n")).unwrap();
    }
    let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(ours["distractors"], golden["distractors"]);
    assert_eq!(ours["items"], golden["items"]);
}
