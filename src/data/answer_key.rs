//! Answer keys and the rescoring of raw choices.
//!
//! An answer-key file (CSV or XLSX) has the prescribed columns `item` and `key` (header names,
//! any case and order; other columns ignored), one row per item of the response file: `key` is
//! the correct option's letter (A-Z, any case) for a multiple-choice item, or `scored` for an
//! item whose cells are already scores (a polytomous or constructed-response item, passed
//! through). In the response file, multiple-choice cells are option letters (any case), an
//! empty cell or `NA` an omit.

use super::responses::{ColumnRoles, ResponseMatrix, LETTER_BASE, MISSING};
use super::table::{self, cell_text as text, Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One item's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A multiple-choice item: the correct option (0 = A).
    Option(u8),
    /// Already scored: the cells are passed through.
    Scored,
}

/// The answer key: item names with their keys, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerKey {
    /// `(item, key, row)`.
    pub entries: Vec<(String, Key, usize)>,
}

/// How an omitted multiple-choice item is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OmitScoring {
    /// 0, as a wrong answer (the usual classical rule).
    #[default]
    Wrong,
    /// Missing: left out of the item's statistics.
    Missing,
}

/// The letter of option `o` (0 = A).
pub fn option_letter(o: u8) -> char {
    char::from(b'A' + o)
}

struct Sink<'a> {
    file: &'a str,
    item_col: usize,
    key_col: usize,
    entries: Vec<(String, Key, usize)>,
    /// Items already read (an item listed twice is an error).
    seen: BTreeSet<String>,
}

impl RowSink for Sink<'_> {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        let find = |n: &str| names.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
        match (find("item"), find("key")) {
            (Some(i), Some(k)) => {
                self.item_col = i;
                self.key_col = k;
                Ok(())
            }
            _ => Err(InputError::new(
                ErrorCode::InvalidKey,
                self.file,
                "an answer-key file needs the columns 'item' and 'key' in its header",
            )
            .row(row)
            .hint("Write a header row 'item,key' and one row per item, e.g. 'Q1,C' (or 'Q9,scored' for an item already scored).")
            .build()),
        }
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let item = text(cells.get(self.item_col));
        let key = text(cells.get(self.key_col));
        if item.is_empty() && key.is_empty() {
            return Ok(());
        }
        let bad = |problem: String, hint: &str| {
            InputError::new(ErrorCode::InvalidKey, self.file, problem)
                .row(row)
                .column("key")
                .value(key.clone())
                .hint(hint.to_string())
                .build()
        };
        if item.is_empty() {
            return Err(bad(
                "this row has a key but no item name".into(),
                "Name the item as in the response file's header.",
            ));
        }
        let parsed = if key.eq_ignore_ascii_case("scored") {
            Key::Scored
        } else if key.len() == 1 && key.as_bytes()[0].is_ascii_alphabetic() {
            Key::Option(key.as_bytes()[0].to_ascii_uppercase() - b'A')
        } else if key.is_empty() {
            return Err(bad(
                format!("item '{item}' has no key"),
                "Write the correct option's letter (A, B, ...) or 'scored' for an item whose cells are already scores.",
            ));
        } else {
            return Err(bad(
                format!("'{key}' is not an option letter or 'scored'"),
                "Write the correct option's letter (A, B, ...) or 'scored' for an item whose cells are already scores.",
            ));
        };
        if !self.seen.insert(item.clone()) {
            return Err(table::item_listed_twice(self.file, &item, row));
        }
        self.entries.push((item, parsed, row));
        Ok(())
    }
}

/// Reads an answer-key file.
///
/// # Errors
/// A header without `item` and `key`, a key that is neither one letter nor `scored`, an item
/// listed twice, a file that cannot be read.
pub fn read_answer_key(bytes: &[u8], file: &str) -> Result<AnswerKey> {
    let mut sink = Sink {
        file,
        item_col: 0,
        key_col: 1,
        entries: Vec::new(),
        seen: BTreeSet::new(),
    };
    table::read_table(bytes, file, &mut sink)?;
    if sink.entries.is_empty() {
        return Err(
            InputError::new(ErrorCode::NoRows, file, "the answer key has no items")
                .hint("Write one row per item under the header 'item,key'.")
                .build(),
        );
    }
    Ok(AnswerKey {
        entries: sink.entries,
    })
}

/// Raw choices read with their key, rescored.
#[derive(Debug, Clone)]
pub struct ScoredChoices {
    /// The rescored matrix: 0/1 for multiple-choice items, scores passed through otherwise.
    pub scored: ResponseMatrix,
    /// Per item, its key (`None` for a scored item).
    pub keys: Vec<Option<u8>>,
    /// The raw codes, person-major: an option index 0..n_options for a multiple-choice item's
    /// choice, [`MISSING`] for an omit; unused for scored items.
    pub choices: Vec<u8>,
    /// Options A.. up to the highest letter anywhere in the file.
    pub n_options: u8,
}

/// Reads raw choices (option letters; scores for items keyed `scored`) and rescores them with
/// `key`: a choice equal to the key scores 1, any other 0, an omit 0 or missing by `omits`.
///
/// # Errors
/// The response file's errors; an item without a key or a key for an item the file lacks, a key
/// beyond the options the file uses (A up to its highest letter), a letter in an item keyed
/// `scored` or a number in a multiple-choice item (`invalid_key`, naming the file, row and
/// column).
pub fn score_choices(
    bytes: &[u8],
    file: &str,
    roles: &ColumnRoles,
    key: &AnswerKey,
    key_file: &str,
    omits: OmitScoring,
) -> Result<ScoredChoices> {
    let raw = ResponseMatrix::from_table_choices(bytes, file, roles)?;
    let k = raw.n_items();
    // Item name to (key, row), and the file's items: lookups stay cheap for long tests.
    let by_item: BTreeMap<&str, (Key, usize)> = key
        .entries
        .iter()
        .map(|(i, kj, row)| (i.as_str(), (*kj, *row)))
        .collect();
    let file_items: BTreeSet<&str> = raw.items().iter().map(String::as_str).collect();
    let mut keys = Vec::with_capacity(k);
    for item in raw.items() {
        match by_item.get(item.as_str()) {
            Some((Key::Option(o), _)) => keys.push(Some(*o)),
            Some((Key::Scored, _)) => keys.push(None),
            None => {
                return Err(InputError::new(
                    ErrorCode::InvalidKey,
                    key_file,
                    format!("item '{item}' of {file} has no key"),
                )
                .column("item")
                .value(item.clone())
                .hint("Add a row for it: its correct option's letter, or 'scored' if its cells are already scores.")
                .build())
            }
        }
    }
    if let Some((item, _, row)) = key
        .entries
        .iter()
        .find(|(i, _, _)| !file_items.contains(i.as_str()))
    {
        return Err(InputError::new(
            ErrorCode::InvalidKey,
            key_file,
            format!("the key names item '{item}', which {file} does not have"),
        )
        .row(*row)
        .column("item")
        .value(item.clone())
        .hint("Name the items as in the response file's header, or remove the row.")
        .build());
    }
    let codes = raw.codes();
    let highest = codes
        .iter()
        .filter(|&&c| c != MISSING && c >= LETTER_BASE)
        .map(|&c| c - LETTER_BASE)
        .max();
    let n_options = highest.map_or(0, |h| h + 1);
    for (j, kj) in keys.iter().enumerate() {
        if let Some(o) = *kj {
            if o >= n_options {
                let (_, row) = by_item[raw.items()[j].as_str()];
                return Err(InputError::new(
                    ErrorCode::InvalidKey,
                    key_file,
                    format!(
                        "the key of item '{}' is {}, an option no examinee could choose: the responses use options A to {}",
                        raw.items()[j],
                        option_letter(o),
                        if n_options == 0 { '-' } else { option_letter(n_options - 1) }
                    ),
                )
                .row(row)
                .column("key")
                .value(option_letter(o).to_string())
                .hint("Correct the key, or check that the response file is the one the key belongs to.")
                .build());
            }
        }
    }
    let mut scored = Vec::with_capacity(codes.len());
    let mut choices = Vec::with_capacity(codes.len());
    for (p, row) in codes.chunks_exact(k).enumerate() {
        for (j, &c) in row.iter().enumerate() {
            let letter = c != MISSING && c >= LETTER_BASE;
            let wrong_kind = |what: &str, hint: &str| {
                let cell = if letter {
                    option_letter(c - LETTER_BASE).to_string()
                } else {
                    c.to_string()
                };
                InputError::new(ErrorCode::InvalidKey, file, format!("'{cell}' {what}"))
                    .row(p + 2)
                    .column(raw.items()[j].clone())
                    .value(cell)
                    .hint(hint.to_string())
                    .build()
            };
            match keys[j] {
                Some(o) => {
                    if c != MISSING && !letter {
                        return Err(wrong_kind(
                            &format!("is a number, but the key gives item '{}' an option letter", raw.items()[j]),
                            "Write the option chosen (A, B, ...), or mark the item 'scored' in the key if its cells are scores.",
                        ));
                    }
                    if c == MISSING {
                        choices.push(MISSING);
                        scored.push(match omits {
                            OmitScoring::Wrong => 0,
                            OmitScoring::Missing => MISSING,
                        });
                    } else {
                        choices.push(c - LETTER_BASE);
                        scored.push(u8::from(c - LETTER_BASE == o));
                    }
                }
                None => {
                    if letter {
                        return Err(wrong_kind(
                            &format!("is an option letter, but the key marks item '{}' as scored", raw.items()[j]),
                            "Give the item's correct option in the key, or write its scores (0, 1, 2, ...) in the response file.",
                        ));
                    }
                    choices.push(MISSING);
                    scored.push(c);
                }
            }
        }
    }
    let scored = ResponseMatrix::from_codes(raw.items().to_vec(), scored, file)?.relabelled(&raw);
    Ok(ScoredChoices {
        scored,
        keys,
        choices,
        n_options,
    })
}
