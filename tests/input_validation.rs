//! Every kind of bad input gives an error naming the file, row, column and value, never a panic.

mod common;
use pacer::data::{read_responses, MISSING};
use pacer::error::ErrorCode;
use rust_xlsxwriter::Workbook;

fn err(text: &str) -> pacer::error::InputError {
    read_responses(text.as_bytes(), "test.csv")
        .expect_err("should fail")
        .details()
        .clone()
}

/// An XLSX workbook whose first sheet holds `rows` (numbers where they parse, text otherwise).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(x) => ws.write_number(r as u32, c as u16, x).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn ragged_row_names_the_row() {
    let e = err("a,b,c\n1,0,1\n1,0\n0,1,1\n");
    assert_eq!(e.code, ErrorCode::RaggedRow);
    assert_eq!(e.row, Some(3));
    assert!(e.message.starts_with("test.csv, row 3:"), "{}", e.message);
    assert!(
        e.message.contains("2 cells") && e.message.contains("3 columns"),
        "{}",
        e.message
    );
}

#[test]
fn non_numeric_cell_names_row_column_and_value() {
    let e = err("a,b\n1,0\n1,x\n");
    assert_eq!(e.code, ErrorCode::NonNumeric);
    assert_eq!(
        (e.row, e.column.as_deref(), e.value.as_deref()),
        (Some(3), Some("b"), Some("x"))
    );
    assert!(
        e.message
            .contains("test.csv, row 3, column 'b': 'x' is not a number"),
        "{}",
        e.message
    );
}

#[test]
fn negative_fractional_and_large_scores() {
    assert_eq!(err("a,b\n1,-1\n").code, ErrorCode::NegativeScore);
    let f = err("a,b\n1,0.5\n");
    assert_eq!(
        (f.code, f.value.as_deref()),
        (ErrorCode::FractionalScore, Some("0.5"))
    );
    assert_eq!(err("a,b\n1,255\n").code, ErrorCode::ScoreTooLarge);
    assert_eq!(err("a,b\n1,inf\n").code, ErrorCode::NonNumeric);
    // Whole numbers written with a decimal point are scores.
    let m = read_responses(b"a,b\n1.0,0\n0,2\n", "t.csv").unwrap();
    assert_eq!(m.person(0), &[1, 0]);
}

#[test]
fn duplicate_and_empty_item_names() {
    let e = err("a,b,a\n1,0,1\n");
    assert_eq!(
        (e.code, e.row, e.column.as_deref()),
        (ErrorCode::DuplicateItem, Some(1), Some("a"))
    );
    let e = err("a,,c\n1,0,1\n");
    assert_eq!(
        (e.code, e.row, e.column.as_deref()),
        (ErrorCode::EmptyItemName, Some(2), Some("#2"))
    );
    // A trailing delimiter on every line makes an unnamed, empty column: ignored.
    let m = read_responses(b"a,b,\n1,0,\n0,1,\n", "t.csv").unwrap();
    assert_eq!(m.items(), &["a", "b"]);
}

#[test]
fn item_nobody_answered() {
    let e = err("a,b\n1,\n0,NA\n");
    assert_eq!(
        (e.code, e.column.as_deref()),
        (ErrorCode::ItemNeverAnswered, Some("b"))
    );
    assert!(e.message.contains("nobody answered"), "{}", e.message);
}

#[test]
fn empty_file_header_only_and_binary_junk() {
    assert_eq!(err("").code, ErrorCode::EmptyFile);
    assert_eq!(err(" \n\n").code, ErrorCode::EmptyFile);
    let e = err("a,b,c\n");
    assert_eq!(e.code, ErrorCode::NoRows);
    assert!(e.message.contains("no examinees"), "{}", e.message);
    let junk = [0u8, 1, 2, 3, 0xFF, 0x00, 0x10];
    let e = read_responses(&junk, "x.bin").unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotCsvOrXlsx);
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    assert_eq!(
        read_responses(&xls, "old.xls").unwrap_err().code(),
        ErrorCode::LegacyXls
    );
    let utf16 = [0xFF, 0xFE, b'a', 0, b',', 0];
    assert_eq!(
        read_responses(&utf16, "u.csv").unwrap_err().code(),
        ErrorCode::NotUtf8
    );
    // A ZIP that is not a workbook.
    let e = read_responses(b"PK\x03\x04garbage", "fake.xlsx").unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnreadableXlsx);
    assert!(e.to_string().starts_with("fake.xlsx:"), "{e}");
}

#[test]
fn unterminated_quote_is_reported_not_panicking() {
    // The csv crate reads an unterminated quote to the end of the file; either way no panic.
    let r = read_responses(b"a,b\n\"1,0\n1,1\n", "q.csv");
    assert!(r.is_err());
}

#[test]
fn only_id_and_group_columns() {
    assert_eq!(err("id,group\n1,A\n").code, ErrorCode::NoItems);
}

#[test]
fn constant_item_is_a_warning_and_still_reported() {
    let m = read_responses(b"a,b,c\n1,0,1\n1,1,0\n1,0,0\n", "t.csv").unwrap();
    assert_eq!(m.warnings().len(), 1);
    assert_eq!(m.warnings()[0].code, "constant_item");
    assert_eq!(m.warnings()[0].item.as_deref(), Some("a"));
    let r = pacer::ctt::item_analysis(&m, &Default::default()).unwrap();
    assert_eq!(r.items[0].flags, vec!["p_high", "constant"]);
    assert_eq!(r.items[0].item_rest_r, None);
    assert!(r.warnings.iter().any(|w| w.code == "constant_item"));
}

#[test]
fn missing_cells_id_and_group_columns() {
    let m = read_responses(b"id,x1,group,x2\np1,1,A,\np2,NA,B,2\np3,0,A,na\n", "t.csv").unwrap();
    assert_eq!(m.items(), &["x1", "x2"]);
    assert_eq!(m.ids().unwrap(), &["p1", "p2", "p3"]);
    assert_eq!(m.groups().unwrap(), &["A", "B", "A"]);
    assert_eq!(m.person(0), &[1, MISSING]);
    assert_eq!(m.person(1), &[MISSING, 2]);
    assert_eq!(m.answered(), &[2, 1]);
}

#[test]
fn bom_crlf_semicolons_and_tabs() {
    let a = read_responses(b"\xEF\xBB\xBFa;b\r\n1;0\r\n0;1\r\n", "t.csv").unwrap();
    let b = read_responses(b"a\tb\n1\t0\n0\t1\n", "t.tsv").unwrap();
    let c = read_responses(b"\"a\",\"b\"\n\"1\",0\n\n0,1\n", "t.csv").unwrap();
    assert_eq!(a.items(), &["a", "b"]);
    assert_eq!(a.codes(), b.codes());
    assert_eq!(b.codes(), c.codes());
}

#[test]
fn xlsx_reads_like_csv() {
    let rows: &[&[&str]] = &[
        &["id", "i1", "i2", "i3"],
        &["A", "1", "0", "2"],
        &["B", "", "1", "NA"],
        &["C", "0", "1", "1"],
    ];
    let x = read_responses(&xlsx(rows), "t.xlsx").unwrap();
    let c = read_responses(b"id,i1,i2,i3\nA,1,0,2\nB,,1,NA\nC,0,1,1\n", "t.csv").unwrap();
    assert_eq!(x.items(), c.items());
    assert_eq!(x.codes(), c.codes());
    assert_eq!(x.ids(), c.ids());
    assert_eq!(x.format(), Some(pacer::data::FileFormat::Xlsx));
}

#[test]
fn xlsx_errors_name_row_and_column() {
    let e =
        read_responses(&xlsx(&[&["a", "b"], &["1", "0"], &["1", "yes"]]), "t.xlsx").unwrap_err();
    let d = e.details();
    assert_eq!(
        (d.code, d.row, d.column.as_deref(), d.value.as_deref()),
        (ErrorCode::NonNumeric, Some(3), Some("b"), Some("yes"))
    );
    let e = read_responses(&xlsx(&[&["a", "b"], &["1", "0.25"]]), "t.xlsx").unwrap_err();
    assert_eq!(e.code(), ErrorCode::FractionalScore);
    let e = read_responses(&xlsx(&[&["a", "b"], &["1", "0", "1"]]), "t.xlsx").unwrap_err();
    assert_eq!((e.code(), e.details().row), (ErrorCode::RaggedRow, Some(2)));
    let e = read_responses(&xlsx(&[&["a", "b"]]), "t.xlsx").unwrap_err();
    assert_eq!(e.code(), ErrorCode::NoRows);
    let e = read_responses(&xlsx(&[]), "t.xlsx").unwrap_err();
    assert_eq!(e.code(), ErrorCode::EmptyFile);
}

#[test]
fn xlsx_with_several_sheets_reads_the_first_and_warns() {
    let mut wb = Workbook::new();
    let s1 = wb.add_worksheet();
    s1.write_string(0, 0, "a").unwrap();
    s1.write_string(0, 1, "b").unwrap();
    s1.write_number(1, 0, 1).unwrap();
    s1.write_number(1, 1, 0).unwrap();
    s1.write_number(2, 0, 0).unwrap();
    s1.write_number(2, 1, 1).unwrap();
    wb.add_worksheet().write_string(0, 0, "other").unwrap();
    let m = read_responses(&wb.save_to_buffer().unwrap(), "t.xlsx").unwrap();
    assert_eq!(m.n_persons(), 2);
    assert!(m.warnings().iter().any(|w| w.code == "several_sheets"));
}

#[test]
fn bad_options_are_errors() {
    let e = pacer::tools::analyze_items_json(b"a,b\n1,0\n0,1\n", "{\"missing\":\"sometimes\"}")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert!(e.to_string().contains("sometimes"), "{e}");
    let e = pacer::tools::analyze_items_json(b"a,b\n1,0\n0,1\n", "{\"missng\":\"listwise\"}")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    let e = pacer::tools::analyze_items_json(b"a,b\n1,\n0,1\n", "{\"missing\":\"listwise\"}")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NoCompleteRows);
}

#[test]
fn error_json_has_every_field() {
    let e = read_responses(b"a,b\n1,x\n", "f.csv").unwrap_err();
    let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    for k in ["code", "message", "file", "row", "column", "value", "hint"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["code"], "non_numeric");
    assert_eq!(v["row"], 2);
}

/// `tests/fixtures/LSAT7/data.xlsx` is LSAT7's data.csv written as a workbook (rewritten with
/// PACER_UPDATE_GOLDEN=1); it must read exactly like the CSV. The browser test uploads it.
#[test]
fn lsat7_workbook_reads_like_its_csv() {
    let path = common::fixture("LSAT7/data.xlsx");
    let csv = read_responses(&common::fixture_bytes("LSAT7/data.csv"), "LSAT7.csv").unwrap();
    if std::env::var("PACER_UPDATE_GOLDEN").is_ok() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (j, name) in csv.items().iter().enumerate() {
            ws.write_string(0, j as u16, name).unwrap();
        }
        for p in 0..csv.n_persons() {
            for (j, &c) in csv.person(p).iter().enumerate() {
                ws.write_number(p as u32 + 1, j as u16, c as f64).unwrap();
            }
        }
        wb.save(&path).unwrap();
    }
    let xlsx = read_responses(&std::fs::read(&path).unwrap(), "LSAT7.xlsx").unwrap();
    assert_eq!(xlsx.items(), csv.items());
    assert_eq!(xlsx.codes(), csv.codes());
}
