//! The error type shared by the whole engine.
//!
//! Every error a user can cause carries enough context to fix the input: the file, the row (1-based,
//! counting the header as row 1, as a spreadsheet shows it), the column, the offending value and a
//! sentence saying what to change. The wasm façade passes these fields to JavaScript as a JSON
//! object (see `docs/errors.md`) and the CLI prints the message.

use serde::Serialize;
use std::fmt;

/// A machine-readable error code. Serialised in `snake_case` (e.g. `"ragged_row"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The file has no bytes, or only white space.
    EmptyFile,
    /// The file has a header but no data rows.
    NoRows,
    /// The file is neither CSV text nor an XLSX workbook.
    NotCsvOrXlsx,
    /// The file is a legacy binary Excel workbook (.xls).
    LegacyXls,
    /// The file is UTF-16 (or otherwise not UTF-8) text.
    NotUtf8,
    /// The XLSX workbook could not be read.
    UnreadableXlsx,
    /// The CSV text is malformed (e.g. an unterminated quote).
    MalformedCsv,
    /// A row has a different number of cells than the header.
    RaggedRow,
    /// A cell is not a number.
    NonNumeric,
    /// A score is negative.
    NegativeScore,
    /// A score is not a whole number.
    FractionalScore,
    /// A score is larger than the engine supports.
    ScoreTooLarge,
    /// Two columns have the same name.
    DuplicateItem,
    /// A header cell is empty.
    EmptyItemName,
    /// A column has no responses at all.
    ItemNeverAnswered,
    /// The file has no item columns.
    NoItems,
    /// Listwise deletion left no examinee.
    NoCompleteRows,
    /// Too few examinees or items for the requested analysis.
    TooFewData,
    /// An option is out of range or unknown.
    InvalidOption,
    /// An item parameter is missing, not a number where one is needed, or impossible.
    InvalidParameter,
    /// The items of two files do not match (an item in one and not in the other).
    ItemMismatch,
    /// A response is a score the item's parameters have no category for.
    ScoreOutOfRange,
    /// A column named in the options is not in the file.
    MissingColumn,
    /// An answer key that does not fit the responses (a missing or unknown item, an option
    /// outside the responses' options).
    InvalidKey,
}

/// An error caused by the user's input, with everything needed to fix it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// The whole sentence shown to the user: where, what, and what to change.
    pub message: String,
    /// The file's name as the user gave it (empty for options).
    pub file: String,
    /// 1-based row in the file, the header being row 1 (as a spreadsheet numbers rows).
    pub row: Option<usize>,
    /// The column's header name (or its letter/number if it has none).
    pub column: Option<String>,
    /// The offending cell's text.
    pub value: Option<String>,
    /// What to change.
    pub hint: String,
}

impl InputError {
    /// Builds an error; `problem` says what is wrong, `hint` what to change.
    pub fn new(code: ErrorCode, file: &str, problem: impl Into<String>) -> Self {
        let mut e = InputError {
            code,
            message: String::new(),
            file: file.to_string(),
            row: None,
            column: None,
            value: None,
            hint: String::new(),
        };
        e.message = problem.into();
        e
    }

    /// Sets the row (1-based, header = row 1).
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// Sets the column name.
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// Sets the offending value.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets what to change, and composes the full message: `file, row R, column 'C': problem. hint`.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// The full sentence: location, problem and hint.
    fn compose(&self) -> String {
        let mut place = Vec::new();
        if !self.file.is_empty() {
            place.push(self.file.clone());
        }
        if let Some(r) = self.row {
            place.push(format!("row {r}"));
        }
        if let Some(c) = &self.column {
            if self.code == ErrorCode::InvalidOption && self.file.is_empty() {
                place.push(format!("option '{c}'"));
            } else {
                place.push(format!("column '{c}'"));
            }
        }
        let mut s = String::new();
        if !place.is_empty() {
            s.push_str(&place.join(", "));
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if !self.hint.is_empty() {
            if !s.ends_with('.') {
                s.push('.');
            }
            s.push(' ');
            s.push_str(&self.hint);
        }
        s
    }

    /// Finishes the error: `message` becomes the full sentence.
    pub fn build(mut self) -> Error {
        self.message = self.compose();
        Error::Input(Box::new(self))
    }
}

/// Every error the engine returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Bad input data or options; the message says what to change.
    Input(Box<InputError>),
}

impl Error {
    /// A bad option (no file involved).
    pub fn option(name: &str, problem: impl Into<String>, hint: impl Into<String>) -> Error {
        InputError::new(ErrorCode::InvalidOption, "", problem)
            .column(name)
            .hint(hint)
            .build()
    }

    /// The error's machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Input(e) => e.code,
        }
    }

    /// The details as a struct (serialised to JSON by the doors).
    pub fn details(&self) -> &InputError {
        match self {
            Error::Input(e) => e,
        }
    }

    /// The details as a JSON object: `{code, message, file, row, column, value, hint}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self.details()).unwrap_or_else(|_| {
            // Serialising plain strings and numbers cannot fail; keep a fallback anyway.
            format!(
                "{{\"code\":\"internal\",\"message\":{:?}}}",
                self.to_string()
            )
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => f.write_str(&e.message),
        }
    }
}

impl std::error::Error for Error {}

/// The engine's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// A non-fatal finding reported beside a result (e.g. a constant item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Machine-readable code, e.g. `"constant_item"`.
    pub code: String,
    /// The item concerned, if any.
    pub item: Option<String>,
    /// A sentence for the user.
    pub message: String,
}
