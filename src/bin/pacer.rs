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
    use pacer::em::{Control, Progress};
    use pacer::equating::linking::LinkingMethod;
    use pacer::irt::{IrtModel, ItemModel};
    use pacer::scoring::ScoringMethod;
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

    #[derive(Clone, Copy, ValueEnum)]
    enum Omits {
        Wrong,
        Missing,
    }

    impl From<Omits> for pacer::data::OmitScoring {
        fn from(o: Omits) -> Self {
            match o {
                Omits::Wrong => pacer::data::OmitScoring::Wrong,
                Omits::Missing => pacer::data::OmitScoring::Missing,
            }
        }
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Model {
        Rasch,
        #[value(name = "1pl")]
        OnePl,
        #[value(name = "2pl")]
        TwoPl,
        #[value(name = "3pl")]
        ThreePl,
        #[value(name = "4pl")]
        FourPl,
        Grm,
        Gpcm,
        Pcm,
        Rsm,
        /// Per item: scores above 1 make an item polytomous (--polytomous-model), others get
        /// --binary-model; --item-models overrides.
        Mixed,
    }

    impl Model {
        fn irt(self) -> IrtModel {
            match self {
                Model::Rasch => IrtModel::Rasch,
                Model::OnePl => IrtModel::OnePl,
                Model::TwoPl => IrtModel::TwoPl,
                Model::ThreePl => IrtModel::ThreePl,
                Model::FourPl => IrtModel::FourPl,
                Model::Grm => IrtModel::Grm,
                Model::Gpcm => IrtModel::Gpcm,
                Model::Pcm => IrtModel::Pcm,
                Model::Rsm => IrtModel::Rsm,
                Model::Mixed => IrtModel::Mixed,
            }
        }
    }

    fn parse_model(s: &str) -> Result<ItemModel, String> {
        ItemModel::parse(s).ok_or_else(|| {
            format!("'{s}' is not a model; use rasch, 1pl, 2pl, 3pl, 4pl, grm, gpcm, pcm or rsm")
        })
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
            /// Answer key (CSV or XLSX, columns item,key): the file holds raw option letters,
            /// rescored 0/1 before every statistic, with a distractor analysis.
            #[arg(long)]
            key: Option<PathBuf>,
            /// With --key: an omitted multiple-choice item scores 0 (wrong) or is missing.
            #[arg(long, value_enum, default_value = "wrong")]
            omits: Omits,
            /// With --key: also write the distractor table as CSV to this file.
            #[arg(long)]
            distractors_csv: Option<PathBuf>,
            /// Output: the full result as JSON, or the item table as CSV.
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
        /// Differential item functioning between a reference group and each focal group:
        /// Mantel-Haenszel (chi-square, odds ratio, MH D-DIF, ETS class), standardization (STD
        /// P-DIF / SMD) and logistic regression, matched on the total score.
        Dif {
            /// Response file (CSV or XLSX) with a group column.
            file: PathBuf,
            /// The group column's name.
            #[arg(long, default_value = "group")]
            group_column: String,
            /// The reference group, as written in the group column.
            #[arg(long)]
            reference: String,
            /// Columns to leave out (covariates beside the items), comma-separated.
            #[arg(long, value_delimiter = ',')]
            exclude: Vec<String>,
            /// Purify the matching score (take the items the MH test flags out of it, repeatedly).
            #[arg(long)]
            purify: bool,
            /// Leave out the MH chi-square's continuity correction.
            #[arg(long)]
            no_correction: bool,
            /// Answer key (columns item,key): the file holds raw option letters, rescored 0/1.
            #[arg(long)]
            key: Option<PathBuf>,
            /// With --key: an omitted multiple-choice item scores 0 (wrong) or is missing.
            #[arg(long, value_enum, default_value = "wrong")]
            omits: Omits,
            /// Significance level of the tests.
            #[arg(long, default_value_t = 0.05)]
            alpha: f64,
            /// Output: the full result as JSON, or one row per focal group and item as CSV.
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
        /// IRT calibration by marginal maximum likelihood (EM): 0/1, polytomous and mixed-format
        /// tests, one or several groups.
        Irt {
            /// Response file (CSV or XLSX) of integer scores; empty or NA = missing; a column
            /// named 'group' is used with --multigroup.
            file: PathBuf,
            /// The model of every item, or 'mixed'.
            #[arg(long, value_enum, default_value = "2pl")]
            model: Model,
            /// Under --model mixed, the model of items with scores above 1.
            #[arg(long, value_parser = parse_model, default_value = "grm")]
            polytomous_model: ItemModel,
            /// Under --model mixed, the model of 0/1 items.
            #[arg(long, value_parser = parse_model, default_value = "2pl")]
            binary_model: ItemModel,
            /// Item-model file (CSV or XLSX, columns 'item' and 'model'): per-item models that
            /// override --model.
            #[arg(long)]
            item_models: Option<PathBuf>,
            /// Multiple-group calibration by the file's 'group' column.
            #[arg(long)]
            multigroup: bool,
            /// The reference group (latent N(0, 1)); default: the first row's group.
            #[arg(long)]
            reference_group: Option<String>,
            /// Items constrained equal across groups, comma-separated (default: all).
            #[arg(long, value_delimiter = ',')]
            anchors: Option<Vec<String>>,
            /// Number of quadrature nodes (default 61 rectangular on [-6, 6]; 21 Gauss-Hermite).
            #[arg(long)]
            quadrature: Option<usize>,
            /// Gauss-Hermite quadrature instead of the rectangular grid.
            #[arg(long)]
            gauss_hermite: bool,
            /// Scaling constant D for the reported a = a1 / D (1 = logistic metric as mirt).
            #[arg(long = "D", default_value_t = 1.702, allow_negative_numbers = true)]
            d: f64,
            /// Convergence tolerance on the largest absolute parameter change.
            #[arg(long, default_value_t = 1e-4, allow_negative_numbers = true)]
            tol: f64,
            /// Iteration limit.
            #[arg(long, default_value_t = 500)]
            max_iter: usize,
            /// Compute standard errors.
            #[arg(long)]
            se: bool,
            /// Beta prior on the lower asymptote (3PL/4PL), as ALPHA,BETA (e.g. 5,17).
            #[arg(long, value_parser = parse_pair)]
            guessing_prior: Option<(f64, f64)>,
            /// M2 is computed for tests of at most this many items (its time grows with the
            /// sixth power of the number of items).
            #[arg(long, default_value_t = pacer::irt::DEFAULT_M2_MAX_ITEMS)]
            m2_max_items: usize,
            /// S-X2 item fit is computed for tests of at most this many items (its time grows
            /// with the cube of the number of items).
            #[arg(long, default_value_t = pacer::irt::DEFAULT_ITEM_FIT_MAX_ITEMS)]
            item_fit_max_items: usize,
            /// Print each EM iteration on stderr.
            #[arg(long)]
            progress: bool,
            /// Output: the full result as JSON, or the item table as CSV.
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
        /// Test Scoring: ability estimates of every examinee from item parameters, the
        /// summed-score conversion table, test characteristics and score reporting.
        Score {
            /// Response file (CSV or XLSX) of integer scores; empty or NA = missing.
            file: PathBuf,
            /// Item-parameter file (CSV or XLSX): columns item, model, a, b or b1..bk (or d /
            /// d1..dk), c, u, scores (docs/json/scoring.md).
            #[arg(long)]
            params: PathBuf,
            /// Estimation method.
            #[arg(long, value_enum, default_value = "eap")]
            method: Method,
            /// Scaling constant D applied to the parameter file's slopes (1 = logistic metric).
            #[arg(long = "D", default_value_t = 1.702, allow_negative_numbers = true)]
            d: f64,
            /// Prior mean (MAP, EAP).
            #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
            prior_mean: f64,
            /// Prior SD (MAP, EAP).
            #[arg(long, default_value_t = 1.0)]
            prior_sd: f64,
            /// Quadrature nodes on [-6, 6] (EAP, EAP sum).
            #[arg(long, default_value_t = 61)]
            quadrature: usize,
            /// θ points of the test characteristics, comma-separated (default -4 to 4 by 0.1).
            #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
            theta_points: Option<Vec<f64>>,
            /// Scale score = SLOPE·θ + INTERCEPT.
            #[arg(long, requires = "scale_intercept", allow_negative_numbers = true)]
            scale_slope: Option<f64>,
            /// See --scale-slope.
            #[arg(long, requires = "scale_slope", allow_negative_numbers = true)]
            scale_intercept: Option<f64>,
            /// Decimals of the scale scores (default 0).
            #[arg(long)]
            scale_decimals: Option<u32>,
            /// Lowest obtainable scale score.
            #[arg(long, allow_negative_numbers = true)]
            scale_min: Option<f64>,
            /// Highest obtainable scale score.
            #[arg(long, allow_negative_numbers = true)]
            scale_max: Option<f64>,
            /// Cut scores on the reported scale (scale scores with a scale, else θ),
            /// comma-separated, increasing.
            #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
            cuts: Vec<f64>,
            /// Names of the performance levels, comma-separated (one more than cuts).
            #[arg(long, value_delimiter = ',')]
            levels: Vec<String>,
            /// Output: the full result as JSON, or the person table as CSV.
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
        /// Skill Profiler: examinees' attribute profiles (EAP, MAP, MLE, mastery probabilities)
        /// from a calibrated CDM, with classification accuracy and consistency.
        Profile {
            /// Response file (CSV or XLSX): 0/1 scores, empty cells missing, an optional `id`
            /// column.
            file: PathBuf,
            /// Q-matrix (CSV or XLSX), as for `pacer cdm`.
            #[arg(long)]
            q: PathBuf,
            /// Item parameters: `item,pattern,prob` (the CSV of `pacer cdm --format csv`).
            #[arg(long)]
            params: PathBuf,
            /// Class proportions: `pattern,proportion` (without it, all classes equally likely).
            #[arg(long)]
            classes: Option<PathBuf>,
            /// Output: the full result as JSON, or the examinees' profiles as CSV.
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
        /// CDM Calibration: a model of the G-DINA family on 0/1 responses with a Q-matrix.
        Cdm {
            /// Response file (CSV or XLSX): a header of item names, one row per examinee, 0/1
            /// scores, empty cells missing.
            file: PathBuf,
            /// Q-matrix (CSV or XLSX): item names in the first column, then one 0/1 column per
            /// attribute.
            #[arg(long)]
            q: PathBuf,
            /// The model: G-DINA (saturated), DINA, DINO, or the additive A-CDM (identity link),
            /// LLM (logit) and R-RUM (log).
            #[arg(long, value_enum, default_value = "gdina")]
            model: CdmModelArg,
            /// The scale of G-DINA's, DINA's and DINO's delta coefficients (default identity;
            /// an additive model's is its own link).
            #[arg(long, value_enum)]
            link: Option<CdmLinkArg>,
            /// Structure of the latent class proportions.
            #[arg(long, value_enum, default_value = "saturated")]
            attribute_distribution: CdmDistributionArg,
            /// Convergence: largest change of any success probability or class proportion.
            #[arg(long, default_value_t = 1e-4)]
            tol: f64,
            /// Iteration limit.
            #[arg(long, default_value_t = 2000)]
            max_iter: usize,
            /// Number of starts (the first fixed, the others random from the seed).
            #[arg(long, default_value_t = 3)]
            starts: usize,
            /// Seed of the random starts.
            #[arg(long, default_value_t = 123_456)]
            seed: u64,
            /// M2 is computed for tests of at most this many items (its time grows with the
            /// sixth power of the number of items).
            #[arg(long, default_value_t = pacer::irt::DEFAULT_M2_MAX_ITEMS)]
            m2_max_items: usize,
            /// Print each EM iteration on stderr.
            #[arg(long)]
            progress: bool,
            /// Output: the full result as JSON, or the success probabilities by attribute
            /// pattern as CSV (item, required, pattern, prob, se).
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
            /// Also write the class proportions as CSV (pattern, proportion) to this file, for
            /// `pacer profile --classes`.
            #[arg(long)]
            classes_csv: Option<PathBuf>,
        },
        /// Equating: linking constants A and B (θ_base = A·θ_new + B) placing a new form's item
        /// parameters on a base scale through common items, with drift diagnostics.
        Link {
            #[command(flatten)]
            link: LinkArgs,
            /// Output: the full result as JSON, or the linked new-form parameters as CSV (an
            /// item-parameter file for `pacer score`).
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
        /// Equating: links the new form to the base scale (as `pacer link`) and equates its
        /// summed scores to the base form's by IRT true-score and observed-score equating.
        Equate {
            #[command(flatten)]
            link: LinkArgs,
            /// Observed-score equating: mean of population 1's θ (the new form's examinees) on
            /// the base scale.
            #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
            pop1_mean: f64,
            /// Its standard deviation.
            #[arg(long, default_value_t = 1.0)]
            pop1_sd: f64,
            /// Mean of population 2's θ (the base form's examinees).
            #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
            pop2_mean: f64,
            /// Its standard deviation.
            #[arg(long, default_value_t = 1.0)]
            pop2_sd: f64,
            /// Weight of population 1 in the synthetic population (population 2 gets the rest).
            #[arg(long, default_value_t = 0.5)]
            synthetic_weight: f64,
            /// θ points of the populations' distributions (equally spaced over mean ± 4 SD).
            #[arg(long, default_value_t = 40)]
            population_points: usize,
            /// Output: the full result as JSON, or the conversion table as CSV (score, theta,
            /// true_score_equivalent, observed_score_equivalent).
            #[arg(long, value_enum, default_value = "json")]
            format: Format,
        },
    }

    /// The inputs and options of `pacer link` and `pacer equate`.
    #[derive(clap::Args)]
    struct LinkArgs {
        /// Base (bank) form's item-parameter file (CSV or XLSX, as for `pacer score`).
        #[arg(long)]
        base: PathBuf,
        /// New form's item-parameter file.
        #[arg(long)]
        new: PathBuf,
        /// Anchor file: columns new_item, base_item (one row per common item).
        #[arg(long)]
        anchors: PathBuf,
        /// Linking method.
        #[arg(long, value_enum, default_value = "stocking-lord")]
        method: LinkMethod,
        /// Scaling constant D applied to both files' slopes (plink's default is 1).
        #[arg(long = "D", default_value_t = 1.702)]
        d: f64,
        /// Symmetric characteristic-curve criteria (both directions).
        #[arg(long)]
        symmetric: bool,
        /// θ points of the curve criteria, comma-separated (default 40 equally spaced on
        /// [-4, 4], as plink).
        #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
        theta_points: Option<Vec<f64>>,
        /// Weights of the θ points, comma-separated (default equal).
        #[arg(long, value_delimiter = ',')]
        weights: Option<Vec<f64>>,
        /// Common items to leave out, by their new-form names, comma-separated.
        #[arg(long, value_delimiter = ',')]
        exclude: Vec<String>,
    }

    impl LinkArgs {
        /// The three files' bytes and names, and the options.
        #[allow(clippy::type_complexity)]
        fn load(self) -> Result<([(Vec<u8>, String); 3], tools::LinkRequest), String> {
            let files = [
                (read(&self.base)?, self.base.display().to_string()),
                (read(&self.new)?, self.new.display().to_string()),
                (read(&self.anchors)?, self.anchors.display().to_string()),
            ];
            let request = tools::LinkRequest {
                method: Some(match self.method {
                    LinkMethod::MeanMean => LinkingMethod::MeanMean,
                    LinkMethod::MeanSigma => LinkingMethod::MeanSigma,
                    LinkMethod::Haebara => LinkingMethod::Haebara,
                    LinkMethod::StockingLord => LinkingMethod::StockingLord,
                }),
                d: Some(self.d),
                symmetric: Some(self.symmetric),
                theta_points: self.theta_points,
                weights: self.weights,
                exclude: self.exclude,
                ..Default::default()
            };
            Ok((files, request))
        }
    }

    /// The EM observer of the calibrations: prints each iteration on stderr when `progress`.
    fn print_progress(progress: bool) -> impl FnMut(&Progress) -> Control {
        move |p: &Progress| {
            if progress {
                eprintln!(
                    "iteration {:4}  change {:.3e}  loglik {:.6}",
                    p.iteration, p.change, p.loglik
                );
            }
            Control::Continue
        }
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum CdmModelArg {
        Gdina,
        Dina,
        Dino,
        Acdm,
        Llm,
        Rrum,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum CdmLinkArg {
        Identity,
        Logit,
        Log,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum CdmDistributionArg {
        Saturated,
        Independent,
        HigherOrder,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum LinkMethod {
        MeanMean,
        MeanSigma,
        Haebara,
        StockingLord,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Method {
        Ml,
        Map,
        Eap,
        Wle,
        Eapsum,
    }

    fn parse_pair(s: &str) -> Result<(f64, f64), String> {
        let parts: Vec<&str> = s.split(',').collect();
        match parts.as_slice() {
            [a, b] => Ok((
                a.trim()
                    .parse()
                    .map_err(|_| format!("'{a}' is not a number"))?,
                b.trim()
                    .parse()
                    .map_err(|_| format!("'{b}' is not a number"))?,
            )),
            _ => Err("write the two shapes as ALPHA,BETA, e.g. 5,17".into()),
        }
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
                key,
                omits,
                distractors_csv,
                format,
            } => read(&file).and_then(|bytes| {
                let options = ItemAnalysisOptions {
                    missing: match missing {
                        Missing::Pairwise => MissingHandling::Pairwise,
                        Missing::Listwise => MissingHandling::Listwise,
                    },
                };
                let name = file.display().to_string();
                let result = match &key {
                    Some(key) => {
                        let key_bytes = read(key)?;
                        tools::analyze_items_with_key(
                            &bytes,
                            &name,
                            (&key_bytes, &key.display().to_string()),
                            omits.into(),
                            &options,
                        )
                    }
                    None => tools::analyze_items(&bytes, &name, &options),
                }
                .map_err(|e| e.to_string())?;
                if let Some(path) = &distractors_csv {
                    if key.is_none() {
                        return Err("--distractors-csv needs --key: the distractor analysis is of raw choices scored with an answer key".to_string());
                    }
                    std::fs::write(path, tools::distractor_table_csv(&result))
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::item_table_csv(&result),
                })
            }),
            Command::Dif {
                file,
                group_column,
                reference,
                exclude,
                purify,
                no_correction,
                key,
                omits,
                alpha,
                format,
            } => read(&file).and_then(|bytes| {
                let key_bytes = key.as_ref().map(read).transpose()?;
                let key_name = key.as_ref().map(|k| k.display().to_string());
                let omits = pacer::data::OmitScoring::from(omits);
                let request = tools::DifRequest {
                    group_column: Some(group_column),
                    reference: Some(reference),
                    exclude,
                    purify,
                    alpha: Some(alpha),
                    continuity_correction: Some(!no_correction),
                    ..Default::default()
                };
                let (roles, options) = request.options().map_err(|e| e.to_string())?;
                let name = file.display().to_string();
                let key = key_bytes
                    .as_deref()
                    .zip(key_name.as_deref())
                    .map(|(b, n)| (b, n, omits));
                let result = tools::analyze_dif(&bytes, &name, &roles, key, &options)
                    .map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::dif_table_csv(&result),
                })
            }),
            Command::Irt {
                file,
                model,
                polytomous_model,
                binary_model,
                item_models,
                multigroup,
                reference_group,
                anchors,
                quadrature,
                gauss_hermite,
                d,
                tol,
                max_iter,
                se,
                guessing_prior,
                m2_max_items,
                item_fit_max_items,
                progress,
                format,
            } => read(&file).and_then(|bytes| {
                let item_models = match &item_models {
                    Some(path) => {
                        let b = read(path)?;
                        pacer::data::read_item_models(&b, &path.display().to_string())
                            .map_err(|e| e.to_string())?
                    }
                    None => Default::default(),
                };
                let request = tools::IrtRequest {
                    file_name: None,
                    model: Some(model.irt()),
                    polytomous_model: Some(polytomous_model),
                    binary_model: Some(binary_model),
                    item_models,
                    multigroup,
                    reference_group,
                    anchors,
                    quadrature,
                    gauss_hermite,
                    d: Some(d),
                    tol: Some(tol),
                    max_iter: Some(max_iter),
                    se,
                    guessing_prior: guessing_prior.map(|(a, b)| [a, b]),
                    m2_max_items: Some(m2_max_items),
                    item_fit_max_items: Some(item_fit_max_items),
                };
                let name = file.display().to_string();
                let mut observer = print_progress(progress);
                let result = tools::calibrate_irt(&bytes, &name, &request.options(), &mut observer)
                    .map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::irt_table_csv(&result),
                })
            }),
            Command::Score {
                file,
                params,
                method,
                d,
                prior_mean,
                prior_sd,
                quadrature,
                theta_points,
                scale_slope,
                scale_intercept,
                scale_decimals,
                scale_min,
                scale_max,
                cuts,
                levels,
                format,
            } => read(&file).and_then(|bytes| {
                let param_bytes = read(&params)?;
                let mut options = pacer::scoring::ScoringOptions {
                    method: match method {
                        Method::Ml => ScoringMethod::Ml,
                        Method::Map => ScoringMethod::Map,
                        Method::Eap => ScoringMethod::Eap,
                        Method::Wle => ScoringMethod::Wle,
                        Method::Eapsum => ScoringMethod::Eapsum,
                    },
                    d_constant: d,
                    prior_mean,
                    prior_sd,
                    quadrature_nodes: quadrature,
                    scale: scale_slope.zip(scale_intercept).map(|(slope, intercept)| {
                        pacer::scoring::ScaleTransform {
                            slope,
                            intercept,
                            decimals: scale_decimals,
                            min: scale_min,
                            max: scale_max,
                        }
                    }),
                    cuts,
                    levels,
                    ..Default::default()
                };
                if let Some(t) = theta_points {
                    options.theta_points = t;
                }
                let result = tools::score_irt(
                    &bytes,
                    &file.display().to_string(),
                    &param_bytes,
                    &params.display().to_string(),
                    &options,
                )
                .map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::scoring_table_csv(&result),
                })
            }),
            Command::Cdm {
                file,
                q,
                model,
                link,
                attribute_distribution,
                tol,
                max_iter,
                starts,
                seed,
                m2_max_items,
                progress,
                format,
                classes_csv,
            } => read(&file).and_then(|bytes| {
                let q_bytes = read(&q)?;
                let request = tools::CdmRequest {
                    model: Some(match model {
                        CdmModelArg::Gdina => pacer::cdm::CdmModel::Gdina,
                        CdmModelArg::Dina => pacer::cdm::CdmModel::Dina,
                        CdmModelArg::Dino => pacer::cdm::CdmModel::Dino,
                        CdmModelArg::Acdm => pacer::cdm::CdmModel::Acdm,
                        CdmModelArg::Llm => pacer::cdm::CdmModel::Llm,
                        CdmModelArg::Rrum => pacer::cdm::CdmModel::Rrum,
                    }),
                    link: link.map(|l| match l {
                        CdmLinkArg::Identity => pacer::cdm::Link::Identity,
                        CdmLinkArg::Logit => pacer::cdm::Link::Logit,
                        CdmLinkArg::Log => pacer::cdm::Link::Log,
                    }),
                    attribute_distribution: Some(match attribute_distribution {
                        CdmDistributionArg::Saturated => {
                            pacer::cdm::AttributeDistribution::Saturated
                        }
                        CdmDistributionArg::Independent => {
                            pacer::cdm::AttributeDistribution::Independent
                        }
                        CdmDistributionArg::HigherOrder => {
                            pacer::cdm::AttributeDistribution::HigherOrder
                        }
                    }),
                    tol: Some(tol),
                    max_iter: Some(max_iter),
                    starts: Some(starts),
                    seed: Some(seed),
                    m2_max_items: Some(m2_max_items),
                    ..Default::default()
                };
                let mut observer = print_progress(progress);
                let result = tools::calibrate_cdm(
                    (&bytes, &file.display().to_string()),
                    (&q_bytes, &q.display().to_string()),
                    &request.options(),
                    &mut observer,
                )
                .map_err(|e| e.to_string())?;
                if let Some(path) = &classes_csv {
                    std::fs::write(path, tools::cdm_classes_csv(&result))
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::cdm_table_csv(&result),
                })
            }),
            Command::Profile {
                file,
                q,
                params,
                classes,
                format,
            } => read(&file).and_then(|bytes| {
                let q_bytes = read(&q)?;
                let params_bytes = read(&params)?;
                let class_bytes = classes.as_ref().map(read).transpose()?;
                let class_name = classes.as_ref().map(|c| c.display().to_string());
                let result = tools::profile_skills(
                    (&bytes, &file.display().to_string()),
                    (&q_bytes, &q.display().to_string()),
                    (&params_bytes, &params.display().to_string()),
                    class_bytes.as_deref().zip(class_name.as_deref()),
                )
                .map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::profile_table_csv(&result),
                })
            }),
            Command::Link { link, format } => link.load().and_then(|([b, n, a], request)| {
                let options = request.options();
                let result = tools::link_forms((&b.0, &b.1), (&n.0, &n.1), (&a.0, &a.1), &options)
                    .map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::linked_params_csv(&result),
                })
            }),
            Command::Equate {
                link,
                pop1_mean,
                pop1_sd,
                pop2_mean,
                pop2_sd,
                synthetic_weight,
                population_points,
                format,
            } => link.load().and_then(|([b, n, a], request)| {
                let options = tools::LinkRequest {
                    pop1_mean: Some(pop1_mean),
                    pop1_sd: Some(pop1_sd),
                    pop2_mean: Some(pop2_mean),
                    pop2_sd: Some(pop2_sd),
                    synthetic_weight: Some(synthetic_weight),
                    population_points: Some(population_points),
                    ..request
                }
                .equating_options();
                let result =
                    tools::equate_forms((&b.0, &b.1), (&n.0, &n.1), (&a.0, &a.1), &options)
                        .map_err(|e| e.to_string())?;
                Ok(match format {
                    Format::Json => tools::to_json(&result),
                    Format::Csv => tools::conversion_table_csv(&result),
                })
            }),
        };
        match out {
            Ok(text) => {
                use std::io::Write;
                // A reader that stops early (`pacer ... | head`) closes the pipe: not an error.
                match writeln!(std::io::stdout().lock(), "{}", text.trim_end()) {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                        eprintln!("pacer: cannot write the output ({e})");
                        ExitCode::from(1)
                    }
                    _ => ExitCode::SUCCESS,
                }
            }
            Err(message) => {
                eprintln!("pacer: {message}");
                ExitCode::from(2)
            }
        }
    }
}
