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
///
/// A file without quote characters, valid UTF-8 as a whole and with `\n` or `\r\n` line ends (the
/// usual export of a score matrix) is split directly on line ends and delimiters; any other file
/// goes through the `csv` crate's reader. Both paths give the same cells and row numbers.
pub fn read_csv(bytes: &[u8], file: &str, sink: &mut dyn RowSink) -> Result<Vec<Warning>> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let delimiter = sniff_delimiter(bytes);
    let mut rows = RowStream::new(file, sink);
    match simple_text(bytes) {
        Some(text) => read_simple(text, delimiter, &mut rows)?,
        None => read_quoted(bytes, delimiter, file, &mut rows)?,
    }
    rows.finish()?;
    Ok(Vec::new())
}

/// The whole file as text when it can be split without a CSV state machine: no `"` anywhere,
/// every `\r` followed by `\n`, and valid UTF-8.
fn simple_text(bytes: &[u8]) -> Option<&str> {
    if memchr::memchr(b'"', bytes).is_some() {
        return None;
    }
    if memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n')) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Splits quote-free text on `\n` (dropping a `\r` before it) and on the delimiter.
fn read_simple(text: &str, delimiter: u8, rows: &mut RowStream<'_, '_>) -> Result<()> {
    let bytes = text.as_bytes();
    let mut cells: Vec<Cell<'_>> = Vec::new();
    let mut start = 0;
    let mut line_no = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let next = end + 1;
        let line_end = if end > start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        line_no += 1;
        // An empty line is no record (as in the `csv` crate).
        if line_end > start {
            split_fields(text, start, line_end, delimiter, &mut cells);
            rows.record(line_no, &cells)?;
        }
        start = next;
    }
    Ok(())
}

/// The fields of the line `text[start..end]` (no quotes, no line end) into `cells`. Fields are
/// short (a score is one or two bytes), so a plain byte loop beats a vectorised search per field,
/// especially in WebAssembly. Out of line so that WebAssembly engines run it optimised after the
/// first lines (see [`crate::parallel::BLOCK`]).
#[inline(never)]
fn split_fields<'t>(
    text: &'t str,
    start: usize,
    end: usize,
    delimiter: u8,
    cells: &mut Vec<Cell<'t>>,
) {
    cells.clear();
    let mut field = start;
    for (i, &b) in text.as_bytes()[start..end].iter().enumerate() {
        if b == delimiter {
            cells.push(cell(&text[field..start + i]));
            field = start + i + 1;
        }
    }
    cells.push(cell(&text[field..end]));
}

/// Reads a file with quoted fields (or lone `\r` line ends, or invalid UTF-8) with the `csv` crate.
fn read_quoted(
    bytes: &[u8],
    delimiter: u8,
    file: &str,
    rows: &mut RowStream<'_, '_>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let mut err = InputError::new(ErrorCode::MalformedCsv, file, format!("the CSV text cannot be read ({e})"))
                .hint("Check the quotes in this row: every quoted cell must be closed, and quotes inside a quoted cell are written twice.");
            if let Some(p) = e.position() {
                err = err.row(lines.line_at(p.byte() as usize));
            }
            err.build()
        })?;
        if !more {
            return Ok(());
        }
        let row = record
            .position()
            .map(|p| lines.line_at(p.byte() as usize))
            .unwrap_or(0);
        let cells = utf8_cells(&record, file, row)?;
        rows.record(row, &cells)?;
    }
}

/// File line numbers from byte offsets (the `csv` crate's own line count lags by one after each
/// `\r\n`, so rows are numbered here). Offsets must not decrease between calls.
struct LineCounter<'b> {
    bytes: &'b [u8],
    offset: usize,
    line: usize,
}

impl<'b> LineCounter<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line end (a record
    /// starts there).
    fn line_at(&mut self, offset: usize) -> usize {
        let mut start = offset.min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            let span = &self.bytes[self.offset..start];
            // A line ends at `\n`, or at a `\r` not followed by `\n`.
            self.line += memchr::memchr_iter(b'\n', span).count();
            self.line += memchr::memchr_iter(b'\r', span)
                .filter(|&i| self.bytes.get(self.offset + i + 1) != Some(&b'\n'))
                .count();
            self.offset = start;
        }
        self.line
    }
}

/// A field as a cell: trimmed text, or empty.
fn cell(field: &str) -> Cell<'_> {
    // Most fields need no trimming: both ends are visible ASCII.
    let b = field.as_bytes();
    let visible = |c: u8| (0x21..0x7f).contains(&c);
    let t = match (b.first(), b.last()) {
        (None, _) => return Cell::Empty,
        (Some(&f), Some(&l)) if visible(f) && visible(l) => field,
        _ => field.trim(),
    };
    if t.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(t)
    }
}

/// Passes records to the sink: the first non-blank one as the header, then the data rows
/// (blank lines skipped).
struct RowStream<'f, 's> {
    file: &'f str,
    sink: &'s mut dyn RowSink,
    header_seen: bool,
}

impl<'f, 's> RowStream<'f, 's> {
    fn new(file: &'f str, sink: &'s mut dyn RowSink) -> Self {
        RowStream {
            file,
            sink,
            header_seen: false,
        }
    }

    fn record(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let blank = cells.iter().all(|c| *c == Cell::Empty);
        if !self.header_seen {
            // Skip leading lines whose cells are all empty (e.g. ",,,").
            if blank {
                return Ok(());
            }
            let names = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.to_string(),
                    _ => String::new(),
                })
                .collect();
            self.header_seen = true;
            return self.sink.header(names, row);
        }
        if blank && cells.len() <= 1 {
            return Ok(()); // a blank line
        }
        self.sink.row(row, cells)
    }

    fn finish(self) -> Result<()> {
        if self.header_seen {
            return Ok(());
        }
        Err(InputError::new(
            ErrorCode::EmptyFile,
            self.file,
            "the file has no header row and no data",
        )
        .hint("The first row must hold the item names and each further row one examinee's scores.")
        .build())
    }
}

/// The record's fields as trimmed UTF-8 cells, or an error naming the row and column.
fn utf8_cells<'r>(record: &'r csv::ByteRecord, file: &str, row: usize) -> Result<Vec<Cell<'r>>> {
    record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            std::str::from_utf8(f)
                .map(cell)
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

    /// Records every call a reader makes.
    #[derive(Default, Debug, PartialEq)]
    struct Recorder {
        calls: Vec<(usize, Vec<String>)>,
    }

    impl RowSink for Recorder {
        fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
            self.calls.push((row, names));
            Ok(())
        }
        fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
            let cells = cells.iter().map(|c| format!("{c:?}")).collect();
            self.calls.push((row, cells));
            Ok(())
        }
    }

    fn both_paths(text: &str) -> (Recorder, Recorder) {
        let delimiter = sniff_delimiter(text.as_bytes());
        let mut fast = Recorder::default();
        let mut rows = RowStream::new("f.csv", &mut fast);
        read_simple(text, delimiter, &mut rows).unwrap();
        let mut slow = Recorder::default();
        let mut rows = RowStream::new("f.csv", &mut slow);
        read_quoted(text.as_bytes(), delimiter, "f.csv", &mut rows).unwrap();
        (fast, slow)
    }

    #[test]
    fn the_quote_free_path_gives_the_csv_crates_cells_and_rows() {
        let cases = [
            "a,b,c\n1,2,3\n4,5,6\n",
            "a,b,c\r\n1,2,3\r\n4,5,6",
            "\n,,,\n\na,b\n\n1,2\n\n\n3,4\n",
            "a;b;c\n 1 ; 2;\n;;\n",
            "a\tb\n1\t\n",
            "id,x,y,\n p1 ,0,1,\n",
            "a,b\n\u{a0}1\u{a0},2 \n",
            "a,b\n1,2,3\n4\n",
            "only\n",
        ];
        for text in cases {
            let (fast, slow) = both_paths(text);
            assert_eq!(fast, slow, "{text:?}");
            assert!(!fast.calls.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn quotes_and_lone_carriage_returns_take_the_csv_crate_path() {
        assert!(simple_text(b"a,b\n1,2\n").is_some());
        assert!(simple_text(b"a,b\r\n1,2\r\n").is_some());
        assert!(simple_text(b"\"a\",b\n1,2\n").is_none());
        assert!(simple_text(b"a,b\r1,2\r").is_none());
        assert!(simple_text(b"a,b\n\xff,2\n").is_none());
    }

    fn quoted_rows(text: &str) -> Vec<usize> {
        let mut rec = Recorder::default();
        let mut rows = RowStream::new("f.csv", &mut rec);
        read_quoted(text.as_bytes(), b',', "f.csv", &mut rows).unwrap();
        rec.calls.iter().map(|c| c.0).collect()
    }

    #[test]
    fn quoted_files_number_rows_by_file_line() {
        assert_eq!(quoted_rows("\"a\",b\r\n1,2\r\n\r\n3,4\r\n"), [1, 2, 4]);
        assert_eq!(quoted_rows("a,b\r1,2\r3,4"), [1, 2, 3]);
        assert_eq!(quoted_rows("\"a\nb\",c\n1,2\n"), [1, 3]);
    }
}
