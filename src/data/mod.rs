//! The data layer: user files in, validated matrices out.
//!
//! - [`ResponseMatrix`]: an examinee x item matrix of integer scores stored as `u8` codes with one
//!   missing sentinel ([`MISSING`]), person-major, so 1,000,000 x 100 takes 100 MB.
//! - [`score_choices`]: raw option letters rescored with an answer key ([`read_answer_key`]).
//! - [`read_responses`]: reads CSV or XLSX bytes (the format is detected from the bytes) into a
//!   [`ResponseMatrix`], with errors naming the file, row, column and value.

mod anchors;
mod answer_key;
mod cdm_params;
mod csv_reader;
mod item_models;
mod item_params;
mod qmatrix;
mod responses;
mod table;
mod xlsx_reader;

pub use anchors::{read_anchors, Anchor};
pub use answer_key::{
    option_letter, read_answer_key, score_choices, AnswerKey, Key, OmitScoring, ScoredChoices,
};
pub use cdm_params::{read_cdm_item_parameters, read_class_proportions, PatternValue};
pub use item_models::read_item_models;
pub use item_params::{read_item_parameters, ParameterItem};
pub use qmatrix::{read_qmatrix, QMatrix};
pub use responses::{ColumnRoles, ResponseMatrix, MAX_SCORE, MISSING};
pub use table::FileFormat;

use crate::error::Result;

/// Reads a response matrix from the bytes of a CSV or XLSX file.
///
/// The header row holds the item names. Cells are integer scores `0..=254`; an empty cell or `NA`
/// (any case) is a missing response. A column named exactly `id` is kept as the examinee
/// identifier and one named exactly `group` is kept aside (for DIF); neither is an item.
///
/// # Errors
/// An empty file, a header without rows, a file that is neither CSV nor XLSX, ragged rows,
/// non-numeric, negative, fractional or too large scores, duplicate or empty item names, and an
/// item nobody answered. Each error names the file (`file_name`), row, column and value.
pub fn read_responses(bytes: &[u8], file_name: &str) -> Result<ResponseMatrix> {
    ResponseMatrix::from_table(bytes, file_name, &ColumnRoles::default())
}

/// [`read_responses`] with other names for the identifier and group columns, and columns to
/// leave out (covariates beside the items).
///
/// # Errors
/// As [`read_responses`]; also a group or excluded column the header does not have.
pub fn read_responses_with(
    bytes: &[u8],
    file_name: &str,
    roles: &ColumnRoles,
) -> Result<ResponseMatrix> {
    ResponseMatrix::from_table(bytes, file_name, roles)
}
