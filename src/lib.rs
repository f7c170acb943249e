//! # pacer
//!
//! A psychometrics engine that runs natively (library and CLI) and as WebAssembly in a browser
//! tab. The estimators know nothing of files, JSON or JavaScript: the data layer turns user files
//! into validated matrices, the estimators turn those into plain result structs, and the two doors
//! (the `pacer` CLI and the wasm façade) only convert inputs and outputs.
//!
//! Modules:
//! - [`data`]: response matrices read from CSV or XLSX, with precise validation errors.
//! - [`ctt`]: classical item analysis (item statistics, reliability).
//! - [`error`]: the error type shared by every module.

pub mod cdm;
pub mod ctt;
pub mod data;
pub mod dif;
pub mod em;
pub mod equating;
pub mod error;
pub mod irt;
pub mod margins;
pub mod math;
pub mod parallel;
pub mod scoring;
pub mod tools;
pub mod vecmath;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};

/// The engine's name and version, reported in every result so that any output can be reproduced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EngineInfo {
    /// Always `"pacer"`.
    pub name: String,
    /// The crate version, e.g. `"0.1.0"`.
    pub version: String,
}

impl EngineInfo {
    /// The running engine.
    pub fn current() -> Self {
        EngineInfo {
            name: "pacer".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}
