// Types of the pacer npm package. Field names equal the `pacer` CLI's JSON (docs/json/).

/** Loads the WebAssembly module (browser/bundler); resolves at once in Node. */
export function init(wasm?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** The engine version, e.g. "0.1.0". */
export function version(): string;

/** Input bytes: the file's contents (CSV text or an XLSX workbook). */
export type FileBytes = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** An input error: where it is and what to change. `message` is a full sentence for the user. */
export class PacerError extends Error {
  readonly name: 'PacerError';
  /**
   * e.g. "ragged_row", "non_numeric", "item_never_answered", "invalid_option"; for item-parameter
   * files "invalid_parameter", "item_mismatch", "score_out_of_range", "missing_column", "invalid_key" (all codes: docs/errors.md).
   */
  readonly code: string;
  readonly file: string | null;
  /** 1-based row in the file, the header being row 1. */
  readonly row: number | null;
  readonly column: string | null;
  readonly value: string | null;
  readonly hint: string | null;
}

export interface EngineInfo {
  name: 'pacer';
  version: string;
}

export interface Warning {
  code: string;
  item: string | null;
  message: string;
}

export interface ItemAnalysisOptions {
  /** The file's name, used in messages and echoed in the result. Default "data". */
  fileName?: string;
  /** Missing responses: pairwise (default) or listwise deletion. */
  missing?: 'pairwise' | 'listwise';
  /** analyzeItemsWithKey: the answer key's name, for messages. Default "key". */
  keyFileName?: string;
  /** analyzeItemsWithKey: an omitted multiple-choice item scores 0 ("wrong", default) or is missing. */
  omits?: 'wrong' | 'missing';
}

/** One option (or "omit") of a multiple-choice item in the distractor analysis. */
export interface OptionStatistics {
  option: string;
  key: boolean;
  count: number;
  proportion: number;
  /** Share choosing it in each of the five rest-score groups, lowest first (null: empty group). */
  by_group: (number | null)[];
  /** Option-rest point-biserial. */
  rest_r: number | null;
  /** A distractor with a positive option-rest correlation. */
  flagged: boolean;
}

export interface DistractorItem {
  item: string;
  key: string;
  group_sizes: number[];
  group_ranges: ([number, number] | null)[];
  options: OptionStatistics[];
}

export type ItemFlag = 'p_low' | 'p_high' | 'item_rest_low' | 'constant';

export interface ItemStatistics {
  item: string;
  /** Examinees who answered (among those used). */
  n: number;
  /** Missing responses in the whole file. */
  omits: number;
  mean: number;
  /** SD with denominator n - 1. */
  sd: number | null;
  se_mean: number | null;
  /** Highest observed score (at least 1). */
  max_score: number;
  /** mean / max_score. */
  p_value: number;
  /** Correlation with the total of the other items. */
  item_rest_r: number | null;
  item_total_r: number | null;
  /** Binary items: biserial with the rest score. */
  biserial_r: number | null;
  /** Polytomous items: polyserial with the rest score. */
  polyserial_r: number | null;
  alpha_if_deleted: number | null;
  /** Count of each score 0..max_score. */
  frequencies: number[];
  flags: ItemFlag[];
}

export interface TestStatistics {
  n_persons: number;
  n_items: number;
  mean: number;
  sd: number | null;
  alpha: number | null;
  alpha_kind: 'KR-20' | 'Cronbach';
  sem: number | null;
  min_score: number;
  max_score: number;
  max_possible: number;
}

export interface ItemAnalysisResult {
  tool: 'item_analysis';
  engine: EngineInfo;
  file: string;
  options: { missing: 'pairwise' | 'listwise' };
  n_persons: number;
  n_persons_used: number;
  n_items: number;
  id_column: 'id' | null;
  group_column: 'group' | null;
  items: ItemStatistics[];
  test: TestStatistics;
  score_distribution: { score: number; count: number }[];
  /** With an answer key (analyzeItemsWithKey). */
  key: { file: string; n_options: number; multiple_choice_items: number; scored_items: number; omits: 'wrong' | 'missing' } | null;
  /** With an answer key: per multiple-choice item. */
  distractors: DistractorItem[] | null;
  warnings: Warning[];
}

/** Classical item analysis of a response file. Throws PacerError on bad input. */
export function analyzeItems(bytes: FileBytes, options?: ItemAnalysisOptions): ItemAnalysisResult;

/** Item analysis of raw choices (option letters) rescored with an answer key (columns item,key), with distractors. */
export function analyzeItemsWithKey(bytes: FileBytes, keyBytes: FileBytes, options?: ItemAnalysisOptions): ItemAnalysisResult;

/** analyzeDif options (docs/json/dif.md). */
export interface DifOptions {
  /** The reference group's value in the group column (required). */
  reference: string;
  fileName?: string;
  /** Default "group". */
  groupColumn?: string;
  /** Columns to leave out (covariates). */
  exclude?: string[];
  /** Purify the matching score (default false). */
  purify?: boolean;
  /** Default 0.05. */
  alpha?: number;
  /** MH chi-square continuity correction (default true). */
  continuityCorrection?: boolean;
  /** Largest number of purification recomputations (default 10). */
  maxIterations?: number;
  /** With an answer key: its name, for messages. Default "key". */
  keyFileName?: string;
  /** With an answer key: an omitted multiple-choice item scores 0 ("wrong", default) or is missing. */
  omits?: 'wrong' | 'missing';
}

export interface DifLrTest { chi_square: number; df: number; p: number; r2_change: number | null }

export interface DifItem {
  item: string;
  item_type: 'binary' | 'polytomous';
  n_reference: number;
  n_focal: number;
  mh: { chi_square: number; p: number; alpha_mh: number; delta_mh: number; delta_se: number; var_log_alpha: number; log_or_z: number; flagged: boolean } | null;
  ets_class: 'A' | 'B' | 'C' | null;
  effect_size_class: 'A' | 'B' | 'C' | null;
  std: { value: number; relative_to_sd: number | null; class: 'A' | 'B' | 'C' } | null;
  logistic: { uniform: DifLrTest; nonuniform: DifLrTest; both: DifLrTest; class: 'A' | 'B' | 'C'; converged: boolean } | null;
}

export interface DifResult {
  tool: 'dif';
  engine: EngineInfo;
  reference: string;
  focal_groups: string[];
  n_persons: number;
  n_without_group: number;
  alpha: number;
  continuity_correction: boolean;
  purify: boolean;
  comparisons: {
    focal: string;
    n_reference: number;
    n_focal: number;
    purification: { iterations: number; converged: boolean; matching_items: string[] } | null;
    items: DifItem[];
    flagged_items: string[];
  }[];
  warnings: Warning[];
}

/** DIF by a group column: Mantel-Haenszel, standardization, logistic regression. Throws PacerError on bad input. */
export function analyzeDif(bytes: FileBytes, options: DifOptions, keyBytes?: FileBytes): DifResult;

/** The model of one item. */
export type ItemModel = 'rasch' | '1pl' | '2pl' | '3pl' | '4pl' | 'grm' | 'gpcm' | 'pcm' | 'rsm';
/** The model of a calibration: one model for every item, or "mixed" (per item). */
export type IrtModel = ItemModel | 'mixed';

export interface IrtOptions {
  fileName?: string;
  /**
   * Default "2pl". The Rasch, partial credit and rating scale models fix slopes at 1 and
   * estimate the latent variance. "mixed": items with any score above 1 get polytomousModel,
   * the others binaryModel; itemModels overrides.
   */
  model?: IrtModel;
  /** Under "mixed", the model of items with scores above 1 (default "grm"). */
  polytomousModel?: 'grm' | 'gpcm' | 'pcm' | 'rsm';
  /** Under "mixed", the model of 0/1 items (default "2pl"). */
  binaryModel?: 'rasch' | '1pl' | '2pl' | '3pl' | '4pl';
  /** Per-item models by item name (what an item-model file holds), overriding model. */
  itemModels?: Record<string, ItemModel>;
  /** Multiple-group calibration by the file's "group" column. */
  multigroup?: boolean;
  /** The reference group, latent N(0, 1) (default: the group of the first row). */
  referenceGroup?: string;
  /** Items constrained equal across groups (default: all); the others are estimated per group. */
  anchors?: string[];
  /** Quadrature nodes: default 61 (rectangular on [-6, 6], as mirt) or 21 with gaussHermite. */
  quadrature?: number;
  gaussHermite?: boolean;
  /** Scaling constant for the reported a = a1 / D: 1.702 (default, normal-ogive metric) or 1 (logistic, as mirt). */
  D?: number;
  /** Convergence tolerance on the largest absolute parameter change (default 1e-4). */
  tol?: number;
  /** Iteration limit (default 500). */
  maxIter?: number;
  /** Compute standard errors (observed information). */
  se?: boolean;
  /** Beta(alpha, beta) prior on the lower asymptote (3PL/4PL), e.g. [5, 17]. */
  guessingPrior?: [number, number];
  /** M2 is computed for tests of at most this many items (default 60; 0 leaves it out). */
  m2MaxItems?: number;
  /** S-X2 item fit is computed for tests of at most this many items (default 200; 0 leaves it out). */
  itemFitMaxItems?: number;
}

export interface IrtProgress {
  iteration: number;
  change: number;
  loglik: number;
}

export interface IrtItemEstimate {
  item: string;
  /** The group the estimates are for (items estimated per group); null when common to all. */
  group: string | null;
  model: ItemModel;
  /** Number of categories K (2 for 0/1 items). */
  categories: number;
  /** The observed score of each category 0..K-1. */
  scores: number[];
  a1: number;
  /** 0/1 items only (null for polytomous items), as g, u, b and c. */
  d: number | null;
  g: number | null;
  u: number | null;
  /** a1 / D */
  a: number;
  /** -d / a1 */
  b: number | null;
  /** = g */
  c: number | null;
  /** d_1..d_{K-1} (mirt's slope-intercept form; [d] for 0/1 items). */
  intercepts: number[];
  /** IRT form: graded boundaries -d_k/a1, (G)PCM step parameters, RSM shared thresholds; [b] for 0/1 items. */
  thresholds: (number | null)[];
  /** b for 0/1 items, the mean threshold for graded and partial credit items, delta for rating scale items. */
  location: number | null;
  /** Parameters at a bound of their range, e.g. ["g"]. */
  on_bound: string[];
  se_a1: number | null;
  se_d: number | null;
  se_g: number | null;
  se_u: number | null;
  se_a: number | null;
  se_b: number | null;
  se_c: number | null;
  /** Empty when SEs were not requested. */
  se_intercepts: (number | null)[];
  se_thresholds: (number | null)[];
  se_location: number | null;
}

export interface IrtGroupEstimate {
  group: string;
  n: number;
  reference: boolean;
  mean: number;
  variance: number;
  se_mean: number | null;
  se_variance: number | null;
}

export interface IrtCalibrationResult {
  tool: 'irt_calibration';
  engine: EngineInfo;
  file: string;
  options: {
    model: IrtModel;
    polytomous_model: ItemModel;
    binary_model: ItemModel;
    item_models: Record<string, ItemModel>;
    multigroup: boolean;
    reference_group: string | null;
    anchors: string[] | null;
    quadrature_rule: 'rectangular' | 'gauss-hermite';
    quadrature_nodes: number | null;
    D: number;
    tolerance: number;
    max_iterations: number;
    acceleration: 'none' | 'squarem';
    guessing_prior: { alpha: number; beta: number } | null;
    se: boolean;
    m2_max_items: number;
    item_fit_max_items: number;
  };
  quadrature: { rule: 'rectangular' | 'gauss-hermite'; nodes: number[]; weights: number[] };
  n_persons: number;
  n_items: number;
  n_patterns: number;
  items: IrtItemEstimate[];
  latent: { mean: number; variance: number; variance_estimated: boolean; se_variance: number | null };
  /** Each group's latent distribution (multiple-group calibrations; empty otherwise). */
  groups: IrtGroupEstimate[];
  loglik: number;
  npar: number;
  aic: number;
  bic: number;
  sabic: number;
  converged: boolean;
  stop_reason: 'converged' | 'iteration_limit' | 'cancelled';
  iterations: number;
  last_change: number;
  loglik_trace: number[];
  se_method: string | null;
  /** Limited-information fit; null when not computed (see fit_note). */
  m2: LimitedInformationFit | null;
  fit_note: string | null;
  /** S-X2 item fit (Orlando & Thissen), complete data only; empty when item_fit_note says why. */
  item_fit: { item: string; group?: string; s_x2: number | null; df: number; p: number | null; rmsea: number | null }[];
  item_fit_note: string | null;
  /** Infit/outfit at the EAP abilities: Rasch model only, empty otherwise. */
  infit_outfit: { item: string; n: number; outfit: number | null; z_outfit: number | null; infit: number | null; z_infit: number | null }[];
  curves: {
    theta: number[];
    /** Expected item score E[X | theta] in categories 0..K-1 (P(X = 1) for 0/1 items). */
    icc: number[][];
    /** P(X = k | theta), per item, per category. */
    category_curves: number[][][];
    item_information: number[][];
    test_information: number[];
    test_se: (number | null)[];
  };
  warnings: Warning[];
}

/** IRT calibration; `onProgress` may return true to stop. Throws PacerError on bad input. */
export function calibrateIrt(
  bytes: FileBytes,
  options?: IrtOptions,
  onProgress?: (progress: IrtProgress) => boolean | void,
): IrtCalibrationResult;

/** A scoring method: maximum likelihood, maximum a posteriori, expected a posteriori, Warm's weighted likelihood, EAP of the sum score. */
export type ScoringMethod = 'ml' | 'map' | 'eap' | 'wle' | 'eapsum';

/** A linear transformation of theta to the reporting scale: slope * theta + intercept, rounded, clamped. */
export interface ScaleTransformation {
  slope?: number;
  intercept?: number;
  /** Decimals of the scale scores. */
  decimals?: number;
  /** Lowest and highest scale score. */
  min?: number;
  max?: number;
}

export interface ScoringOptions {
  /** The response file's name, used in messages and echoed in the result. */
  fileName?: string;
  /** The item-parameter file's name, used in messages and echoed in the result. */
  paramsFileName?: string;
  /** Default "eap". */
  method?: ScoringMethod;
  /** The scaling constant of the parameter file's slopes a: 1.702 (default) or 1. */
  D?: number;
  /** Normal prior of theta (EAP, MAP, EAP sum score): mean (default 0) and SD (default 1). */
  priorMean?: number;
  priorSd?: number;
  /** Quadrature nodes of EAP and EAP sum score. */
  quadrature?: number;
  /** The theta values of `characteristics` (the TCC, information and CSEM curves). */
  thetaPoints?: number[];
  /** Scale scores: a linear transformation of theta. */
  scale?: ScaleTransformation;
  /** Cut scores on the reported scale (scale scores with `scale`, theta otherwise), increasing. */
  cuts?: number[];
  /** Names of the levels, one more than `cuts`. */
  levels?: string[];
}

export interface PersonScore {
  /** 1-based data row (the first row under the header is 1). */
  row: number;
  /** null when there is no finite estimate (ML for an extreme pattern). */
  theta: number | null;
  se: number | null;
  sum_score: number;
  /** Items answered. */
  answered: number;
  /** All lowest or all highest scores on the items answered. */
  extreme: null | 'minimum' | 'maximum';
  scale_score: number | null;
  /** 0-based index of the performance level, null without cut scores. */
  level: number | null;
  /** Per cut score, the probability that the true score is above it. */
  p_above: number[];
}

export interface ScoringResult {
  tool: 'test_scoring';
  engine: EngineInfo;
  file: string;
  params_file: string;
  options: {
    method: ScoringMethod;
    d_constant: number;
    prior_mean: number;
    prior_sd: number;
    quadrature_nodes: number;
    theta_points: number[];
    scale: ScaleTransformation | null;
    cuts: number[];
    levels: string[];
  };
  n_persons: number;
  n_items: number;
  /** The items' names. */
  items: string[];
  persons: PersonScore[];
  /**
   * EAP of theta for each possible sum score, the examinees with that complete-data sum score, and
   * the number the model expects among them.
   */
  eapsum_table: { sum_score: number; theta: number | null; se: number | null; scale_score: number | null; n: number; expected: number }[];
  /** Test characteristic curve, test information and conditional standard error at each theta. */
  characteristics: { theta: number[]; tcc: number[]; tif: number[]; csem: (number | null)[]; max_score: number };
  marginal_reliability: number;
  /** The distribution of the finite estimates (null when there are none). */
  summary: { n_scored: number; n_extreme: number; mean: number | null; sd: number | null; min: number | null; max: number | null };
  classification: null | {
    cuts: number[];
    levels: { name: string; n: number }[];
    accuracy: number;
    consistency: number;
  };
  warnings: Warning[];
}

/** Scores examinees with known item parameters (an item-parameter CSV). Throws PacerError on bad input. */
export function scoreIrt(responses: FileBytes, parameters: FileBytes, options?: ScoringOptions): ScoringResult;

export type LinkingMethod = 'mean-mean' | 'mean-sigma' | 'haebara' | 'stocking-lord';

export interface LinkOptions {
  /** File names, used in messages. Defaults "base", "new", "anchors". */
  baseFileName?: string;
  newFileName?: string;
  anchorsFileName?: string;
  /** Default "stocking-lord". */
  method?: LinkingMethod;
  /** Scaling constant applied to both files' slopes. Default 1.702 (plink's default is 1). */
  D?: number;
  /** Curve criteria in both directions. Default false. */
  symmetric?: boolean;
  /** θ points of the curve criteria. Default 40 equally spaced on [-4, 4]. */
  thetaPoints?: number[];
  /** Their weights. Default equal. */
  weights?: number[];
  /** Common items to leave out, by their new-form names. */
  exclude?: string[];
}

export interface LinkingConstants {
  method: LinkingMethod;
  A: number;
  B: number;
  criterion: number | null;
  iterations: number;
  converged: boolean;
}

export interface AnchorDrift {
  new_item: string;
  base_item: string;
  excluded: boolean;
  a_base: number;
  a_linked: number;
  b_base: number[];
  b_linked: number[];
  d2: number;
  rmsd: number;
  standardized: number | null;
  largest: boolean;
  flagged: boolean;
}

export interface LinkedItem {
  item: string;
  model: string;
  a: number;
  b: number[];
  c: number;
  u: number;
}

export interface LinkingResult {
  tool: 'linking';
  engine: EngineInfo;
  method: LinkingMethod;
  A: number;
  B: number;
  criterion: number | null;
  iterations: number;
  converged: boolean;
  methods: LinkingConstants[];
  symmetric: boolean;
  D: number;
  theta_points: number[];
  weights: number[];
  n_anchors: number;
  anchors: AnchorDrift[];
  linked_items: LinkedItem[];
  curves: {
    theta: number[];
    tcc_base: number[];
    tcc_new: number[];
    tcc_linked: number[];
    items: { new_item: string; base: number[]; new: number[]; linked: number[] }[];
  };
  warnings: Warning[];
}

/** Equating: linking constants placing the new form on the base scale (docs/json/linking.md). */
export function linkForms(base: FileBytes, newForm: FileBytes, anchors: FileBytes, options?: LinkOptions): LinkingResult;

export interface EquatingResult {
  tool: 'equating';
  engine: EngineInfo;
  /** The link of the new form to the base scale (as linkForms returns it). */
  linking: LinkingResult;
  true_score: {
    /** One row per new-form summed score 0..max; theta null where there is none. */
    rows: { score: number; theta: number | null; equivalent: number }[];
    lowest_new: number;
    lowest_base: number;
    highest_new: number;
    highest_base: number;
    note: string;
  };
  observed_score: {
    /** One row per new-form summed score 0..max. */
    rows: { score: number; equivalent: number; percentile_rank: number; theta_eap: number | null; theta_sd: number | null }[];
    new_distribution: ScoreProbability[];
    base_distribution: ScoreProbability[];
    moments: { new: Moments; equated: Moments; base: Moments };
    pop1: { mean: number; sd: number };
    pop2: { mean: number; sd: number };
    synthetic_weight: number;
    theta_points: number[];
    pop1_weights: number[];
    pop2_weights: number[];
    note: string;
  };
}

/** A form's summed-score probability in population 1, population 2 and the synthetic population. */
export interface ScoreProbability {
  score: number;
  pop1: number;
  pop2: number;
  synthetic: number;
}

export interface Moments {
  mean: number;
  sd: number;
  skewness: number | null;
  kurtosis: number | null;
}

/** equateForms options: linkForms's, plus the populations of observed-score equating (docs/json/equating.md). */
export interface EquateOptions extends LinkOptions {
  /** Mean of population 1's θ (new form's examinees) on the base scale (default 0). */
  pop1Mean?: number;
  /** Its SD (default 1). */
  pop1Sd?: number;
  /** Mean of population 2's θ (base form's examinees) (default 0). */
  pop2Mean?: number;
  /** Its SD (default 1). */
  pop2Sd?: number;
  /** Weight of population 1 in the synthetic population (default 0.5). */
  syntheticWeight?: number;
  /** θ points of the populations' distributions (default 40). */
  populationPoints?: number;
}

/** Equating: links the new form and equates its summed scores by IRT true-score and observed-score equating. */
export function equateForms(base: FileBytes, newForm: FileBytes, anchors: FileBytes, options?: EquateOptions): EquatingResult;

/** The models of the G-DINA family. */
export type CdmModel = 'gdina' | 'dina' | 'dino' | 'acdm' | 'llm' | 'rrum';
/** Link functions (the scale of the delta coefficients). */
export type CdmLink = 'identity' | 'logit' | 'log';

/** Limited-information absolute fit (Maydeu-Olivares & Joe): docs/json/irt.md, docs/json/cdm.md. */
export interface LimitedInformationFit {
  /** 'M2' (0/1 items), 'M2*' or 'C2' (polytomous IRT). */
  statistic: 'M2' | 'M2*' | 'C2';
  m2: number;
  df: number;
  p: number;
  /** RMSEA2 (IRT divides by N − 1 as mirt, CDM by N as GDINA). */
  rmsea: number;
  /** 90% interval of the RMSEA, [lower, upper]. */
  rmsea_ci: [number, number];
  srmsr: number;
}

/** calibrateCdm options (docs/json/cdm.md). */
export interface CdmOptions {
  fileName?: string;
  qFileName?: string;
  /** Default 'gdina'. */
  model?: CdmModel;
  /** Scale of G-DINA's, DINA's and DINO's delta coefficients (default 'identity'); the additive models use their own link. */
  link?: CdmLink;
  /** Default 'saturated'. */
  attributeDistribution?: 'saturated' | 'independent' | 'higher-order';
  /** Largest change of any success probability or class proportion (default 1e-4). */
  tol?: number;
  /** Default 2000. */
  maxIter?: number;
  /** Default 3. */
  starts?: number;
  /** Default 123456. */
  seed?: number;
  /** M2 is computed for tests of at most this many items (default 60). */
  m2MaxItems?: number;
}

export interface CdmItem {
  item: string;
  required: string[];
  /** Success probability per reduced attribute pattern, e.g. pattern "10". */
  groups: { pattern: string; prob: number; se: number | null }[];
  guess: number;
  slip: number;
  guess_se: number | null;
  slip_se: number | null;
  idi: number;
  delta: { param: string; value: number; se: number | null }[];
  monotonicity_violations: string[];
}

export interface CdmCalibrationResult {
  tool: 'cdm';
  engine: EngineInfo;
  model: CdmModel;
  attribute_distribution: 'saturated' | 'independent' | 'higher-order';
  higher_order: { attribute: string; intercept: number; slope: number }[] | null;
  srmsr: number | null;
  /** M2, RMSEA2 with its 90% interval, SRMSR; null when not defined (see fit_note). */
  m2: LimitedInformationFit | null;
  fit_note: string | null;
  q_validation: {
    method: string;
    epsilon: number;
    items: { item: string; original: string; original_pvaf: number; suggested: string; suggested_pvaf: number; changed: boolean; mesa: { q: string; pvaf: number }[] }[];
  };
  link: CdmLink;
  n_persons: number;
  n_items: number;
  n_attributes: number;
  n_classes: number;
  attributes: string[];
  loglik: number;
  deviance: number;
  npar: number;
  npar_items: number;
  npar_population: number;
  aic: number;
  bic: number;
  caic: number;
  aicc: number | null;
  sabic: number;
  converged: boolean;
  stop_reason: 'converged' | 'iteration_limit' | 'cancelled';
  iterations: number;
  last_change: number;
  tolerance: number;
  starts: { loglik: number; iterations: number; converged: boolean }[];
  best_start: number;
  items: CdmItem[];
  attribute_prevalence: { attribute: string; prevalence: number }[];
  classes: { pattern: string; proportion: number }[];
  se_method: string;
  warnings: Warning[];
}

/** CDM calibration (G-DINA family) with a Q-matrix (docs/json/cdm.md). */
export function calibrateCdm(
  responses: FileBytes,
  qMatrix: FileBytes,
  options?: CdmOptions,
  onProgress?: (progress: { iteration: number; change: number; loglik: number }) => boolean | void,
): CdmCalibrationResult;

/** profileSkills options (docs/json/profile.md). */
export interface ProfileOptions {
  fileName?: string;
  qFileName?: string;
  paramsFileName?: string;
  classesFileName?: string;
  /** A class-proportion file (pattern, proportion); without it every class is equally likely. */
  classes?: FileBytes;
}

export interface PersonProfile {
  row: number;
  id: string | null;
  /** P(attribute mastered | responses), per attribute. */
  mastery: number[];
  /** Profiles as digits, attribute 1 first. */
  eap: string;
  map: string;
  map_posterior: number;
  map_ties: boolean;
  mle: string;
  mle_ties: boolean;
}

export interface SkillProfilesResult {
  tool: 'profile';
  engine: EngineInfo;
  n_persons: number;
  n_items: number;
  n_attributes: number;
  n_classes: number;
  attributes: string[];
  prior: 'file' | 'uniform';
  persons: PersonProfile[];
  attribute_prevalence: { attribute: string; prevalence: number; mean_mastery: number; eap_share: number }[];
  classification: {
    method: string;
    pattern_accuracy: number;
    pattern_consistency: number;
    attributes: { attribute: string; accuracy: number; consistency: number }[];
    patterns: { pattern: string; proportion: number; accuracy: number | null }[];
  };
  warnings: Warning[];
}

/** Skill Profiler: attribute profiles and classification accuracy from a calibrated CDM (docs/json/profile.md). */
export function profileSkills(
  responses: FileBytes,
  qMatrix: FileBytes,
  params: FileBytes,
  options?: ProfileOptions,
): SkillProfilesResult;

/** A progress report of a calibration running in a PacerWorker ('progress' event's detail). */
export interface PacerWorkerProgress extends IrtProgress {
  /** The request's number. */
  id: number;
  /** 'calibrateIrt' or 'calibrateCdm'. */
  method: string;
}

/**
 * The package's functions running in a worker (a Web Worker in browsers, a worker thread in
 * Node): the same arguments, results as promises. The input bytes are copied to the worker; the
 * caller keeps its own.
 */
export interface PacerWorker {
  analyzeItems(bytes: FileBytes, options?: ItemAnalysisOptions): Promise<ItemAnalysisResult>;
  analyzeItemsWithKey(bytes: FileBytes, keyBytes: FileBytes, options?: ItemAnalysisOptions): Promise<ItemAnalysisResult>;
  analyzeDif(bytes: FileBytes, options: DifOptions, keyBytes?: FileBytes): Promise<DifResult>;
  /** `onProgress` is called after every EM iteration (its return value is ignored: use cancel()). */
  calibrateIrt(bytes: FileBytes, options?: IrtOptions, onProgress?: (progress: IrtProgress) => void): Promise<IrtCalibrationResult>;
  scoreIrt(responses: FileBytes, parameters: FileBytes, options?: ScoringOptions): Promise<ScoringResult>;
  linkForms(base: FileBytes, newForm: FileBytes, anchors: FileBytes, options?: LinkOptions): Promise<LinkingResult>;
  equateForms(base: FileBytes, newForm: FileBytes, anchors: FileBytes, options?: EquateOptions): Promise<EquatingResult>;
  calibrateCdm(
    responses: FileBytes,
    qMatrix: FileBytes,
    options?: CdmOptions,
    onProgress?: (progress: { iteration: number; change: number; loglik: number }) => void,
  ): Promise<CdmCalibrationResult>;
  profileSkills(responses: FileBytes, qMatrix: FileBytes, params: FileBytes, options?: ProfileOptions): Promise<SkillProfilesResult>;
  version(): Promise<string>;
  /** 'progress' events of the calibrations; `event.detail` is a PacerWorkerProgress. */
  addEventListener(type: 'progress', listener: (event: Event & { detail: PacerWorkerProgress }) => void): void;
  removeEventListener(type: 'progress', listener: (event: Event & { detail: PacerWorkerProgress }) => void): void;
  /** Stops the running work (the worker is terminated; the next call starts a new one). Pending promises reject with an Error of code 'cancelled'. */
  cancel(): void;
  /** cancel(), and later calls reject. */
  terminate(): void;
}

/** Starts a worker for the engine (lazily, on the first call). Bad input rejects with a PacerError. */
export function createPacerWorker(): PacerWorker;
