// The package's functions, shared by the browser entry (index.js) and the Node entry (node.js).
// Each calls the WebAssembly core with the input bytes and a JSON options string and parses the
// JSON result: the same object the `pacer` CLI prints.
import * as core from './pacer_core.js';

let ready = false;

/** Marks the WebAssembly module as instantiated (called by the entry modules). */
export function markReady() {
  ready = true;
}

/** An input error from the engine, with where it is and what to change. */
export class PacerError extends Error {
  constructor(details) {
    super(details.message);
    this.name = 'PacerError';
    /** @type {string} */ this.code = details.code;
    this.file = details.file ?? null;
    this.row = details.row ?? null;
    this.column = details.column ?? null;
    this.value = details.value ?? null;
    this.hint = details.hint ?? null;
  }
}

function toBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === 'string') return new TextEncoder().encode(input);
  throw new TypeError('pass the file as a Uint8Array, ArrayBuffer or string');
}

function call(fn) {
  if (!ready) throw new Error('pacer: call `await init()` once before using the engine');
  try {
    return JSON.parse(fn());
  } catch (thrown) {
    if (typeof thrown === 'string') {
      let details;
      try {
        details = JSON.parse(thrown);
      } catch {
        throw new Error(thrown);
      }
      throw new PacerError(details);
    }
    throw thrown;
  }
}

/**
 * Classical item analysis of a response file (CSV or XLSX bytes).
 * @param {Uint8Array|ArrayBuffer|string} bytes
 * @param {{fileName?: string, missing?: 'pairwise'|'listwise'}} [options]
 */
export function analyzeItems(bytes, options = {}) {
  return call(() => core.analyze_items(toBytes(bytes), JSON.stringify(options)));
}

/**
 * Item analysis of raw choices (option letters) rescored with an answer key (columns item,key),
 * with the distractor analysis of every multiple-choice item.
 * @param {Uint8Array|ArrayBuffer|string} bytes the response file (CSV or XLSX)
 * @param {Uint8Array|ArrayBuffer|string} keyBytes the answer key (CSV or XLSX)
 * @param {object} [options] see index.d.ts (ItemAnalysisOptions)
 */
export function analyzeItemsWithKey(bytes, keyBytes, options = {}) {
  return call(() => core.analyze_items_with_key(toBytes(bytes), toBytes(keyBytes), JSON.stringify(options)));
}

/**
 * Differential item functioning by a group column: Mantel-Haenszel, standardization and
 * logistic regression, each focal group against the reference group.
 * @param {Uint8Array|ArrayBuffer|string} bytes the response file with a group column
 * @param {object} options see index.d.ts (DifOptions); `reference` is required
 * @param {Uint8Array|ArrayBuffer|string} [keyBytes] an answer key when the file holds raw choices
 */
export function analyzeDif(bytes, options, keyBytes) {
  const key = keyBytes === undefined ? new Uint8Array(0) : toBytes(keyBytes);
  return call(() => core.analyze_dif(toBytes(bytes), key, JSON.stringify(options ?? {})));
}

/**
 * IRT calibration (Rasch, 1PL, 2PL, 3PL, 4PL) of a 0/1 response file by marginal maximum
 * likelihood. `onProgress({iteration, change, loglik})` is called after every EM iteration;
 * returning `true` from it stops the calibration (the result says `stop_reason: "cancelled"`).
 * @param {Uint8Array|ArrayBuffer|string} bytes
 * @param {object} [options] see index.d.ts (IrtOptions)
 * @param {(p: {iteration: number, change: number, loglik: number}) => boolean|void} [onProgress]
 */
export function calibrateIrt(bytes, options = {}, onProgress) {
  const callback = (iteration, change, loglik) => (onProgress ? onProgress({ iteration, change, loglik }) === true : false);
  return call(() => core.calibrate_irt(toBytes(bytes), JSON.stringify(options), callback));
}

/**
 * Scores the examinees of a response file (CSV or XLSX bytes) with known item parameters (an
 * item-parameter CSV file): EAP, MAP, ML, WLE or EAP of the sum score, with standard errors,
 * scale scores and performance levels.
 * @param {Uint8Array|ArrayBuffer|string} responses
 * @param {Uint8Array|ArrayBuffer|string} parameters
 * @param {object} [options] see index.d.ts (ScoringOptions)
 */
export function scoreIrt(responses, parameters, options = {}) {
  return call(() => core.score_irt(toBytes(responses), toBytes(parameters), JSON.stringify(options)));
}

/**
 * Equating: linking constants A and B placing the new form's item parameters on the base scale
 * through common items (docs/json/linking.md).
 * @param {Uint8Array|ArrayBuffer|string} base the base form's item-parameter file
 * @param {Uint8Array|ArrayBuffer|string} newForm the new form's item-parameter file
 * @param {Uint8Array|ArrayBuffer|string} anchors the anchor file (new_item, base_item)
 * @param {object} [options] see index.d.ts (LinkOptions)
 */
export function linkForms(base, newForm, anchors, options = {}) {
  return call(() => core.link_forms(toBytes(base), toBytes(newForm), toBytes(anchors), JSON.stringify(options)));
}

/**
 * Equating: links the new form (as linkForms) and equates its summed scores to the base form's
 * by IRT true-score and observed-score equating (docs/json/equating.md).
 * @param {Uint8Array|ArrayBuffer|string} base the base form's item-parameter file
 * @param {Uint8Array|ArrayBuffer|string} newForm the new form's item-parameter file
 * @param {Uint8Array|ArrayBuffer|string} anchors the anchor file (new_item, base_item)
 * @param {object} [options] see index.d.ts (EquateOptions)
 */
export function equateForms(base, newForm, anchors, options = {}) {
  return call(() => core.equate_forms(toBytes(base), toBytes(newForm), toBytes(anchors), JSON.stringify(options)));
}

/**
 * CDM calibration (G-DINA, DINA, DINO, A-CDM, LLM, R-RUM) of a 0/1 response file with a Q-matrix by marginal
 * maximum likelihood (docs/json/cdm.md). `onProgress` as for calibrateIrt.
 * @param {Uint8Array|ArrayBuffer|string} responses
 * @param {Uint8Array|ArrayBuffer|string} qMatrix
 * @param {object} [options] see index.d.ts (CdmOptions)
 * @param {(p: {iteration: number, change: number, loglik: number}) => boolean|void} [onProgress]
 */
export function calibrateCdm(responses, qMatrix, options = {}, onProgress) {
  const callback = (iteration, change, loglik) => (onProgress ? onProgress({ iteration, change, loglik }) === true : false);
  return call(() => core.calibrate_cdm(toBytes(responses), toBytes(qMatrix), JSON.stringify(options), callback));
}

/**
 * Skill Profiler: the examinees' attribute profiles (EAP, MAP, MLE, mastery probabilities) and
 * the classification's accuracy and consistency, from a calibrated CDM (docs/json/profile.md).
 * @param {Uint8Array|ArrayBuffer|string} responses 0/1 responses (optional `id` column)
 * @param {Uint8Array|ArrayBuffer|string} qMatrix the Q-matrix
 * @param {Uint8Array|ArrayBuffer|string} params item parameters: item, pattern, prob
 * @param {object} [options] see index.d.ts (ProfileOptions); `classes`: a class-proportion file
 */
export function profileSkills(responses, qMatrix, params, options = {}) {
  const { classes, ...rest } = options;
  const classBytes = classes === undefined || classes === null ? new Uint8Array(0) : toBytes(classes);
  return call(() => core.profile_skills(toBytes(responses), toBytes(qMatrix), toBytes(params), classBytes, JSON.stringify(rest)));
}

/** The engine version, e.g. "0.1.0". */
export function version() {
  if (!ready) throw new Error('pacer: call `await init()` once before using the engine');
  return core.version();
}
