//! Format detection and the row-by-row interface between the file readers and the matrix builders.
//!
//! Readers stream rows into a [`RowSink`] without materialising the whole table as strings, so a
//! large file costs little more than its compact matrix.

use super::{csv_reader, xlsx_reader};
use crate::error::{ErrorCode, InputError, Result, Warning};

/// The formats pacer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// Comma-, semicolon- or tab-separated text (UTF-8).
    Csv,
    /// Office Open XML workbook; the first worksheet is read.
    Xlsx,
}

/// One cell as the file holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Nothing in the cell.
    Empty,
    /// Text (CSV cells are always text; trimmed by the reader).
    Text(&'a str),
    /// A number stored as such (XLSX).
    Number(f64),
    /// Anything else (a boolean, a date, a formula error), described for the message.
    Other(&'a str),
}

/// Receives a table row by row. `row` numbers are 1-based file rows, the header being the first.
pub trait RowSink {
    /// The header row's cells, trimmed.
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()>;
    /// One data row.
    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()>;
}

/// The first bytes of a ZIP archive (XLSX is a ZIP of XML parts).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE2 compound file (legacy .xls).
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Detects the format from the bytes.
///
/// # Errors
/// Empty input, a legacy .xls workbook, UTF-16 text, or binary data that is not an XLSX workbook.
pub fn detect_format(bytes: &[u8], file: &str) -> Result<FileFormat> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::new(ErrorCode::EmptyFile, file, "the file is empty")
            .hint("Choose a file whose first row holds the item names and whose other rows hold one examinee each.")
            .build());
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok(FileFormat::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(InputError::new(
            ErrorCode::LegacyXls,
            file,
            "this is a legacy Excel 97-2003 workbook (.xls), which pacer does not read",
        )
        .hint("Open it in a spreadsheet program and save it as .xlsx or as CSV (UTF-8).")
        .build());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            InputError::new(ErrorCode::NotUtf8, file, "the file is UTF-16 text")
                .hint(
                    "Save it as CSV with UTF-8 encoding (in Excel: 'CSV UTF-8 (Comma delimited)').",
                )
                .build(),
        );
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return Err(InputError::new(
            ErrorCode::NotCsvOrXlsx,
            file,
            "the file is neither CSV text nor an XLSX workbook (it contains binary data)",
        )
        .hint("Choose a .csv file (UTF-8 text, one examinee per row) or an .xlsx workbook.")
        .build());
    }
    Ok(FileFormat::Csv)
}

/// Reads `bytes` (CSV or XLSX, detected) into `sink`. Returns the format and any warnings (for
/// example, that a workbook had several sheets and the first was read).
pub fn read_table(
    bytes: &[u8],
    file: &str,
    sink: &mut dyn RowSink,
) -> Result<(FileFormat, Vec<Warning>)> {
    let format = detect_format(bytes, file)?;
    let warnings = match format {
        FileFormat::Csv => csv_reader::read_csv(bytes, file, sink)?,
        FileFormat::Xlsx => xlsx_reader::read_xlsx(bytes, file, sink)?,
    };
    Ok((format, warnings))
}

/// The name used for a column in messages: its header, or its 1-based number if it has none.
pub fn column_label(names: &[String], col: usize) -> String {
    match names.get(col) {
        Some(n) if !n.is_empty() => n.clone(),
        _ => format!("#{}", col + 1),
    }
}

/// A cell as trimmed text (numbers written out; empty cells give "").
pub fn cell_text(cell: Option<&Cell<'_>>) -> String {
    match cell {
        Some(Cell::Text(s)) | Some(Cell::Other(s)) => s.trim().to_string(),
        Some(Cell::Number(v)) => v.to_string(),
        _ => String::new(),
    }
}

/// The error for an item listed twice in a per-item file (row and column `item`).
pub fn item_listed_twice(file: &str, item: &str, row: usize) -> crate::Error {
    crate::error::InputError::new(
        crate::error::ErrorCode::DuplicateItem,
        file,
        format!("item '{item}' is listed twice"),
    )
    .row(row)
    .column("item")
    .hint("Give each item one row.")
    .build()
}
