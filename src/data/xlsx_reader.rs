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

/// Streams the first worksheet of an XLSX workbook into `sink`.
pub fn read_xlsx(bytes: &[u8], file: &str, sink: &mut dyn RowSink) -> Result<Vec<Warning>> {
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
