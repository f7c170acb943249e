//! The examinee x item response matrix and its builder (a [`RowSink`]).

use super::table::{self, column_label, Cell, FileFormat, RowSink};
use crate::error::{ErrorCode, InputError, Result, Warning};

/// The code of a missing response.
pub const MISSING: u8 = u8::MAX;
/// The largest score a cell may hold (one less than [`MISSING`]).
pub const MAX_SCORE: u8 = MISSING - 1;
/// In a file of raw choices (read for an answer key), option letter A is coded `LETTER_BASE`,
/// B `LETTER_BASE + 1`, …, Z `LETTER_BASE + 25`; scores of pre-scored items stay below it.
pub const LETTER_BASE: u8 = 200;

/// What a header column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An item (index into the item list).
    Item(usize),
    /// The `id` column.
    Id,
    /// The `group` column.
    Group,
    /// A column without a name; allowed only while all its cells are empty (a trailing delimiter).
    Unnamed,
    /// A column left out on request (e.g. a covariate beside the items).
    Skipped,
}

/// Which header columns are not items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRoles {
    /// The examinee identifier's column (default `id`).
    pub id: String,
    /// The group column (default `group`), kept aside for DIF and multiple-group calibration.
    pub group: String,
    /// Columns to leave out.
    pub exclude: Vec<String>,
}

impl Default for ColumnRoles {
    fn default() -> Self {
        ColumnRoles {
            id: "id".into(),
            group: "group".into(),
            exclude: Vec::new(),
        }
    }
}

/// An examinee x item matrix of integer scores.
///
/// Scores are `u8` codes `0..=254`, [`MISSING`] marks a missing response; storage is person-major
/// (`codes[person * n_items + item]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseMatrix {
    items: Vec<String>,
    codes: Vec<u8>,
    n_persons: usize,
    ids: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    max_scores: Vec<u8>,
    answered: Vec<usize>,
    file: String,
    format: Option<FileFormat>,
    warnings: Vec<Warning>,
}

impl ResponseMatrix {
    /// Builds a matrix from item names and person-major codes (for programs and tests).
    ///
    /// # Errors
    /// A length mismatch, duplicate item names, a code above [`MAX_SCORE`] other than [`MISSING`],
    /// or an item nobody answered.
    pub fn from_codes(items: Vec<String>, codes: Vec<u8>, file: &str) -> Result<ResponseMatrix> {
        let n_items = items.len();
        if n_items == 0 || !codes.len().is_multiple_of(n_items) {
            return Err(InputError::new(
                ErrorCode::RaggedRow,
                file,
                format!("{} codes do not fill rows of {n_items} items", codes.len()),
            )
            .hint("Give exactly one code per item for every examinee.")
            .build());
        }
        let mut b = Builder::new(file);
        b.header(items, 1)?;
        // Each code as the text a file would hold, so that the builder's fast path for short
        // digit strings reads it (no float formatting per cell).
        let texts: Vec<String> = (0..=MAX_SCORE).map(|c| c.to_string()).collect();
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(n_items);
        for (p, row) in codes.chunks(n_items).enumerate() {
            cells.clear();
            cells.extend(row.iter().map(|&c| {
                if c == MISSING {
                    Cell::Empty
                } else {
                    Cell::Text(texts[c as usize].as_str())
                }
            }));
            b.row(p + 2, &cells)?;
        }
        b.finish(None, Vec::new())
    }

    /// A file of raw choices: option letters (any case) coded from [`LETTER_BASE`], scores of
    /// pre-scored items as usual (below it). Only for rescoring with an answer key.
    pub(crate) fn from_table_choices(
        bytes: &[u8],
        file: &str,
        roles: &ColumnRoles,
    ) -> Result<ResponseMatrix> {
        let mut b = Builder::new(file);
        b.letters = true;
        b.column_roles = roles.clone();
        let (format, warnings) = table::read_table(bytes, file, &mut b)?;
        if !roles.exclude.is_empty() || roles.group != "group" {
            b.check_named_columns(roles)?;
        }
        b.finish(Some(format), warnings)
    }

    /// The same matrix with the identifiers and groups of another read of the file, and its
    /// format and warnings (a rescored matrix keeps what the file said).
    pub(crate) fn relabelled(mut self, from: &ResponseMatrix) -> ResponseMatrix {
        self.ids.clone_from(&from.ids);
        self.groups.clone_from(&from.groups);
        self.format = from.format;
        self.file.clone_from(&from.file);
        // The file's own notes (not its raw codes' constant items: this matrix has its own).
        let mut warnings: Vec<Warning> = from
            .warnings
            .iter()
            .filter(|w| w.code != "constant_item")
            .cloned()
            .collect();
        warnings.append(&mut self.warnings);
        self.warnings = warnings;
        self
    }

    pub(super) fn from_table(
        bytes: &[u8],
        file: &str,
        roles: &ColumnRoles,
    ) -> Result<ResponseMatrix> {
        let mut b = Builder::new(file);
        b.column_roles = roles.clone();
        let (format, warnings) = table::read_table(bytes, file, &mut b)?;
        if !roles.exclude.is_empty() || roles.group != "group" {
            b.check_named_columns(roles)?;
        }
        b.finish(Some(format), warnings)
    }

    /// Number of examinees (rows).
    pub fn n_persons(&self) -> usize {
        self.n_persons
    }

    /// Number of items (columns other than `id` and `group`).
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Item names in file order.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// One examinee's codes, one per item.
    pub fn person(&self, p: usize) -> &[u8] {
        let k = self.items.len();
        &self.codes[p * k..(p + 1) * k]
    }

    /// All codes, person-major.
    pub fn codes(&self) -> &[u8] {
        &self.codes
    }

    /// The highest observed score of each item.
    pub fn max_scores(&self) -> &[u8] {
        &self.max_scores
    }

    /// How many examinees answered each item.
    pub fn answered(&self) -> &[usize] {
        &self.answered
    }

    /// Whether any response is missing.
    pub fn has_missing(&self) -> bool {
        self.answered.iter().any(|&n| n < self.n_persons)
    }

    /// The `id` column, if the file had one.
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_deref()
    }

    /// The `group` column, if the file had one.
    pub fn groups(&self) -> Option<&[String]> {
        self.groups.as_deref()
    }

    /// The file name given when reading.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The format read (None when built from codes).
    pub fn format(&self) -> Option<FileFormat> {
        self.format
    }

    /// Warnings found while reading (constant items, several sheets, ...).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Builds a [`ResponseMatrix`] row by row, validating every cell.
struct Builder {
    file: String,
    names: Vec<String>,
    roles: Vec<Role>,
    items: Vec<String>,
    codes: Vec<u8>,
    ids: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    n_persons: usize,
    header_row: usize,
    column_roles: ColumnRoles,
    /// Whether single option letters are read (raw choices, see [`LETTER_BASE`]).
    letters: bool,
}

/// Per column of the rows `block` (person-major, `answered.len()` columns): the number of
/// answers (into `answered`, reset first), and the running highest and lowest scores
/// ([`MISSING`] counts 0 for the highest and is above every score for the lowest). Written
/// without branches so that the loop over items vectorises; out of line and called per block of
/// rows (see [`crate::parallel::BLOCK`]).
#[inline(never)]
fn column_stats(block: &[u8], answered: &mut [u32], max_scores: &mut [u8], min_scores: &mut [u8]) {
    let k = answered.len();
    answered.fill(0);
    for row in block.chunks_exact(k) {
        for j in 0..k {
            let c = row[j];
            let present = c != MISSING;
            answered[j] += present as u32;
            max_scores[j] = max_scores[j].max(if present { c } else { 0 });
            min_scores[j] = min_scores[j].min(c);
        }
    }
}

impl Builder {
    fn new(file: &str) -> Builder {
        Builder {
            file: file.to_string(),
            names: Vec::new(),
            roles: Vec::new(),
            items: Vec::new(),
            codes: Vec::new(),
            ids: None,
            groups: None,
            n_persons: 0,
            header_row: 1,
            column_roles: ColumnRoles::default(),
            letters: false,
        }
    }

    /// A group column or excluded column asked for by name must be in the header.
    fn check_named_columns(&self, roles: &ColumnRoles) -> Result<()> {
        let wanted = std::iter::once(&roles.group)
            .filter(|g| g.as_str() != "group")
            .chain(&roles.exclude);
        for name in wanted {
            if !self.names.iter().any(|n| n == name) {
                return Err(InputError::new(
                    ErrorCode::MissingColumn,
                    &self.file,
                    format!("there is no column named '{name}'"),
                )
                .row(self.header_row)
                .column(name.clone())
                .hint(format!(
                    "The header row has: {}. Name one of these (names are case-sensitive).",
                    self.names.join(", ")
                ))
                .build());
            }
        }
        Ok(())
    }

    fn err(
        &self,
        code: ErrorCode,
        row: usize,
        col: usize,
        problem: impl Into<String>,
    ) -> InputError {
        InputError::new(code, &self.file, problem)
            .row(row)
            .column(column_label(&self.names, col))
    }

    /// Parses one score cell into a code.
    /// The largest score a cell may hold: [`MAX_SCORE`], or below [`LETTER_BASE`] in a file of
    /// raw choices.
    fn max_score(&self) -> u8 {
        if self.letters {
            LETTER_BASE - 1
        } else {
            MAX_SCORE
        }
    }

    fn score(&self, row: usize, col: usize, cell: &Cell<'_>) -> Result<u8> {
        const HINT_SCORES: &str =
            "Scores must be whole numbers 0, 1, 2, ...; leave the cell empty or write NA for a missing response.";
        // Fast path: one to three ASCII digits (the usual cell) need no float parsing.
        if let Cell::Text(t) = *cell {
            let b = t.as_bytes();
            if !b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit) {
                let v = b.iter().fold(0u32, |acc, &d| acc * 10 + (d - b'0') as u32);
                if v <= self.max_score() as u32 {
                    return Ok(v as u8);
                }
            }
        }
        let value = match *cell {
            Cell::Empty => return Ok(MISSING),
            Cell::Text(t) if t.eq_ignore_ascii_case("na") => return Ok(MISSING),
            Cell::Text(t)
                if self.letters && t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic() =>
            {
                return Ok(LETTER_BASE + (t.as_bytes()[0].to_ascii_uppercase() - b'A'));
            }
            Cell::Text(t) => match t.parse::<f64>() {
                Ok(v) if v.is_finite() => (v, t.to_string()),
                _ => {
                    let letter = t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic();
                    return Err(self
                        .err(
                            ErrorCode::NonNumeric,
                            row,
                            col,
                            format!("'{t}' is not a number"),
                        )
                        .value(t)
                        .hint(if letter {
                            "Option letters (raw choices) need an answer key that scores them: give one with --key (columns item,key). Otherwise scores must be whole numbers 0, 1, 2, ...; leave the cell empty or write NA for a missing response."
                        } else {
                            HINT_SCORES
                        })
                        .build());
                }
            },
            Cell::Number(v) => (v, format!("{v}")),
            Cell::Other(desc) => {
                return Err(self
                    .err(
                        ErrorCode::NonNumeric,
                        row,
                        col,
                        format!("the cell holds {desc}, not a score"),
                    )
                    .value(desc)
                    .hint(HINT_SCORES)
                    .build())
            }
        };
        let (v, text) = value;
        if v < 0.0 {
            return Err(self
                .err(
                    ErrorCode::NegativeScore,
                    row,
                    col,
                    format!("the score {text} is negative"),
                )
                .value(text)
                .hint(HINT_SCORES)
                .build());
        }
        if v.fract() != 0.0 {
            return Err(self
                .err(ErrorCode::FractionalScore, row, col, format!("the score {text} is not a whole number"))
                .value(text)
                .hint("Item scores are whole numbers of points; round or recode the fractional scores.")
                .build());
        }
        if v > self.max_score() as f64 {
            let top = self.max_score();
            return Err(self
                .err(
                    ErrorCode::ScoreTooLarge,
                    row,
                    col,
                    format!("the score {text} is larger than {top}"),
                )
                .value(text)
                .hint(format!(
                    "Item scores must lie between 0 and {top}; recode the categories as 0, 1, 2, ..."
                ))
                .build());
        }
        Ok(v as u8)
    }

    fn finish(
        self,
        format: Option<FileFormat>,
        mut warnings: Vec<Warning>,
    ) -> Result<ResponseMatrix> {
        let k = self.items.len();
        if k == 0 {
            return Err(InputError::new(
                ErrorCode::NoItems,
                &self.file,
                "the file has no item columns",
            )
            .row(self.header_row)
            .hint("The header row must name at least one item column (besides 'id' and 'group').")
            .build());
        }
        if self.n_persons == 0 {
            return Err(InputError::new(
                ErrorCode::NoRows,
                &self.file,
                "the file has a header row but no examinees",
            )
            .hint("Add one row per examinee below the header row.")
            .build());
        }
        let mut answered = vec![0usize; k];
        let mut block_answered = vec![0u32; k];
        let mut max_scores = vec![0u8; k];
        let mut min_scores = vec![MISSING; k];
        for block in self.codes.chunks(k * crate::parallel::BLOCK) {
            column_stats(block, &mut block_answered, &mut max_scores, &mut min_scores);
            for (a, b) in answered.iter_mut().zip(&block_answered) {
                *a += *b as usize;
            }
        }
        for j in 0..k {
            if answered[j] == 0 {
                let col = self
                    .roles
                    .iter()
                    .position(|r| *r == Role::Item(j))
                    .unwrap_or(j);
                return Err(InputError::new(
                    ErrorCode::ItemNeverAnswered,
                    &self.file,
                    "nobody answered this item: every cell in the column is empty or NA",
                )
                .column(column_label(&self.names, col))
                .hint("Remove the column, or check that it holds the item's scores.")
                .build());
            }
            if min_scores[j] == max_scores[j] {
                warnings.push(Warning {
                    code: "constant_item".into(),
                    item: Some(self.items[j].clone()),
                    message: format!(
                        "Item '{}' has the same score ({}) for everyone who answered it; its correlations are undefined and it adds nothing to reliability.",
                        self.items[j], max_scores[j]
                    ),
                });
            }
        }
        Ok(ResponseMatrix {
            items: self.items,
            codes: self.codes,
            n_persons: self.n_persons,
            ids: self.ids,
            groups: self.groups,
            max_scores,
            answered,
            file: self.file,
            format,
            warnings,
        })
    }
}

impl RowSink for Builder {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        self.header_row = row;
        self.names = names;
        // First column of each item name, to report duplicates in O(columns).
        let mut first_column: std::collections::HashMap<&str, usize> = Default::default();
        for (col, name) in self.names.iter().enumerate() {
            let roles = &self.column_roles;
            let role = match name.as_str() {
                "" => Role::Unnamed,
                n if roles.exclude.iter().any(|e| e == n) => Role::Skipped,
                n if n == roles.id && self.ids.is_none() => {
                    self.ids = Some(Vec::new());
                    Role::Id
                }
                n if n == roles.group && self.groups.is_none() => {
                    self.groups = Some(Vec::new());
                    Role::Group
                }
                _ => {
                    if let Some(&first) = first_column.get(name.as_str()) {
                        return Err(InputError::new(
                            ErrorCode::DuplicateItem,
                            &self.file,
                            format!(
                                "the name '{name}' is used by columns {} and {}",
                                first + 1,
                                col + 1
                            ),
                        )
                        .row(row)
                        .column(name.clone())
                        .value(name.clone())
                        .hint("Give every column a different name.")
                        .build());
                    }
                    self.items.push(name.clone());
                    Role::Item(self.items.len() - 1)
                }
            };
            first_column.entry(name.as_str()).or_insert(col);
            self.roles.push(role);
        }
        Ok(())
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        if cells.len() != self.names.len() {
            return Err(InputError::new(
                ErrorCode::RaggedRow,
                &self.file,
                format!(
                    "this row has {} cells but the header row has {} columns",
                    cells.len(),
                    self.names.len()
                ),
            )
            .row(row)
            .hint("Every row needs one cell per column; leave a cell empty (or write NA) for a missing response.")
            .build());
        }
        let k = self.items.len();
        let start = self.codes.len();
        self.codes.resize(start + k, MISSING);
        for (col, cell) in cells.iter().enumerate() {
            match self.roles[col] {
                Role::Item(j) => {
                    // The usual cell, one digit, needs no further checks.
                    if let Cell::Text(t) = *cell {
                        if let &[d @ b'0'..=b'9'] = t.as_bytes() {
                            self.codes[start + j] = d - b'0';
                            continue;
                        }
                    }
                    let code = match self.score(row, col, cell) {
                        Ok(c) => c,
                        Err(e) => {
                            self.codes.truncate(start);
                            return Err(e);
                        }
                    };
                    self.codes[start + j] = code;
                }
                Role::Id | Role::Group => {
                    let text = match cell {
                        Cell::Empty => String::new(),
                        Cell::Text(t) | Cell::Other(t) => t.to_string(),
                        Cell::Number(x) => format!("{x}"),
                    };
                    let target = if self.roles[col] == Role::Id {
                        &mut self.ids
                    } else {
                        &mut self.groups
                    };
                    if let Some(v) = target.as_mut() {
                        v.push(text);
                    }
                }
                Role::Skipped => {}
                Role::Unnamed => {
                    if *cell != Cell::Empty {
                        return Err(InputError::new(
                            ErrorCode::EmptyItemName,
                            &self.file,
                            format!(
                                "column {} has values but no name in the header row",
                                col + 1
                            ),
                        )
                        .row(row)
                        .column(format!("#{}", col + 1))
                        .hint("Write the item's name in the header row above this column.")
                        .build());
                    }
                }
            }
        }
        self.n_persons += 1;
        Ok(())
    }
}
