//! XLSX reading with `calamine`, streaming the first worksheet's cells (no dense in-memory range).

use super::table::{Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result, Warning};
use calamine::{DataRef, Reader, Xlsx};
use std::io::Cursor;

/// A cell copied out of the workbook's XML stream.
enum Owned {
    Empty,
    Text(String),
    Number(f64),
    Other(String),
}

impl Owned {
    fn from_data(d: DataRef<'_>) -> Owned {
        match d {
            DataRef::Empty => Owned::Empty,
            DataRef::Int(i) => Owned::Number(i as f64),
            DataRef::Float(f) => Owned::Number(f),
            DataRef::String(s) => text(&s),
            DataRef::SharedString(s) => text(s),
            DataRef::Bool(b) => Owned::Other(if b { "TRUE".into() } else { "FALSE".into() }),
            DataRef::DateTime(dt) => Owned::Other(format!("a date or time ({})", dt.as_f64())),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                Owned::Other(format!("a date or time ({s})"))
            }
            DataRef::Error(e) => Owned::Other(format!("a formula error ({e})")),
        }
    }

    fn as_cell(&self) -> Cell<'_> {
        match self {
            Owned::Empty => Cell::Empty,
            Owned::Text(s) => Cell::Text(s),
            Owned::Number(x) => Cell::Number(*x),
            Owned::Other(s) => Cell::Other(s),
        }
    }
}

fn text(s: &str) -> Owned {
    match s.trim() {
        "" => Owned::Empty,
        t => Owned::Text(t.to_string()),
    }
}

fn unreadable(file: &str, e: impl std::fmt::Display) -> crate::Error {
    InputError::new(ErrorCode::UnreadableXlsx, file, format!("the XLSX workbook cannot be read ({e})"))
        .hint("Open it in a spreadsheet program, save it again as .xlsx, or export the sheet as CSV (UTF-8).")
        .build()
}

/// Refuses a shared-strings part that declares more strings than the workbook could hold.
///
/// calamine reserves room for the declared `uniqueCount` before reading a single string, so a
/// crafted workbook declaring billions would abort the process (or the browser's worker) on
/// the allocation. A real workbook needs well over a byte of compressed data per unique string,
/// so more than two per byte of the whole file (plus a margin) is refused as unreadable.
fn check_shared_string_count(bytes: &[u8], file: &str) -> Result<()> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the unreadable container
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok())
        .filter(|n| n.ends_with("sharedStrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let Ok(entry) = zip.by_name(&name) else {
            continue;
        };
        let mut head = Vec::with_capacity(4096);
        if std::io::Read::read_to_end(&mut std::io::Read::take(entry, 4096), &mut head).is_err() {
            continue;
        }
        let text = String::from_utf8_lossy(&head);
        let Some(at) = text.find("uniqueCount") else {
            continue;
        };
        let digits: String = text[at + "uniqueCount".len()..]
            .chars()
            .skip_while(|c| *c == '=' || *c == '"' || *c == '\'' || c.is_whitespace())
            .take_while(char::is_ascii_digit)
            .collect();
        let declared: u128 = digits.parse().unwrap_or(0);
        let limit = 2 * bytes.len() as u128 + 4096;
        if declared > limit || digits.len() > 30 {
            return Err(unreadable(
                file,
                format!("its shared-strings part declares {digits} strings, more than a workbook of {} bytes can hold", bytes.len()),
            ));
        }
    }
    Ok(())
}

/// Excel's widest sheet: columns A to XFD.
const MAX_COLUMNS: u32 = 16_384;

/// Streams the first worksheet of an XLSX workbook into `sink`.
pub fn read_xlsx(bytes: &[u8], file: &str, sink: &mut dyn RowSink) -> Result<Vec<Warning>> {
    check_shared_string_count(bytes, file)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(file, e))?;
    let sheets = workbook.sheet_names();
    let Some(first) = sheets.first().cloned() else {
        return Err(unreadable(file, "it has no worksheet"));
    };
    let mut warnings = Vec::new();
    if sheets.len() > 1 {
        warnings.push(Warning {
            code: "several_sheets".into(),
            item: None,
            message: format!(
                "{file} has {} worksheets; pacer read the first one, '{first}'. Move the data to the first sheet to analyse another.",
                sheets.len()
            ),
        });
    }
    let mut reader = workbook
        .worksheet_cells_reader(&first)
        .map_err(|e| unreadable(file, e))?;

    let mut header: Option<usize> = None; // header width
    let mut current_row: Option<u32> = None;
    let mut buffer: Vec<(u32, Owned)> = Vec::new();
    let mut flush = |row: u32,
                     buffer: &mut Vec<(u32, Owned)>,
                     header: &mut Option<usize>|
     -> Result<()> {
        let file_row = row as usize + 1;
        if buffer.iter().all(|(_, c)| matches!(c, Owned::Empty)) {
            buffer.clear();
            return Ok(());
        }
        match *header {
            None => {
                let width = buffer
                    .iter()
                    .map(|(c, _)| *c as usize + 1)
                    .max()
                    .unwrap_or(0);
                let mut names = vec![String::new(); width];
                for (c, cell) in buffer.drain(..) {
                    names[c as usize] = match cell {
                        Owned::Empty => String::new(),
                        Owned::Text(s) | Owned::Other(s) => s,
                        Owned::Number(x) => format!("{x}"),
                    };
                }
                *header = Some(width);
                sink.header(names, file_row)
            }
            Some(width) => {
                let mut cells = vec![Cell::Empty; width];
                for (c, cell) in buffer.iter() {
                    let c = *c as usize;
                    if c >= width {
                        if matches!(cell, Owned::Empty) {
                            continue;
                        }
                        return Err(InputError::new(
                            ErrorCode::RaggedRow,
                            file,
                            format!("this row has a value in column {} but the header row has only {width} columns", c + 1),
                        )
                        .row(file_row)
                        .hint("Give that column a name in the header row, or delete the value.")
                        .build());
                    }
                    cells[c] = cell.as_cell();
                }
                let r = sink.row(file_row, &cells);
                buffer.clear();
                r
            }
        }
    };
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(file, e))? {
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            // No spreadsheet program writes these; a crafted file could make the row buffers
            // gigabytes wide.
            return Err(InputError::new(
                ErrorCode::UnreadableXlsx,
                file,
                format!("row {} has a cell in column {}, beyond Excel's last column XFD ({MAX_COLUMNS})", row as usize + 1, col as u64 + 1),
            )
            .row(row as usize + 1)
            .hint("Re-save the workbook from a spreadsheet program, or export the sheet as CSV.")
            .build());
        }
        if current_row.is_some_and(|r| r != row) {
            flush(current_row.unwrap_or(0), &mut buffer, &mut header)?;
        }
        current_row = Some(row);
        buffer.push((col, Owned::from_data(cell.get_value().clone())));
    }
    if let Some(row) = current_row {
        flush(row, &mut buffer, &mut header)?;
    }
    if header.is_none() {
        return Err(InputError::new(ErrorCode::EmptyFile, file, format!("the first worksheet ('{first}') is empty"))
            .hint("Put the item names in the first row and one examinee per row below it, in the first worksheet.")
            .build());
    }
    Ok(warnings)
}
