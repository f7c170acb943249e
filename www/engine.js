// Main-thread client of the analysis engine (www/worker.js).
//
// All computation happens in module Web Workers that load the WebAssembly
// core, so the page stays responsive. Requests are matched to replies by id.
// Errors always reject with a plain object { code, message, ... } whose
// `message` is meant for the user.
//
// Work runs in "lanes", one worker each: the quick analyses share the 'main'
// lane; IRT and CDM calibrations, which can run for a long time, have their
// own 'irt' and 'cdm' lanes, so cancelling one (which terminates its worker)
// never disturbs the others, and an Item Analysis is not queued behind a
// calibration.

const lanes = new Map(); // lane name -> { worker, pending: Map(id -> { resolve, reject, onProgress }) }
let nextId = 1;

function laneState(lane) {
  let state = lanes.get(lane);
  if (!state) {
    state = { worker: null, pending: new Map() };
    lanes.set(lane, state);
  }
  return state;
}

function failAll(lane, error) {
  const state = laneState(lane);
  for (const { reject } of state.pending.values()) reject(error);
  state.pending.clear();
}

function getWorker(lane) {
  const state = laneState(lane);
  if (state.worker) return state.worker;
  const name = lane === 'main' ? 'pacer-engine' : `pacer-engine-${lane}`;
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name });
  state.worker = worker;
  worker.addEventListener('message', (event) => {
    const { id, ok, result, error, progress } = event.data ?? {};
    const request = state.pending.get(id);
    if (!request) return;
    // Progress reports come before the reply and leave the request pending.
    if (progress !== undefined) {
      request.onProgress?.(progress);
      return;
    }
    state.pending.delete(id);
    if (ok) request.resolve(result);
    else request.reject(error);
    // A WebAssembly trap can leave the module in a broken state: start afresh
    // next time.
    if (!ok && error?.code === 'internal_error') restart(lane);
  });
  // Fires when the worker script itself cannot load or throws at top level.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failAll(lane, {
      code: 'engine_load_failed',
      message: 'The analysis engine could not be started in this browser. Please reload the page; if it keeps failing, try an up-to-date Chrome, Edge, Firefox or Safari.',
    });
    restart(lane);
  });
  return worker;
}

function restart(lane) {
  const state = laneState(lane);
  if (state.worker) state.worker.terminate();
  state.worker = null;
}

/**
 * Stops whatever the engine is doing in `lane` (its worker is terminated; a
 * new one is started on the next request). Pending requests of that lane
 * reject with code 'cancelled'. Other lanes are not affected.
 */
export function cancelAll(lane = 'main') {
  restart(lane);
  failAll(lane, { code: 'cancelled', message: 'The analysis was cancelled.' });
}

function call(lane, type, payload = {}, transfer = [], onProgress = null) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    laneState(lane).pending.set(id, { resolve, reject, onProgress });
    getWorker(lane).postMessage({ id, type, ...payload }, transfer);
  });
}

/** Version string of the WebAssembly core, e.g. "0.1.0". */
export function engineVersion() {
  return call('main', 'version');
}

/**
 * Which build of the core the worker runs: `{ threaded, threads, crossOriginIsolated,
 * memoryBytes }` (the threaded build when the page is cross-origin isolated; memoryBytes is the
 * module's linear memory, the peak so far; www/worker.js) of the worker of `lane` (each lane
 * has its own worker: 'main', 'irt', ...).
 */
export function engineBuild(lane = 'main') {
  return call(lane, 'build');
}

/**
 * Runs the item analysis on a copy of `bytes` (the caller keeps its own copy,
 * so nothing is lost if the analysis fails). Resolves to the parsed result.
 * @param {Uint8Array} bytes  the file's contents (CSV or XLSX)
 * @param {{fileName: string, missing: 'pairwise'|'listwise'}} options
 */
export function analyzeItems(bytes, options) {
  const copy = bytes.slice(); // transferred to the worker, so ours stays intact
  return call('main', 'analyze_items', { bytes: copy, options }, [copy.buffer]);
}

/**
 * Item analysis of raw choices rescored with an answer key (copies of both files), with the
 * distractor analysis. Resolves to the parsed result (docs/json/items.md).
 * @param {Uint8Array} bytes  the response file (option letters)
 * @param {Uint8Array} key  the answer key (columns item,key)
 * @param {{fileName: string, keyFileName: string, missing?: string, omits?: 'wrong'|'missing'}} options
 */
export function analyzeItemsWithKey(bytes, key, options) {
  const copy = bytes.slice();
  const keyCopy = key.slice();
  return call('main', 'analyze_items_with_key', { bytes: copy, key: keyCopy, options }, [copy.buffer, keyCopy.buffer]);
}

/**
 * DIF by a group column on a copy of `bytes` (docs/json/dif.md); with `key` (an answer key)
 * the file holds raw choices, rescored first.
 * @param {Uint8Array} bytes  the response file with a group column
 * @param {{fileName: string, reference: string, groupColumn?: string, exclude?: string[], purify?: boolean, alpha?: number, continuityCorrection?: boolean, keyFileName?: string, omits?: string}} options
 * @param {Uint8Array|null} [key]
 */
export function analyzeDif(bytes, options, key = null) {
  const copy = bytes.slice();
  const keyCopy = key ? key.slice() : new Uint8Array(0);
  return call('main', 'analyze_dif', { bytes: copy, key: keyCopy, options }, [copy.buffer, keyCopy.buffer]);
}

/**
 * Calibrates an IRT model on a copy of `bytes`, in the 'irt' lane. Resolves
 * to the parsed result; `onProgress({iteration, change, loglik})` is called
 * during the run (at most about 20 times a second). Stop it with
 * `cancelCalibration()`.
 * @param {Uint8Array} bytes  the file's contents (CSV or XLSX)
 * @param {object} options  the engine's options JSON (fileName, model, quadrature, gaussHermite, D, tol, maxIter, se, guessingPrior)
 * @param {(progress: {iteration: number, change: number, loglik: number}) => void} [onProgress]
 */
export function calibrateIrt(bytes, options, onProgress) {
  const copy = bytes.slice();
  return call('irt', 'calibrate_irt', { bytes: copy, options }, [copy.buffer], onProgress);
}

/**
 * Scores the examinees of `bytes` with the item parameters of `params` (both
 * copied), in the 'main' lane. Resolves to the parsed result.
 * @param {Uint8Array} bytes  the response file's contents (CSV or XLSX)
 * @param {Uint8Array} params  the item-parameter file's contents (CSV)
 * @param {object} options  the engine's options JSON (fileName, paramsFileName, method, D, priorMean, priorSd, scale, cuts, levels)
 */
export function scoreIrt(bytes, params, options) {
  const copy = bytes.slice();
  const paramsCopy = params.slice();
  return call('main', 'score_irt', { bytes: copy, params: paramsCopy, options }, [copy.buffer, paramsCopy.buffer]);
}

/**
 * Links a new form's item parameters to the base form's scale through the
 * common items of `anchors` (all three copied), in the 'main' lane. Resolves
 * to the parsed result (docs/json/linking.md).
 * @param {Uint8Array} base  the base form's item-parameter file (CSV)
 * @param {Uint8Array} newForm  the new form's item-parameter file (CSV)
 * @param {Uint8Array} anchors  the anchor file (CSV or XLSX: new_item, base_item)
 * @param {object} options  the engine's options JSON (baseFileName, newFileName, anchorsFileName, method, D, symmetric, thetaPoints, weights, exclude)
 */
export function linkForms(base, newForm, anchors, options) {
  const copies = [base.slice(), newForm.slice(), anchors.slice()];
  return call('main', 'link_forms', { base: copies[0], newForm: copies[1], anchors: copies[2], options }, copies.map((c) => c.buffer));
}

/**
 * Links the new form to the base scale (as linkForms) and equates its summed
 * scores to the base form's by IRT true-score and observed-score equating,
 * in the 'main' lane. Resolves to the parsed result (docs/json/equating.md).
 * @param {Uint8Array} base  the base form's item-parameter file (CSV)
 * @param {Uint8Array} newForm  the new form's item-parameter file (CSV)
 * @param {Uint8Array} anchors  the anchor file (CSV or XLSX: new_item, base_item)
 * @param {object} options  linkForms' options plus pop1Mean, pop1Sd, pop2Mean, pop2Sd, syntheticWeight, populationPoints
 */
export function equateForms(base, newForm, anchors, options) {
  const copies = [base.slice(), newForm.slice(), anchors.slice()];
  return call('main', 'equate_forms', { base: copies[0], newForm: copies[1], anchors: copies[2], options }, copies.map((c) => c.buffer));
}

/** Stops a running calibration; its promise rejects with code 'cancelled'. */
export function cancelCalibration() {
  cancelAll('irt');
}

/**
 * Calibrates a cognitive diagnosis model on copies of `bytes` (the responses)
 * and `qBytes` (the Q-matrix), in the 'cdm' lane. Resolves to the parsed
 * result (docs/json/cdm.md); `onProgress({iteration, change, loglik})` is
 * called during the run (at most about 20 times a second). Stop it with
 * `cancelCdm()`.
 * @param {Uint8Array} bytes  the response file's contents (CSV or XLSX, 0/1)
 * @param {Uint8Array} qBytes  the Q-matrix file's contents (CSV or XLSX)
 * @param {object} options  the engine's options JSON (fileName, qFileName, model, link, attributeDistribution, tol, maxIter, starts, seed)
 * @param {(progress: {iteration: number, change: number, loglik: number}) => void} [onProgress]
 */
export function calibrateCdm(bytes, qBytes, options, onProgress) {
  const copies = [bytes.slice(), qBytes.slice()];
  return call('cdm', 'calibrate_cdm', { bytes: copies[0], q: copies[1], options }, copies.map((c) => c.buffer), onProgress);
}

/** Stops a running CDM calibration; its promise rejects with code 'cancelled'. */
export function cancelCdm() {
  cancelAll('cdm');
}

/**
 * Classifies the examinees of `bytes` into attribute profiles with known CDM
 * item parameters (all copied), in the 'main' lane. Resolves to the parsed
 * result (tool "profile").
 * @param {Uint8Array} bytes  the response file's contents (CSV or XLSX, 0/1)
 * @param {Uint8Array} qBytes  the Q-matrix file's contents (CSV or XLSX)
 * @param {Uint8Array} paramsBytes  the item-parameter file (CSV: item, pattern, prob)
 * @param {Uint8Array|null} classesBytes  the class-proportion file (CSV: pattern, proportion), or null for equal proportions
 * @param {object} options  the engine's options JSON (fileName, qFileName, paramsFileName, classesFileName)
 */
export function profileSkills(bytes, qBytes, paramsBytes, classesBytes, options) {
  const copies = [bytes.slice(), qBytes.slice(), paramsBytes.slice(), classesBytes ? classesBytes.slice() : new Uint8Array(0)];
  return call(
    'main',
    'profile_skills',
    { bytes: copies[0], q: copies[1], params: copies[2], classes: copies[3], options },
    copies.map((c) => c.buffer),
  );
}
