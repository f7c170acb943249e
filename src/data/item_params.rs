//! The item-parameter file: externally calibrated parameters for scoring (and later equating).
//!
//! Prescribed columns (header names, any order, any case; other columns ignored):
//! - `item`: the item's name as in the response file's header;
//! - `model`: `rasch`, `1pl`, `2pl`, `3pl`, `4pl`, `grm`, `gpcm`, `pcm` or `rsm`;
//! - `a`: the slope in the IRT metric (default 1 for `rasch`, `1pl`, `pcm`, `rsm`);
//! - 0/1 items: `b` (or `b1`), the difficulty, with logit `D·a·(θ − b)`; or `d` (or `d1`), the
//!   intercept, with logit `D·a·θ + d`; `c`, the lower asymptote (3PL, 4PL; default 0); `u`, the
//!   upper asymptote (4PL; default 1);
//! - polytomous items, K categories: `b1..b{K−1}` or `d1..d{K−1}`. Graded: `P(X ≥ k) =
//!   σ(D·a·(θ − b_k))`, or `σ(D·a·θ + d_k)`. Partial credit family (Muraki's step parameters):
//!   `P(X = k) ∝ exp(Σ_{v≤k} D·a·(θ − b_v))`, or `∝ exp(k·D·a·θ + d_k)` (mirt's intercepts);
//! - `scores` (optional): the observed score of each category, separated by `;` (default
//!   0..K−1), as the calibration reports them.
//!
//! With D = 1, `a` and `d` are mirt's `a1` and `d` of `coef(mod)`; `a` and `b` its
//! `coef(mod, IRTpars = TRUE)`.

use super::table::{self, Cell, RowSink};
use crate::error::{ErrorCode, InputError, Result};
use crate::irt::{ItemModel, PolyItem};

/// One item of a parameter file, on the logit scale (D applied).
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterItem {
    /// Item name.
    pub item: String,
    /// The item's parameters in slope-intercept form (`a1 = D·a`).
    pub params: PolyItem,
    /// The observed score of each category.
    pub scores: Vec<u8>,
    /// The file row the item came from.
    pub row: usize,
}

struct Columns {
    item: usize,
    model: usize,
    a: Option<usize>,
    b: Vec<Option<usize>>,
    d: Vec<Option<usize>>,
    c: Option<usize>,
    u: Option<usize>,
    scores: Option<usize>,
}

struct Sink<'a> {
    file: &'a str,
    d_constant: f64,
    cols: Option<Columns>,
    items: Vec<ParameterItem>,
}

use super::table::cell_text as text;

impl Sink<'_> {
    fn err(&self, row: usize, column: &str, problem: String, hint: &str) -> crate::Error {
        InputError::new(ErrorCode::InvalidParameter, self.file, problem)
            .row(row)
            .column(column)
            .hint(hint)
            .build()
    }

    /// The number in `cells[col]`, or None when empty.
    fn number(
        &self,
        cells: &[Cell<'_>],
        col: Option<usize>,
        name: &str,
        row: usize,
        item: &str,
    ) -> Result<Option<f64>> {
        let Some(col) = col else { return Ok(None) };
        let s = text(cells.get(col));
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(InputError::new(
                ErrorCode::NonNumeric,
                self.file,
                format!("item '{item}': the {name} '{s}' is not a number"),
            )
            .row(row)
            .column(name)
            .value(s)
            .hint("Write the parameter as a number, e.g. 1.25 or -0.4.")
            .build()),
        }
    }
}

impl RowSink for Sink<'_> {
    fn header(&mut self, names: Vec<String>, row: usize) -> Result<()> {
        let find = |n: &str| names.iter().position(|h| h.trim().eq_ignore_ascii_case(n));
        let (Some(item), Some(model)) = (find("item"), find("model")) else {
            return Err(InputError::new(
                ErrorCode::InvalidParameter,
                self.file,
                "an item-parameter file needs the columns 'item' and 'model' in its header",
            )
            .row(row)
            .hint("Write a header such as 'item,model,a,b,c' (0/1 items) or 'item,model,a,b1,b2,b3' (polytomous items).")
            .build());
        };
        let numbered = |prefix: &str| -> Vec<Option<usize>> {
            let mut v: Vec<Option<usize>> =
                (1..=254).map(|k| find(&format!("{prefix}{k}"))).collect();
            while v.last() == Some(&None) {
                v.pop();
            }
            v
        };
        let mut b = numbered("b");
        let mut d = numbered("d");
        if let Some(col) = find("b") {
            b.insert(0, Some(col));
        }
        if let Some(col) = find("d") {
            d.insert(0, Some(col));
        }
        self.cols = Some(Columns {
            item,
            model,
            a: find("a"),
            b,
            d,
            c: find("c"),
            u: find("u"),
            scores: find("scores"),
        });
        Ok(())
    }

    fn row(&mut self, row: usize, cells: &[Cell<'_>]) -> Result<()> {
        let Some(cols) = self.cols.as_ref() else {
            return Ok(());
        };
        let item = text(cells.get(cols.item));
        let model_text = text(cells.get(cols.model));
        if item.is_empty() && model_text.is_empty() {
            return Ok(());
        }
        if item.is_empty() {
            return Err(self.err(
                row,
                "item",
                "this row has parameters but no item name".into(),
                "Name the item as in the response file's header.",
            ));
        }
        let Some(model) = ItemModel::parse(&model_text) else {
            return Err(self.err(
                row,
                "model",
                format!("item '{item}': '{model_text}' is not a model pacer knows"),
                "Use one of rasch, 1pl, 2pl, 3pl, 4pl, grm, gpcm, pcm, rsm.",
            ));
        };
        if self.items.iter().any(|i| i.item == item) {
            return Err(table::item_listed_twice(self.file, &item, row));
        }
        let a = match self.number(cells, cols.a, "a", row, &item)? {
            Some(v) => v,
            None if model.common_slope() => 1.0,
            None => {
                return Err(self.err(
                    row,
                    "a",
                    format!("item '{item}' ({}) has no slope a", model.name()),
                    "Give the slope in the column 'a'.",
                ))
            }
        };
        if a <= 0.0 {
            return Err(self.err(
                row,
                "a",
                format!("item '{item}': the slope a = {a} is not positive"),
                "Slopes must be above 0; an item with a negative slope should be reverse-scored.",
            ));
        }
        let read_list = |list: &[Option<usize>], prefix: &str| -> Result<Vec<(String, f64)>> {
            let mut out = Vec::new();
            for (k, col) in list.iter().enumerate() {
                let name = format!("{prefix}{}", k + 1);
                if let Some(v) = self.number(cells, *col, &name, row, &item)? {
                    out.push((name, v));
                }
            }
            Ok(out)
        };
        let bs = read_list(&cols.b, "b")?;
        let ds = read_list(&cols.d, "d")?;
        let (kind, values) = match (bs.is_empty(), ds.is_empty()) {
            (false, true) => ("b", bs),
            (true, false) => ("d", ds),
            (true, true) => {
                return Err(self.err(
                    row,
                    "b",
                    format!("item '{item}' has neither b nor d parameters"),
                    "Give the difficulty b (0/1 items) or b1..bk (polytomous items), or the intercepts d / d1..dk.",
                ))
            }
            (false, false) => {
                return Err(self.err(
                    row,
                    "d",
                    format!("item '{item}' has both b and d parameters"),
                    "Give one form: b (IRT metric) or d (slope-intercept), not both.",
                ))
            }
        };
        if a > MAX_MAGNITUDE {
            return Err(self.err(
                row,
                "a",
                format!("item '{item}': the slope a = {a} is beyond {MAX_MAGNITUDE}"),
                "Check the value: slopes are usually between 0.2 and 4 (and D is applied by pacer).",
            ));
        }
        if let Some((name, v)) = values.iter().find(|(_, v)| v.abs() > MAX_MAGNITUDE) {
            return Err(self.err(
                row,
                name,
                format!("item '{item}': {name} = {v} is beyond ±{MAX_MAGNITUDE}"),
                "Check the value: difficulties and intercepts are usually between -10 and 10.",
            ));
        }
        let v: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        if model.is_dichotomous() && v.len() != 1 {
            return Err(self.err(
                row,
                kind,
                format!(
                    "item '{item}' is a {} item but has {} {kind} parameters",
                    model.name(),
                    v.len()
                ),
                "A 0/1 item has one difficulty b (or intercept d).",
            ));
        }
        let dc = self.d_constant;
        let a1 = dc * a;
        // Intercepts d_k of the slope-intercept form.
        let d: Vec<f64> = match (kind, model) {
            ("d", _) => v.clone(),
            (_, m) if m.divide_by_total() => {
                let mut acc = 0.0;
                v.iter()
                    .map(|b| {
                        acc -= a1 * b;
                        acc
                    })
                    .collect()
            }
            _ => v.iter().map(|b| -a1 * b).collect(),
        };
        if model == ItemModel::Grm && d.windows(2).any(|w| w[1] >= w[0]) {
            return Err(self.err(
                row,
                kind,
                format!("item '{item}': the graded model needs increasing b (decreasing d), but its values are {v:?}"),
                "Order the category boundaries b1 < b2 < ... (they are where P(X ≥ k) = 0.5).",
            ));
        }
        let c = self.number(cells, cols.c, "c", row, &item)?.unwrap_or(0.0);
        let u = self.number(cells, cols.u, "u", row, &item)?.unwrap_or(1.0);
        if c != 0.0 && !model.has_asymptote() {
            return Err(self.err(
                row,
                "c",
                format!(
                    "item '{item}' ({}) has a lower asymptote c = {c}",
                    model.name()
                ),
                "Only 3PL and 4PL items take c; change the model or clear the cell.",
            ));
        }
        if !((0.0..1.0).contains(&c) && c < u && u <= 1.0) {
            return Err(self.err(
                row,
                if (0.0..1.0).contains(&c) { "u" } else { "c" },
                format!("item '{item}': the asymptotes c = {c}, u = {u} are impossible"),
                "Asymptotes need 0 ≤ c < u ≤ 1.",
            ));
        }
        let k = d.len() + 1;
        let scores: Vec<u8> = match cols.scores.map(|col| text(cells.get(col))) {
            Some(s) if !s.is_empty() => {
                let parsed: Option<Vec<u8>> =
                    s.split(';').map(|x| x.trim().parse::<u8>().ok()).collect();
                match parsed {
                    Some(p) if p.len() == k && p.windows(2).all(|w| w[0] < w[1]) => p,
                    _ => {
                        return Err(self.err(
                            row,
                            "scores",
                            format!("item '{item}': the scores '{s}' are not {k} increasing whole numbers"),
                            "List the observed score of each category, lowest first, separated by ';' (e.g. 1;2;3;4).",
                        ))
                    }
                }
            }
            _ => (0..k as u8).collect(),
        };
        self.items.push(ParameterItem {
            item,
            params: PolyItem {
                model,
                a1,
                d,
                g: c,
                u,
            },
            scores,
            row,
        });
        Ok(())
    }
}

/// The largest slope, difficulty or intercept accepted. Far beyond any real item; larger values
/// (a slope of 1e300 in a crafted file) overflow the information functions.
pub const MAX_MAGNITUDE: f64 = 1000.0;

/// Reads an item-parameter file (CSV or XLSX), applying the scaling constant `d_constant` to
/// the IRT-metric slopes.
///
/// # Errors
/// A header without `item` and `model`, an unknown model, a non-numeric or impossible value
/// (slope not above 0, asymptotes outside 0 ≤ c < u ≤ 1, unordered graded boundaries), a 0/1
/// item with several difficulties, an item listed twice, an empty file, and the reading errors
/// of any table; each names the row, the column and the item.
pub fn read_item_parameters(
    bytes: &[u8],
    file: &str,
    d_constant: f64,
) -> Result<Vec<ParameterItem>> {
    let mut sink = Sink {
        file,
        d_constant,
        cols: None,
        items: Vec::new(),
    };
    table::read_table(bytes, file, &mut sink)?;
    if sink.items.is_empty() {
        return Err(InputError::new(
            ErrorCode::NoRows,
            file,
            "the item-parameter file has no items",
        )
        .hint("Add one row per item below the header.")
        .build());
    }
    Ok(sink.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_binary_and_polytomous_items_in_both_forms() {
        let f = b"item,model,a,b,c,b1,b2,d1,d2\nQ1,3PL,1.2,0.5,0.2,,,,\nQ2,grm,0.8,,,-1,1,,\nQ3,gpcm,1,,,,,0.5,1.5\nQ4,pcm,,,,-0.5,0.5,,\n";
        let items = read_item_parameters(f, "p.csv", 1.7).unwrap();
        let q1 = &items[0].params;
        assert_eq!((q1.model, q1.g), (ItemModel::ThreePl, 0.2));
        assert!((q1.a1 - 2.04).abs() < 1e-12 && (q1.d[0] + 1.02).abs() < 1e-12);
        let q2 = &items[1].params;
        assert!((q2.d[0] - 1.36).abs() < 1e-12 && (q2.d[1] + 1.36).abs() < 1e-12);
        assert_eq!(items[2].params.d, vec![0.5, 1.5]);
        // PCM steps −0.5, 0.5 with a = 1: d_1 = 0.85, d_2 = 0.85 − 0.85 = 0.
        let q4 = &items[3].params;
        assert!((q4.d[0] - 0.85).abs() < 1e-12 && q4.d[1].abs() < 1e-12);
        assert_eq!(items[1].scores, vec![0, 1, 2]);
    }

    #[test]
    fn impossible_values_name_row_column_and_item() {
        let cases: [(&[u8], &str); 6] = [
            (b"item,model,a,b\nQ1,2pl,-1,0\n", "a"),
            (b"item,model,a,b,c\nQ1,3pl,1,0,1.2\n", "c"),
            (b"item,model,a,b1,b2\nQ1,grm,1,1,-1\n", "b"),
            (b"item,model,a,b\nQ1,2pl,1,x\n", "b1"),
            (b"item,model,a,b1,b2\nQ1,2pl,1,0,1\n", "b"),
            (b"item,model,a,b,scores\nQ1,2pl,1,0,1;1\n", "scores"),
        ];
        for (bytes, column) in cases {
            let e = read_item_parameters(bytes, "p.csv", 1.0).unwrap_err();
            let d = e.details();
            assert_eq!((d.row, d.column.as_deref()), (Some(2), Some(column)), "{e}");
            assert!(e.to_string().contains("Q1"), "{e}");
        }
    }
}
