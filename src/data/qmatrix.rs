//! The Q-matrix of a cognitive diagnosis model: a CSV or XLSX table whose first column names
//! each item (as in the response file's header) and whose other columns, one per attribute
//! (named in the header), hold 1 where the item requires the attribute and 0 where it does not.

use super::table::{self, cell_text as text, column_label, Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result};

/// A Q-matrix as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QMatrix {
    /// Attribute names, in column order.
    pub attributes: Vec<String>,
    /// Item names, in row order.
    pub items: Vec<String>,
    /// Each item's row (the header is row 1), for messages.
    pub rows: Vec<usize>,
    /// Item-major entries: `q[j * K + k]` is 1 when item j requires attribute k.
    pub q: Vec<u8>,
}

impl QMatrix {
    /// Number of attributes K.
    pub fn n_attributes(&self) -> usize {
        self.attributes.len()
    }

    /// Item j's row of the matrix.
    pub fn row(&self, j: usize) -> &[u8] {
        let k = self.n_attributes();
        &self.q[j * k..(j + 1) * k]
    }

    /// The attributes item j requires, as indices in column order.
    pub fn required(&self, j: usize) -> Vec<usize> {
        self.row(j)
            .iter()
            .enumerate()
            .filter(|(_, &v)| v == 1)
            .map(|(k, _)| k)
            .collect()
    }
}

struct Sink<'a> {
    file: &'a str,
    names: Vec<String>,
    q: QMatrix,
}

impl RowSink for Sink<'_> {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        if names.len() < 2 {
            return Err(InputError::new(
                ErrorCode::NoItems,
                self.file,
                "a Q-matrix needs an item column and at least one attribute column",
            )
            .row(row)
            .hint("Write a header such as 'item,A1,A2,A3', then one row per item with 0 or 1 under each attribute.")
            .build());
        }
        for (k, name) in names.iter().enumerate().skip(1) {
            if name.is_empty() {
                return Err(InputError::new(
                    ErrorCode::EmptyItemName,
                    self.file,
                    format!("attribute column {} has no name", k + 1),
                )
                .row(row)
                .column(column_label(&names, k))
                .hint("Name every attribute in the header row.")
                .build());
            }
            if let Some(first) = names[1..k].iter().position(|n| n == name) {
                return Err(InputError::new(
                    ErrorCode::DuplicateItem,
                    self.file,
                    format!(
                        "the attribute '{name}' is named twice (columns {} and {})",
                        first + 2,
                        k + 1
                    ),
                )
                .row(row)
                .column(name.clone())
                .hint("Give each attribute column its own name.")
                .build());
            }
        }
        self.q.attributes = names[1..].to_vec();
        self.names = names;
        Ok(())
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let item = text(cells.first());
        let k = self.q.attributes.len();
        if item.is_empty() && (1..=k).all(|c| text(cells.get(c)).is_empty()) {
            return Ok(());
        }
        if item.is_empty() {
            return Err(InputError::new(
                ErrorCode::EmptyItemName,
                self.file,
                "this row has no item name in the first column",
            )
            .row(row)
            .column(column_label(&self.names, 0))
            .hint("Write the item's name, as in the response file's header, in the first column.")
            .build());
        }
        if self.q.items.contains(&item) {
            return Err(table::item_listed_twice(self.file, &item, row));
        }
        for c in 1..=k {
            let v = match cells.get(c) {
                Some(Cell::Number(x)) if *x == 0.0 || *x == 1.0 => *x as u8,
                other => match text(other).as_str() {
                    "0" => 0,
                    "1" => 1,
                    t => {
                        let shown = if t.is_empty() { "an empty cell" } else { t };
                        return Err(InputError::new(
                            ErrorCode::InvalidParameter,
                            self.file,
                            format!(
                                "item '{item}' has {shown} under attribute '{}'; Q-matrix entries are 0 or 1",
                                self.q.attributes[c - 1]
                            ),
                        )
                        .row(row)
                        .column(self.q.attributes[c - 1].clone())
                        .value(t.to_string())
                        .hint("Write 1 where the item requires the attribute and 0 where it does not.")
                        .build());
                    }
                },
            };
            self.q.q.push(v);
        }
        if self.q.q[self.q.q.len() - k..].iter().all(|&v| v == 0) {
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                self.file,
                format!("item '{item}' requires no attribute (its row is all 0)"),
            )
            .row(row)
            .hint("Every item must require at least one attribute: put a 1 under the attributes it measures, or leave the item out of the Q-matrix and the response file.")
            .build());
        }
        self.q.items.push(item);
        self.q.rows.push(row);
        Ok(())
    }
}

/// Reads a Q-matrix.
///
/// # Errors
/// A header without attribute columns, unnamed or repeated attributes, a row without an item
/// name, an item listed twice, an entry other than 0 or 1, an item requiring no attribute, an
/// attribute no item requires, no rows, and the reading errors of any table.
pub fn read_qmatrix(bytes: &[u8], file: &str) -> Result<QMatrix> {
    let mut sink = Sink {
        file,
        names: Vec::new(),
        q: QMatrix {
            attributes: Vec::new(),
            items: Vec::new(),
            rows: Vec::new(),
            q: Vec::new(),
        },
    };
    table::read_table(bytes, file, &mut sink)?;
    let q = sink.q;
    if q.items.is_empty() {
        return Err(InputError::new(ErrorCode::NoRows, file, "the Q-matrix has no item rows")
            .hint("Add one row per item below the header: its name, then 0 or 1 for each attribute.")
            .build());
    }
    let k = q.n_attributes();
    for (a, name) in q.attributes.iter().enumerate() {
        if (0..q.items.len()).all(|j| q.q[j * k + a] == 0) {
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                file,
                format!("no item requires the attribute '{name}' (its column is all 0)"),
            )
            .column(name.clone())
            .hint("An attribute that no item measures cannot be estimated: delete its column, or mark the items that require it.")
            .build());
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_items_and_attributes() {
        let q = read_qmatrix(b"item,A1,A2\nV1,1,0\nV2,1,1\n\nV3,0,1\n", "q.csv").unwrap();
        assert_eq!(q.attributes, ["A1", "A2"]);
        assert_eq!(q.items, ["V1", "V2", "V3"]);
        assert_eq!(q.rows, [2, 3, 5]);
        assert_eq!(q.required(1), [0, 1]);
        assert_eq!(q.row(2), [0, 1]);
    }

    #[test]
    fn names_the_problem() {
        let err = |text: &[u8]| read_qmatrix(text, "q.csv").unwrap_err().to_string();
        let s = err(b"item,A1,A2\nV1,1,2\n");
        assert!(
            s.contains("'V1'") && s.contains("'A2'") && s.contains("row 2"),
            "{s}"
        );
        let s = err(b"item,A1,A2\nV1,0,0\nV2,1,1\n");
        assert!(
            s.contains("requires no attribute") && s.contains("row 2"),
            "{s}"
        );
        let s = err(b"item,A1,A2\nV1,1,0\nV2,1,0\n");
        assert!(s.contains("no item requires the attribute 'A2'"), "{s}");
        let s = err(b"item,A1,A1\nV1,1,0\n");
        assert!(s.contains("named twice"), "{s}");
        let s = err(b"item,A1\nV1,1\nV1,1\n");
        assert!(s.contains("'V1'") && s.contains("twice"), "{s}");
        let s = err(b"item,A1\n");
        assert!(s.contains("no item rows"), "{s}");
        let s = err(b"item\nV1\n");
        assert!(s.contains("attribute column"), "{s}");
    }
}
