//! The item-model file: which model each item gets in a mixed calibration.
//!
//! Prescribed columns `item` and `model` (header names, any order, other columns ignored); one
//! row per item; `model` is one of `rasch`, `1pl`, `2pl`, `3pl`, `4pl`, `grm`, `gpcm`, `pcm`,
//! `rsm` (any case). Items the file does not name keep the calibration's model.

use super::table::{self, Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result};
use crate::irt::ItemModel;
use std::collections::BTreeMap;

struct Sink<'a> {
    file: &'a str,
    item_col: usize,
    model_col: usize,
    models: BTreeMap<String, ItemModel>,
}

use super::table::cell_text as text;

impl RowSink for Sink<'_> {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        let find = |n: &str| names.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
        match (find("item"), find("model")) {
            (Some(i), Some(m)) => {
                self.item_col = i;
                self.model_col = m;
                Ok(())
            }
            _ => Err(InputError::new(
                ErrorCode::InvalidOption,
                self.file,
                "an item-model file needs the columns 'item' and 'model' in its header",
            )
            .row(row)
            .hint("Write a header row 'item,model' and one row per item, e.g. 'Q7,gpcm'.")
            .build()),
        }
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let item = text(cells.get(self.item_col));
        let model = text(cells.get(self.model_col));
        if item.is_empty() && model.is_empty() {
            return Ok(());
        }
        if item.is_empty() {
            return Err(InputError::new(
                ErrorCode::InvalidOption,
                self.file,
                "this row has a model but no item name",
            )
            .row(row)
            .column("item")
            .hint("Name the item as in the response file's header.")
            .build());
        }
        let Some(m) = ItemModel::parse(&model) else {
            return Err(InputError::new(
                ErrorCode::InvalidOption,
                self.file,
                format!("'{model}' is not a model pacer knows"),
            )
            .row(row)
            .column("model")
            .value(model.clone())
            .hint("Use one of rasch, 1pl, 2pl, 3pl, 4pl, grm, gpcm, pcm, rsm.")
            .build());
        };
        if self.models.insert(item.clone(), m).is_some() {
            return Err(table::item_listed_twice(self.file, &item, row));
        }
        Ok(())
    }
}

/// Reads an item-model file (CSV or XLSX) into a map from item name to model.
///
/// # Errors
/// A header without `item` and `model`, an unknown model name, a row without an item name, an
/// item listed twice, and the reading errors of any table.
pub fn read_item_models(bytes: &[u8], file: &str) -> Result<BTreeMap<String, ItemModel>> {
    let mut sink = Sink {
        file,
        item_col: 0,
        model_col: 1,
        models: BTreeMap::new(),
    };
    table::read_table(bytes, file, &mut sink)?;
    Ok(sink.models)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_models_and_names_bad_rows() {
        let m = read_item_models(b"model,item\nGPCM,Q2\ngrm,Q1\n", "m.csv").unwrap();
        assert_eq!(m["Q1"], ItemModel::Grm);
        assert_eq!(m["Q2"], ItemModel::Gpcm);
        let e = read_item_models(b"item,model\nQ1,graded\n", "m.csv").unwrap_err();
        let d = e.details();
        assert_eq!((d.row, d.column.as_deref()), (Some(2), Some("model")));
        assert!(read_item_models(b"item,kind\nQ1,grm\n", "m.csv").is_err());
        assert!(read_item_models(b"item,model\nQ1,grm\nQ1,gpcm\n", "m.csv").is_err());
    }
}
