//! The `pacer` command-line interface: each tool as a subcommand, JSON (or CSV) on stdout.
//! It reads files and maps errors; the statistics live in the library.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand, ValueEnum};
    use pacer::ctt::{ItemAnalysisOptions, MissingHandling};
    use pacer::tools;
    use std::path::PathBuf;
    use std::process::ExitCode;

    #[derive(Parser)]
    #[command(
        name = "pacer",
        version,
        about = "Psychometric analyses: item analysis, IRT, CDM, equating"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Format {
        Json,
        Csv,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Missing {
        Pairwise,
        Listwise,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Classical item analysis: item statistics, alpha, score distribution.
        Items {
            /// Response file (CSV or XLSX): header = item names, one row per examinee.
            file: PathBuf,
            /// Missing-data handling.
            #[arg(long, value_enum, default_value = "pairwise")]
            missing: Missing,
            /// Output: the full result as JSON, or the item table as CSV.
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
    }

    fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| format!("{}: cannot read the file ({e})", path.display()))
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let out = match cli.command {
            Command::Items {
                file,
                missing,
                format,
            } => read(&file).and_then(|bytes| {
                let options = ItemAnalysisOptions {
                    missing: match missing {
                        Missing::Pairwise => MissingHandling::Pairwise,
                        Missing::Listwise => MissingHandling::Listwise,
                    },
                };
                let name = file.display().to_string();
                let result =
                    tools::analyze_items(&bytes, &name, &options).map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::item_table_csv(&result),
                })
            }),
        };
        match out {
            Ok(text) => {
                println!("{}", text.trim_end());
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("pacer: {message}");
                ExitCode::from(2)
            }
        }
    }
}
