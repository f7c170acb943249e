//! The response-file reader on arbitrary bytes (CSV text, junk, anything `detect_format` sees),
//! with and without column roles, then the item analysis of whatever it accepts.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pacer::data::{read_responses, read_responses_with, ColumnRoles};
use pacer_fuzz::check;

fuzz_target!(|bytes: &[u8]| {
    let r = read_responses(bytes, "data.csv");
    if let Ok(m) = &r {
        assert!(m.n_items() >= 1 && m.n_persons() >= 1);
        assert_eq!(m.codes().len(), m.n_items() * m.n_persons());
        let analysis = pacer::tools::analyze_items(bytes, "data.csv", &Default::default());
        check(&analysis, "item analysis");
    } else if let Err(e) = &r {
        pacer_fuzz::assert_explained(e);
    }
    let roles = ColumnRoles {
        group: "g".into(),
        exclude: vec!["x".into()],
        ..Default::default()
    };
    if let Err(e) = read_responses_with(bytes, "data.csv", &roles) {
        pacer_fuzz::assert_explained(&e);
    }
});
