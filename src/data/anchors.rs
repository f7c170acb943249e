//! The anchor (common-item) file of IRT linking: a CSV or XLSX table with the columns
//! `new_item` and `base_item` naming each common item in the new form's and in the base form's
//! parameter file.

use super::table::{self, cell_text as text, Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result};

/// One common item: its names in the new form and in the base form, and its file row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The item's name in the new form's parameter file.
    pub new_item: String,
    /// The item's name in the base form's parameter file.
    pub base_item: String,
    /// The anchor file's row (the header is row 1).
    pub row: usize,
}

struct Sink<'a> {
    file: &'a str,
    cols: Option<(usize, usize)>,
    anchors: Vec<Anchor>,
}

impl RowSink for Sink<'_> {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        let find = |n: &str| names.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
        match (find("new_item"), find("base_item")) {
            (Some(n), Some(b)) => {
                self.cols = Some((n, b));
                Ok(())
            }
            _ => Err(InputError::new(
                ErrorCode::InvalidOption,
                self.file,
                "an anchor file needs the columns 'new_item' and 'base_item' in its header",
            )
            .row(row)
            .hint("Write a header 'new_item,base_item' and one row per common item: its name in the new form's parameter file, then in the base form's.")
            .build()),
        }
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let (n, b) = self.cols.expect("header first");
        let new_item = text(cells.get(n));
        let base_item = text(cells.get(b));
        if new_item.is_empty() && base_item.is_empty() {
            return Ok(());
        }
        for (name, column) in [(&new_item, "new_item"), (&base_item, "base_item")] {
            if name.is_empty() {
                return Err(InputError::new(
                    ErrorCode::ItemMismatch,
                    self.file,
                    format!("this anchor has no {column}"),
                )
                .row(row)
                .column(column)
                .hint("Name the common item in both forms, or delete the row.")
                .build());
            }
        }
        let twice = |f: fn(&Anchor) -> &String, name: &String| {
            self.anchors.iter().find(|a| f(a) == name).map(|a| a.row)
        };
        for (earlier, name, column) in [
            (twice(|a| &a.new_item, &new_item), &new_item, "new_item"),
            (twice(|a| &a.base_item, &base_item), &base_item, "base_item"),
        ] {
            if let Some(first) = earlier {
                return Err(InputError::new(
                    ErrorCode::DuplicateItem,
                    self.file,
                    format!("the {column} '{name}' is listed twice (rows {first} and {row})"),
                )
                .row(row)
                .column(column)
                .value(name.clone())
                .hint("Each common item pairs one new-form item with one base-form item; delete the repeated row.")
                .build());
            }
        }
        self.anchors.push(Anchor {
            new_item,
            base_item,
            row,
        });
        Ok(())
    }
}

/// Reads an anchor file.
///
/// # Errors
/// A header without `new_item` and `base_item`, a row naming only one of the two, an item listed
/// twice, no anchors, and the reading errors of any table.
pub fn read_anchors(bytes: &[u8], file: &str) -> Result<Vec<Anchor>> {
    let mut sink = Sink {
        file,
        cols: None,
        anchors: Vec::new(),
    };
    table::read_table(bytes, file, &mut sink)?;
    if sink.anchors.is_empty() {
        return Err(InputError::new(ErrorCode::NoRows, file, "the anchor file lists no common items")
            .hint("Add one row per common item below the header: its name in the new form, then in the base form.")
            .build());
    }
    Ok(sink.anchors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_in_any_column_order_and_skips_blank_rows() {
        let a = read_anchors(b"base_item,new_item\nY3,X3\n,\nY6,X6\n", "a.csv").unwrap();
        assert_eq!(
            a.iter()
                .map(|a| (a.new_item.as_str(), a.base_item.as_str(), a.row))
                .collect::<Vec<_>>(),
            vec![("X3", "Y3", 2), ("X6", "Y6", 4)]
        );
    }

    #[test]
    fn names_the_problem() {
        let e = read_anchors(b"new,base\nX3,Y3\n", "a.csv").unwrap_err();
        assert!(e.to_string().contains("new_item"), "{e}");
        let e = read_anchors(b"new_item,base_item\nX3,Y3\nX3,Y4\n", "a.csv").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("'X3'") && s.contains("rows 2 and 3"), "{s}");
        let e = read_anchors(b"new_item,base_item\nX3,\n", "a.csv").unwrap_err();
        assert!(e.to_string().contains("base_item"), "{e}");
        let e = read_anchors(b"new_item,base_item\n", "a.csv").unwrap_err();
        assert!(e.to_string().contains("no common items"), "{e}");
    }
}
