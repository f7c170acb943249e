//! Robustness: the inputs the fuzzers found (each once made the engine return a NaN or an
//! infinity, allocate without bound or run for seconds), estimates at the edge of what the data
//! identify (reported with a warning, never as converged-and-fine), and inputs of extreme size.
//! Rows of the catalogue in `docs/bad-inputs.md` name these tests.

mod common;

use pacer::em::Control;
use pacer::tools::{self, CdmRequest, IrtRequest, LinkRequest, ScoringRequest};
use serde_value::Value;

/// Panics if any number in the result's serde form is NaN or infinite (serde_json would write
/// them as null, so the JSON alone cannot tell).
fn assert_all_finite<T: serde::Serialize>(value: &T, what: &str) {
    fn walk(v: &Value, path: &mut Vec<String>, what: &str) {
        match v {
            Value::F64(x) => assert!(x.is_finite(), "{what}: {x} at {}", path.join(".")),
            Value::F32(x) => assert!(x.is_finite(), "{what}: {x} at {}", path.join(".")),
            Value::Option(Some(inner)) | Value::Newtype(inner) => walk(inner, path, what),
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(item, path, what);
                    path.pop();
                }
            }
            Value::Map(map) => {
                for (k, item) in map {
                    path.push(format!("{k:?}"));
                    walk(item, path, what);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(
        &serde_value::to_value(value).unwrap(),
        &mut Vec::new(),
        what,
    );
}

fn irt(data: &[u8], options: &str) -> pacer::Result<pacer::irt::IrtCalibration> {
    let req: IrtRequest = tools::parse_request(options).unwrap();
    tools::calibrate_irt(data, "data.csv", &req.options(), &mut |_| Control::Continue)
}

fn codes(r: &pacer::irt::IrtCalibration) -> Vec<&str> {
    r.warnings.iter().map(|w| w.code.as_str()).collect()
}

// --- Found by fuzzing -----------------------------------------------------------------------

/// Two examinees with opposite answers: the 1PL's common slope goes to 0, where b = −d/a and
/// its SE are undefined. They are null, with a `zero_slope` warning (they were ±∞).
#[test]
fn a_slope_of_zero_gives_null_difficulties_and_a_warning() {
    let data = b"id,I1,I2\nP0,0,1\nP1,1,0\n";
    let r = irt(
        data,
        r#"{"model":"1pl","D":16.876953125,"maxIter":10,"se":true}"#,
    )
    .unwrap();
    assert_all_finite(&r, "1PL");
    assert!(r
        .items
        .iter()
        .all(|it| it.a1 == 0.0 && it.b.is_none() && it.location.is_none()));
    assert!(r.items.iter().all(|it| it.se_b.is_none()));
    assert!(codes(&r).contains(&"zero_slope"), "{:?}", codes(&r));
}

/// Parameters far from every θ point: the information underflows to 0, so the conditional SE
/// is null (it was +∞); the prior far outside the quadrature grid is refused (it was 0/0).
#[test]
fn zero_information_and_a_prior_off_the_grid() {
    let params = b"item,model,a,b\nI1,2pl,50,100\nI2,2pl,1,0\n";
    let data = b"id,I1,I2\nA,0,1\nB,0,0\nC,0,1\n";
    let req: ScoringRequest = tools::parse_request(r#"{"method":"eap"}"#).unwrap();
    let r = tools::score_irt(data, "data.csv", params, "params.csv", &req.options()).unwrap();
    assert_all_finite(&r, "scoring");
    let req: ScoringRequest = tools::parse_request(
        r#"{"method":"eapsum","priorMean":10.5,"priorSd":0.04296875,"quadrature":11}"#,
    )
    .unwrap();
    let e = tools::score_irt(data, "data.csv", params, "params.csv", &req.options()).unwrap_err();
    assert_eq!(e.details().column.as_deref(), Some("prior-mean"), "{e}");
    assert!(
        e.to_string()
            .contains("no weight on the 11 quadrature nodes"),
        "{e}"
    );
}

/// Summed scores nobody can reach under the prior: their EAP is null (it was 0/0).
#[test]
fn unreachable_summed_scores_have_null_eaps() {
    let params = b"item,model,a,b\nI1,2pl,40,-30\nI2,2pl,40,-30\nI3,2pl,1,0\n";
    let data = b"id,I1,I2,I3\nA,1,1,0\nB,1,1,1\n";
    let req: ScoringRequest = tools::parse_request(r#"{"method":"eapsum"}"#).unwrap();
    let r = tools::score_irt(data, "data.csv", params, "params.csv", &req.options()).unwrap();
    assert_all_finite(&r, "EAPsum");
    assert!(r.eapsum_table[0].theta.is_none(), "{:?}", r.eapsum_table[0]);
    assert!(r.eapsum_table[3].theta.is_some());
}

/// A narrow population far from the other: the θ grid steps over it; refused (it was 0/0).
#[test]
fn a_population_the_grid_misses_is_refused() {
    let base = b"item,model,a,b\nI1,2pl,1.2,0.3\nI2,2pl,0.8,-0.5\n";
    let new = b"item,model,a,b\nI1,2pl,1.1,0.2\nI2,2pl,0.9,-0.4\n";
    let anchors = b"new_item,base_item\nI1,I1\nI2,I2\n";
    let req: LinkRequest = tools::parse_request(
        r#"{"pop1Mean":31.576171875,"pop1Sd":0.01953125,"pop2Sd":27.6748046875,"populationPoints":48}"#,
    )
    .unwrap();
    let e = tools::equate_forms(
        (base, "base.csv"),
        (new, "new.csv"),
        (anchors, "anchors.csv"),
        &req.equating_options(),
    )
    .unwrap_err();
    assert_eq!(e.details().column.as_deref(), Some("pop1Sd"), "{e}");
}

/// Moment linking constants that overflow are an error, not an infinite A. Parameter files
/// cannot carry such slopes any more (`parameters_of_absurd_size_are_refused`), so the moment
/// methods are called with them directly.
#[test]
fn moment_constants_that_overflow_are_refused() {
    use pacer::equating::linking::{moment_constants, LinkingMethod};
    use pacer::irt::{ItemModel, PolyItem};
    let item = |a1: f64, d: f64| PolyItem {
        model: ItemModel::TwoPl,
        a1,
        d: vec![d],
        g: 0.0,
        u: 1.0,
    };
    let (new, base) = (
        [item(1e300, 0.2), item(1e300, -0.4)],
        [item(1e-300, 0.3), item(1e-300, -0.5)],
    );
    let pairs: Vec<(&PolyItem, &PolyItem)> = new.iter().zip(&base).collect();
    let e = moment_constants(&pairs, LinkingMethod::MeanMean).unwrap_err();
    assert!(
        e.to_string()
            .contains("mean-mean gives no usable constants"),
        "{e}"
    );
}

/// DIF on an item everyone compared answered alike: Nagelkerke's ΔR² is undefined (null; it was
/// 0/0) and SMD/SD of a polytomous item without variance likewise.
#[test]
fn dif_without_variance_has_null_effect_sizes() {
    let mut csv = String::from("group,I1,I2,I3,P1\n");
    for i in 0..40 {
        let g = if i % 2 == 0 { "r" } else { "f" };
        csv.push_str(&format!("{g},1,{},{},2\n", i % 3 % 2, (i / 3) % 2));
    }
    let req: tools::DifRequest = tools::parse_request(r#"{"reference":"r"}"#).unwrap();
    let (roles, options) = req.options().unwrap();
    let r = tools::analyze_dif(csv.as_bytes(), "data.csv", &roles, None, &options).unwrap();
    assert_all_finite(&r, "DIF");
    let item = |name: &str| {
        r.comparisons[0]
            .items
            .iter()
            .find(|i| i.item == name)
            .unwrap()
    };
    let lr = item("I1").logistic.as_ref().expect("0/1 item");
    assert!(lr.uniform.r2_change.is_none() && lr.both.r2_change.is_none());
    assert_eq!(lr.class, "A");
    if let Some(std) = &item("P1").std {
        assert!(std.relative_to_sd.is_none());
    }
}

/// The RMSEA interval of a wildly misfitting CDM (M2 in the millions) took 12 s of incomplete
/// gamma functions; the noncentral chi-square now switches to Sankaran's approximation.
#[test]
fn rmsea_interval_of_a_huge_m2_is_quick() {
    let data = b"id,I1,I2,I3,I4\nP0,1,1,,1\nP1,0,0,0,0\nP2,1,1,1,\nP3,,1,,\nP4,,,,\nP5,,,,\nP6,,,,\nP7,,,,\nP8,,,1,1\n";
    let q = b"item,A1\nI1,1\nI2,1\nI3,1\nI4,1\n";
    let req: CdmRequest = tools::parse_request(
        r#"{"model":"rrum","maxIter":6,"starts":2,"seed":5425512963488255985}"#,
    )
    .unwrap();
    let start = std::time::Instant::now();
    let r = tools::calibrate_cdm(
        (data, "data.csv"),
        (q, "Q.csv"),
        &req.options(),
        &mut |_| Control::Continue,
    )
    .unwrap();
    assert_all_finite(&r, "CDM");
    // Generous for a loaded CI machine; the bug took 12 s natively.
    assert!(start.elapsed().as_secs_f64() < 3.0, "{:?}", start.elapsed());
}

/// A workbook whose shared-strings header declares billions of strings: refused before
/// calamine reserves memory for them (it aborted the process).
#[test]
fn a_workbook_declaring_billions_of_strings_is_refused() {
    let bytes = workbook_with(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1013340032385872"><si><t>Q1</t></si></sst>"#,
        r#"<c r="A1" t="s"><v>0</v></c>"#,
        "A1",
    );
    let e = pacer::data::read_responses(&bytes, "big.xlsx").unwrap_err();
    assert_eq!(e.code(), pacer::error::ErrorCode::UnreadableXlsx);
    assert!(
        e.to_string().contains("declares 1013340032385872 strings"),
        "{e}"
    );
}

/// A cell in column 1,000,000 (beyond Excel's XFD): refused (the row buffer was that wide).
#[test]
fn a_cell_beyond_column_xfd_is_refused() {
    let bytes = workbook_with(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Q1</t></si></sst>"#,
        r#"<c r="A1" t="s"><v>0</v></c><c r="BDWGN1" t="s"><v>0</v></c>"#,
        "A1:BDWGN1",
    );
    let e = pacer::data::read_responses(&bytes, "wide.xlsx").unwrap_err();
    assert!(
        e.to_string().contains("beyond Excel's last column XFD"),
        "{e}"
    );
    assert_eq!(e.details().row, Some(1));
}

/// A minimal workbook (stored ZIP entries) with the given shared strings and first-row cells.
fn workbook_with(shared: &str, first_row: &str, dimension: &str) -> Vec<u8> {
    use std::io::Write;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData><row r="1">{first_row}</row><row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>"#
    );
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?>{shared}"#)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

// --- Estimates at the edge ------------------------------------------------------------------

/// 2PL responses of `n` examinees to `k` items (xorshift from `seed`).
fn two_pl(n: usize, k: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = common::XorShift::new(seed | 1);
    (0..n)
        .map(|_| {
            let theta = rng.normal();
            (0..k)
                .map(|j| {
                    let b = -1.0 + 2.0 * j as f64 / k as f64;
                    u8::from(rng.uniform() < 1.0 / (1.0 + (-1.702 * (theta - b)).exp()))
                })
                .collect()
        })
        .collect()
}

fn to_csv(rows: &[Vec<u8>]) -> Vec<u8> {
    let k = rows[0].len();
    let mut out: Vec<String> = vec![(1..=k)
        .map(|j| format!("I{j}"))
        .collect::<Vec<_>>()
        .join(",")];
    out.extend(
        rows.iter()
            .map(|r| r.iter().map(u8::to_string).collect::<Vec<_>>().join(",")),
    );
    (out.join("\n") + "\n").into_bytes()
}

/// A reverse-keyed item gets a negative slope and a warning that says to check its key.
#[test]
fn a_reversed_item_is_flagged_with_a_negative_slope() {
    let mut rows = two_pl(1000, 6, 7);
    for r in &mut rows {
        r[2] = 1 - r[2];
    }
    let r = irt(&to_csv(&rows), r#"{"model":"2pl"}"#).unwrap();
    assert!(r.converged);
    assert!(r.items[2].a1 < 0.0);
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == "negative_slope")
        .expect("a warning");
    assert_eq!(w.item.as_deref(), Some("I3"));
    assert!(w.message.contains("Check its key"), "{}", w.message);
}

/// An item that splits the examinees by their total score on the others (a Guttman item) has
/// a slope without bound: a Heywood-like case, reported.
#[test]
fn a_deterministic_item_is_a_heywood_case() {
    let mut rows = two_pl(800, 6, 11);
    for r in &mut rows {
        let rest: u8 = r[..5].iter().sum();
        r[5] = u8::from(rest >= 3);
    }
    let r = irt(&to_csv(&rows), r#"{"model":"2pl"}"#).unwrap();
    assert_all_finite(&r, "Guttman item");
    let codes = codes(&r);
    assert!(
        codes.contains(&"heywood_slope"),
        "{codes:?}; a1 = {}",
        r.items[5].a1
    );
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == "heywood_slope")
        .unwrap();
    assert_eq!(w.item.as_deref(), Some("I6"));
}

/// A 3PL on data without guessing puts lower asymptotes on their bound: each is reported, and
/// their SEs are null rather than meaningless numbers.
#[test]
fn asymptotes_on_their_bound_are_reported() {
    let rows = two_pl(600, 5, 5);
    let r = irt(&to_csv(&rows), r#"{"model":"3pl","se":true}"#).unwrap();
    for it in r.items.iter().filter(|it| it.on_bound.contains(&"g")) {
        assert!(it.se_g.is_none(), "{}: SE on a bound", it.item);
        assert!(
            r.warnings
                .iter()
                .any(|w| w.code == "parameter_on_bound"
                    && w.item.as_deref() == Some(it.item.as_str()))
        );
    }
    assert!(
        r.items.iter().any(|it| !it.on_bound.is_empty()),
        "no asymptote on its bound"
    );
}

// --- Extreme sizes --------------------------------------------------------------------------

/// 100,000 items: the reader and the item analysis take well under a second (duplicate names
/// were found by an O(items²) scan: 12 s), and a calibration reports what it leaves out.
#[test]
fn a_hundred_thousand_items() {
    let k = 100_000;
    let mut csv = (1..=k)
        .map(|j| format!("Q{j}"))
        .collect::<Vec<_>>()
        .join(",");
    csv.push('\n');
    for p in 0..6u32 {
        let row: Vec<&str> = (0..k)
            .map(|j| {
                if (j as u32 * 7 + p * 3) % 5 < 2 + (p % 2) {
                    "1"
                } else {
                    "0"
                }
            })
            .collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    let start = std::time::Instant::now();
    let r = tools::analyze_items(csv.as_bytes(), "wide.csv", &Default::default()).unwrap();
    assert_eq!(r.n_items, k);
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
    assert_all_finite(&r, "item analysis");
    let r = irt(csv.as_bytes(), r#"{"model":"2pl","maxIter":2}"#).unwrap();
    assert!(!r.converged);
    assert!(
        r.item_fit.is_empty()
            && r.item_fit_note
                .as_deref()
                .unwrap_or("")
                .contains("up to 200 items")
    );
    assert!(r.curves.icc.is_empty() && r.curves.test_information.len() == 81);
    for code in ["not_converged", "item_curves_omitted"] {
        assert!(codes(&r).contains(&code), "{code}");
    }
}

/// A 2 GB file of NUL bytes (sparse, so it costs no disk) given to the CLI: refused as not
/// being CSV or XLSX, with the file named, in seconds.
#[cfg(unix)]
#[test]
fn a_two_gigabyte_binary_file_is_refused_by_the_cli() {
    let path = std::env::temp_dir().join(format!("pacer-2gb-{}.csv", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    drop(f);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pacer"))
        .arg("items")
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pacer-2gb") && err.contains("neither CSV text nor an XLSX workbook"),
        "{err}"
    );
}

// --- Malformed files (rows of the catalogue without a test elsewhere) ------------------------

/// Spreadsheet exports often end every row with a delimiter: the empty, unnamed, unanswered
/// last column is not an item.
#[test]
fn a_trailing_delimiter_is_not_an_item() {
    let r = tools::analyze_items(
        b"id,Q1,Q2,\nA,1,0,\nB,0,1,\nC,1,1,\n",
        "t.csv",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(r.n_items, 2);
    assert_eq!(
        r.items.iter().map(|i| i.item.as_str()).collect::<Vec<_>>(),
        ["Q1", "Q2"]
    );
}

/// Formulas are read by their cached values and merged cells by their first cell (the others
/// are empty, i.e. missing); a second sheet is ignored with a warning.
#[test]
fn xlsx_formulas_and_merged_cells() {
    let bytes = workbook_with(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>Q1</t></si><si><t>Q2</t></si></sst>"#,
        r#"<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="3"><c r="A3"><v>0</v></c><c r="B3"><f>1-A3</f><v>1</v></c></row><row r="4"><c r="A4"><v>1</v></c><c r="B4"/>"#,
        "A1:B4",
    );
    let m = pacer::data::read_responses(&bytes, "f.xlsx").unwrap();
    assert_eq!(m.items(), ["Q1", "Q2"]);
    assert_eq!(m.n_persons(), 3);
    // In the sheet's order: row 3 is 0 and the formula's cached 1; row 4 is 1 and B4, which
    // a merge of A4:B4 leaves as an empty cell (missing); row 2 (written last) is 1 and nothing.
    assert_eq!(m.person(0), [0, 1]);
    assert_eq!(m.person(1), [1, pacer::data::MISSING]);
    assert_eq!(m.person(2), [1, pacer::data::MISSING]);
}

/// Latin-1 text (a byte that is not UTF-8) is refused naming the row and column; UTF-16 too.
#[test]
fn wrong_encodings_name_where() {
    let e =
        pacer::data::read_responses(b"id,\xcdtem,Q2\nA,1,0\nB,0,1\n", "latin1.csv").unwrap_err();
    assert_eq!(e.code(), pacer::error::ErrorCode::NotUtf8);
    assert_eq!(
        (e.details().row, e.details().column.as_deref()),
        (Some(1), Some("#2"))
    );
    assert!(e.to_string().contains("CSV UTF-8"), "{e}");
}

/// One examinee is too few for anything; one item is enough for classical statistics (alpha
/// is then null) but not for a calibration.
#[test]
fn one_examinee_and_one_item() {
    let e = tools::analyze_items(b"Q1,Q2\n1,0\n", "one.csv", &Default::default()).unwrap_err();
    assert_eq!(e.code(), pacer::error::ErrorCode::TooFewData);
    assert!(e.to_string().contains("at least two examinees"), "{e}");
    let r = tools::analyze_items(b"Q1\n1\n0\n1\n", "one.csv", &Default::default()).unwrap();
    assert!(r.test.alpha.is_none());
    assert_all_finite(&r, "one item");
    let e = irt(b"Q1\n1\n0\n1\n", "").unwrap_err();
    assert!(e.to_string().contains("at least two items"), "{e}");
}

/// NaN, infinities and overflowing numbers in parameter files are not numbers.
#[test]
fn nan_and_infinity_in_parameter_files_are_refused() {
    for v in ["NaN", "inf", "-inf", "infinity", "1e999"] {
        let params = format!("item,model,a,b\nI1,2pl,1,{v}\nI2,2pl,1,0\n");
        let e = pacer::data::read_item_parameters(params.as_bytes(), "p.csv", 1.702).unwrap_err();
        assert_eq!(e.details().row, Some(2), "{v}: {e}");
        assert!(e.to_string().contains("is not a number"), "{v}: {e}");
        let params = format!("item,model,a,b\nI1,2pl,{v},0.5\n");
        assert!(
            pacer::data::read_item_parameters(params.as_bytes(), "p.csv", 1.702).is_err(),
            "a = {v}"
        );
        let cdm = format!("item,pattern,prob\nI1,0,{v}\nI1,1,0.9\n");
        let e = pacer::data::read_cdm_item_parameters(cdm.as_bytes(), "c.csv").unwrap_err();
        assert_eq!(e.details().row, Some(2), "{v}: {e}");
        let classes = format!("pattern,proportion\n0,{v}\n1,0.5\n");
        let e = pacer::data::read_class_proportions(classes.as_bytes(), "cl.csv").unwrap_err();
        assert_eq!(e.details().row, Some(2), "{v}: {e}");
    }
}

/// Absurd options of scoring, linking and CDM calibration are refused before any work, naming
/// the option.
#[test]
fn absurd_options_of_every_tool_are_refused() {
    let data = b"id,I1,I2\nA,1,0\nB,0,1\nC,1,1\n";
    let params = b"item,model,a,b\nI1,2pl,1,0.2\nI2,2pl,1.2,-0.3\n";
    for (options, option) in [
        (r#"{"quadrature":0}"#, "quadrature"),
        (r#"{"priorSd":-1}"#, "prior-sd"),
        (r#"{"priorSd":0}"#, "prior-sd"),
        (r#"{"priorSd":1e300}"#, "prior-sd"),
        (r#"{"D":0}"#, "D"),
    ] {
        let req: ScoringRequest = tools::parse_request(options).unwrap();
        let e = tools::score_irt(data, "d.csv", params, "p.csv", &req.options()).unwrap_err();
        assert_eq!(
            e.details().column.as_deref(),
            Some(option),
            "{options}: {e}"
        );
    }
    let anchors = b"new_item,base_item\nI1,I1\nI2,I2\n";
    for options in [
        r#"{"thetaPoints":[]}"#,
        r#"{"thetaPoints":[0,1],"weights":[1]}"#,
        r#"{"weights":[-1,1,1]}"#,
        r#"{"D":-1}"#,
    ] {
        let req: LinkRequest = tools::parse_request(options).unwrap();
        let r = tools::link_forms(
            (params, "b.csv"),
            (params, "n.csv"),
            (anchors, "a.csv"),
            &req.options(),
        );
        let e = r.expect_err(options);
        assert_eq!(
            e.code(),
            pacer::error::ErrorCode::InvalidOption,
            "{options}: {e}"
        );
    }
    let q = b"item,A1\nI1,1\nI2,1\n";
    for (options, option) in [
        (r#"{"starts":0}"#, "starts"),
        (r#"{"tol":-1}"#, "tol"),
        (r#"{"maxIter":0}"#, "maxIter"),
    ] {
        let req: CdmRequest = tools::parse_request(options).unwrap();
        let r = tools::calibrate_cdm((data, "d.csv"), (q, "q.csv"), &req.options(), &mut |_| {
            Control::Continue
        });
        let e = r.expect_err(options);
        assert_eq!(
            e.details().column.as_deref(),
            Some(option),
            "{options}: {e}"
        );
    }
}

/// CDM success probabilities held at their bounds (1e-4, 0.9999) get a `boundary` warning.
#[test]
fn cdm_probabilities_on_their_bound_are_reported() {
    let data = common::fixture_bytes("frac20/data.csv");
    let q = common::fixture_bytes("frac20/Q.csv");
    let req: CdmRequest = tools::parse_request(r#"{"model":"llm"}"#).unwrap();
    let r = tools::calibrate_cdm(
        (&data, "frac20.csv"),
        (&q, "Q.csv"),
        &req.options(),
        &mut |_| Control::Continue,
    )
    .unwrap();
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == "boundary")
        .expect("a boundary warning");
    assert!(w.message.contains("at a bound"), "{}", w.message);
    let item = r
        .items
        .iter()
        .find(|it| Some(it.item.as_str()) == w.item.as_deref())
        .unwrap();
    assert!(item
        .groups
        .iter()
        .any(|g| g.prob <= 1e-4 || g.prob >= 0.9999));
}

/// Two examinees, one answering both items wrong and one right: under the Rasch model the
/// variance goes to infinity. An error says so (the result held an infinite variance).
#[test]
fn estimates_that_go_to_infinity_are_an_error() {
    let e = irt(
        b"I1,I2\n,\n,\n,\n0,0\n1,1\n",
        r#"{"model":"rasch","maxIter":21,"se":true}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), pacer::error::ErrorCode::TooFewData);
    assert!(e.to_string().contains("went to infinity"), "{e}");
}

/// A steep graded item far from a wide prior: every number stays finite (information that
/// underflows to 0 makes the error variance infinite there, so the reliability is 0). The
/// fuzzer's case had a prior SD of 1e300, whose variance overflowed: such SDs are now refused
/// (`absurd_options_of_every_tool_are_refused`).
#[test]
fn marginal_reliability_is_finite_for_extreme_items() {
    let params = b"item,model,a,b1,b2\nI1,grm,91.51171875,0,1.171875\n";
    for method in ["ml", "map", "eap", "wle", "eapsum"] {
        let req: ScoringRequest = tools::parse_request(&format!(
            r#"{{"method":"{method}","priorMean":7,"priorSd":31.9990234375,"quadrature":12}}"#
        ))
        .unwrap();
        let r = tools::score_irt(
            b"id,I1\nP0,1\nP1,0\n",
            "d.csv",
            params,
            "p.csv",
            &req.options(),
        )
        .unwrap();
        assert_all_finite(&r, method);
    }
}

/// Parameters of absurd size in a parameter file (a slope of 1e300 overflowed the information
/// to NaN) are refused, naming the row and column.
#[test]
fn parameters_of_absurd_size_are_refused() {
    for (params, column) in [
        ("item,model,a,b,c\nI1,3pl,1e300,99.6,0.002\n", "a"),
        ("item,model,a,b\nI1,2pl,1.2,-5000\n", "b"),
        ("item,model,a,d\nI1,2pl,1.2,1e7\n", "d"),
    ] {
        let e = pacer::data::read_item_parameters(params.as_bytes(), "p.csv", 1.702).unwrap_err();
        assert_eq!(e.details().row, Some(2), "{e}");
        assert!(
            e.details()
                .column
                .as_deref()
                .unwrap_or("")
                .starts_with(column),
            "{e}"
        );
        assert!(e.to_string().contains("beyond"), "{e}");
    }
}

/// A 1PL whose common slope runs off towards infinity (1e160: finite, but its information
/// overflows) is reported as diverged, like one that reaches infinity.
#[test]
fn slopes_on_their_way_to_infinity_are_an_error() {
    let e = irt(
        b"I1,I2\n,\n,\n,\n,\n,\n,\n0,0\n1,1\n",
        r#"{"model":"1pl","D":26.61,"quadrature":21,"gaussHermite":true}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("went to infinity"), "{e}");
}
