//! CSV reading with the `csv` crate: UTF-8 (a byte-order mark is skipped), comma, semicolon or
//! tab separated (detected from the header line), quoted fields, CRLF or LF line ends.

use super::table::{Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result, Warning};

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Picks the delimiter that occurs most often (outside quotes) in the first line; comma by default.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for &b in bytes.iter().take(64 * 1024) {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
                for c in counts.iter_mut() {
                    if c.0 == b {
                        c.1 += 1;
                    }
                }
            }
            _ => {}
        }
    }
    // A stable choice on ties: comma, then semicolon, then tab.
    let mut best = counts[0];
    for c in &counts[1..] {
        if c.1 > best.1 {
            best = *c;
        }
    }
    best.0
}

/// Streams a CSV file into `sink`.
pub fn read_csv(bytes: &[u8], file: &str, sink: &mut dyn RowSink) -> Result<Vec<Warning>> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let delimiter = sniff_delimiter(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut header_seen = false;
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let mut err = InputError::new(ErrorCode::MalformedCsv, file, format!("the CSV text cannot be read ({e})"))
                .hint("Check the quotes in this row: every quoted cell must be closed, and quotes inside a quoted cell are written twice.");
            if let Some(p) = e.position() {
                err = err.row(p.line() as usize);
            }
            err.build()
        })?;
        if !more {
            break;
        }
        let row = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells = utf8_cells(&record, file, row)?;
        let blank = cells.iter().all(|c| *c == Cell::Empty);
        if !header_seen {
            // Skip leading lines whose cells are all empty (e.g. ",,,").
            if blank {
                continue;
            }
            let names = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.to_string(),
                    _ => String::new(),
                })
                .collect();
            sink.header(names, row)?;
            header_seen = true;
            continue;
        }
        if blank && cells.len() <= 1 {
            continue; // a blank line
        }
        sink.row(row, &cells)?;
    }
    if !header_seen {
        return Err(InputError::new(
            ErrorCode::EmptyFile,
            file,
            "the file has no header row and no data",
        )
        .hint("The first row must hold the item names and each further row one examinee's scores.")
        .build());
    }
    Ok(Vec::new())
}

/// The record's fields as trimmed UTF-8 cells, or an error naming the row and column.
fn utf8_cells<'r>(record: &'r csv::ByteRecord, file: &str, row: usize) -> Result<Vec<Cell<'r>>> {
    record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            std::str::from_utf8(f)
                .map(|s| match s.trim() {
                    "" => Cell::Empty,
                    t => Cell::Text(t),
                })
                .map_err(|_| {
                InputError::new(ErrorCode::NotUtf8, file, "this cell is not UTF-8 text")
                    .row(row)
                    .column(format!("#{}", i + 1))
                    .hint("Save the file as CSV with UTF-8 encoding (in Excel: 'CSV UTF-8 (Comma delimited)').")
                    .build()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;x\",b,c\n"), b',');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }
}
