//! The files of a calibrated cognitive diagnosis model that the Skill Profiler reads (CSV or
//! XLSX, columns found by name, others ignored):
//!
//! - item parameters, `item,pattern,prob`: one row per item and reduced attribute pattern, the
//!   pattern written over the item's required attributes in the Q-matrix's column order ("10":
//!   the first mastered, the second not; GDINA's `P(10)` is accepted too), `prob` the success
//!   probability, strictly between 0 and 1. `pacer cdm --format csv` writes this file.
//! - class proportions, `pattern,proportion`: one row per latent class, the pattern over all K
//!   attributes (attribute 1 first; GDINA's leading `p` is accepted), `proportion` ≥ 0 (the
//!   column may also be called `prob`).

use super::table::{self, cell_text as text, Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result};

/// One row of a file of patterns: the item (item-parameter files only), the pattern, the value
/// and its 1-based row number.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternValue {
    /// The item (empty for class proportions).
    pub item: String,
    /// The pattern's digits.
    pub pattern: String,
    /// The probability or proportion.
    pub value: f64,
    /// The file's row.
    pub row: usize,
}

struct Sink<'a> {
    file: &'a str,
    /// Whether rows name an item (item parameters) or not (class proportions).
    per_item: bool,
    columns: Option<(Option<usize>, usize, usize)>,
    value_name: String,
    rows: Vec<PatternValue>,
}

impl RowSink for Sink<'_> {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        let find = |wanted: &[&str]| {
            names
                .iter()
                .position(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)))
        };
        let (needed, values): (&str, &[&str]) = if self.per_item {
            ("item,pattern,prob", &["prob"])
        } else {
            ("pattern,proportion", &["proportion", "prob"])
        };
        let item = find(&["item"]);
        let pattern = find(&["pattern", "latent_group"]);
        let value = find(values);
        match (self.per_item, item, pattern, value) {
            (true, Some(i), Some(p), Some(v)) => self.columns = Some((Some(i), p, v)),
            (false, _, Some(p), Some(v)) => self.columns = Some((None, p, v)),
            _ => {
                return Err(InputError::new(
                    ErrorCode::InvalidParameter,
                    self.file,
                    format!("the header lacks the columns {needed}"),
                )
                .row(row)
                .hint(if self.per_item {
                    "Write a header 'item,pattern,prob' (the CSV that pacer cdm --format csv or the CDM Calibration page writes has it)."
                } else {
                    "Write a header 'pattern,proportion' (the class-proportion CSV of the CDM Calibration page has it)."
                })
                .build())
            }
        }
        self.value_name = names[self.columns.expect("set above").2].clone();
        Ok(())
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let (item_col, pattern_col, value_col) = self.columns.expect("header read first");
        let item = item_col.map(|c| text(cells.get(c))).unwrap_or_default();
        let raw = text(cells.get(pattern_col));
        let value_text = text(cells.get(value_col));
        if item.is_empty() && raw.is_empty() && value_text.is_empty() {
            return Ok(());
        }
        if self.per_item && item.is_empty() {
            return Err(InputError::new(
                ErrorCode::EmptyItemName,
                self.file,
                "this row has no item name",
            )
            .row(row)
            .column("item")
            .hint("Name the item as in the response file's header.")
            .build());
        }
        // GDINA writes P(10) for item patterns and p0110 for classes.
        let pattern = if self.per_item {
            raw.strip_prefix("P(")
                .and_then(|s| s.strip_suffix(')'))
                .unwrap_or(&raw)
        } else {
            raw.strip_prefix('p').unwrap_or(&raw)
        }
        .to_string();
        if pattern.is_empty() || !pattern.chars().all(|c| c == '0' || c == '1') {
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                self.file,
                format!("'{raw}' is not an attribute pattern of 0s and 1s"),
            )
            .row(row)
            .column("pattern")
            .value(raw.clone())
            .hint(if self.per_item {
                "Write the pattern over the item's required attributes as digits, e.g. 10 (first mastered, second not). A spreadsheet may have dropped leading zeros: format the column as text."
            } else {
                "Write the pattern over all attributes as digits, attribute 1 first, e.g. 0110. A spreadsheet may have dropped leading zeros: format the column as text, or prefix the pattern with p."
            })
            .build());
        }
        let value = match cells.get(value_col) {
            Some(Cell::Number(v)) => Some(*v),
            _ => value_text.parse::<f64>().ok(),
        };
        let ok = match value {
            Some(v) if self.per_item => v > 0.0 && v < 1.0,
            Some(v) => (0.0..=1.0).contains(&v),
            None => false,
        };
        if !ok {
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                self.file,
                format!(
                    "{}pattern {pattern} has the {} '{value_text}'",
                    if self.per_item {
                        format!("item '{item}', ")
                    } else {
                        String::new()
                    },
                    self.value_name
                ),
            )
            .row(row)
            .column(self.value_name.clone())
            .value(value_text.clone())
            .hint(if self.per_item {
                "A success probability must be a number strictly between 0 and 1 (GDINA keeps them within 1e-4 and 0.9999)."
            } else {
                "A class proportion must be a number from 0 to 1 (the proportions of all classes sum to 1)."
            })
            .build());
        }
        self.rows.push(PatternValue {
            item,
            pattern,
            value: value.expect("checked above"),
            row,
        });
        Ok(())
    }
}

fn read(bytes: &[u8], file: &str, per_item: bool) -> Result<Vec<PatternValue>> {
    let mut sink = Sink {
        file,
        per_item,
        columns: None,
        value_name: String::new(),
        rows: Vec::new(),
    };
    table::read_table(bytes, file, &mut sink)?;
    if sink.rows.is_empty() {
        return Err(
            InputError::new(ErrorCode::NoRows, file, "the file has no data rows")
                .hint(if per_item {
                    "Add one row per item and reduced attribute pattern: item, pattern, prob."
                } else {
                    "Add one row per latent class: pattern, proportion."
                })
                .build(),
        );
    }
    Ok(sink.rows)
}

/// Reads an item-parameter file of a CDM (`item,pattern,prob`).
///
/// # Errors
/// Missing columns, rows without an item, patterns that are not 0/1 digits, probabilities not
/// strictly between 0 and 1, no rows, and the reading errors of any table. (Whether the patterns
/// fit the Q-matrix is checked where both are known.)
pub fn read_cdm_item_parameters(bytes: &[u8], file: &str) -> Result<Vec<PatternValue>> {
    read(bytes, file, true)
}

/// Reads a class-proportion file (`pattern,proportion`).
///
/// # Errors
/// Missing columns, patterns that are not 0/1 digits, proportions that are not numbers in [0, 1], no
/// rows, and the reading errors of any table.
pub fn read_class_proportions(bytes: &[u8], file: &str) -> Result<Vec<PatternValue>> {
    read(bytes, file, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pacers_and_gdinas_spellings() {
        let rows = read_cdm_item_parameters(
            b"item,required,pattern,prob,se\nV1,A1;A2,00,0.1,0.01\nV1,A1;A2,P(10),0.2,\n",
            "p.csv",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[1].item.as_str(),
                rows[1].pattern.as_str(),
                rows[1].value,
                rows[1].row
            ),
            ("V1", "10", 0.2, 3)
        );
        let classes =
            read_class_proportions(b"pattern,prob\np01,0.25\n10,0.75\n", "c.csv").unwrap();
        assert_eq!(classes[0].pattern, "01");
        assert_eq!(classes[1].value, 0.75);
    }

    #[test]
    fn names_the_problem() {
        let err = |t: &[u8]| {
            read_cdm_item_parameters(t, "p.csv")
                .unwrap_err()
                .to_string()
        };
        assert!(err(b"item,prob\nV1,0.2\n").contains("item,pattern,prob"));
        let s = err(b"item,pattern,prob\nV1,12,0.2\n");
        assert!(s.contains("'12'") && s.contains("row 2"), "{s}");
        let s = err(b"item,pattern,prob\nV1,1,1\n");
        assert!(
            s.contains("strictly between 0 and 1") && s.contains("row 2"),
            "{s}"
        );
        let s = err(b"item,pattern,prob\n,1,0.5\n");
        assert!(s.contains("no item name"), "{s}");
        let s = read_class_proportions(b"pattern,proportion\n01,-0.1\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(s.contains("from 0 to 1"), "{s}");
        let s = read_class_proportions(b"pattern,proportion\n01,5.5\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(s.contains("row 2") && s.contains("from 0 to 1"), "{s}");
    }
}
