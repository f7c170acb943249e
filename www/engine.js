// Main-thread client of the analysis engine (www/worker.js).
//
// All computation happens in a module Web Worker that loads the WebAssembly
// core, so the page stays responsive. Requests are matched to replies by id.
// Errors always reject with a plain object { code, message, ... } whose
// `message` is meant for the user.

let worker = null;
let nextId = 1;
const pending = new Map(); // id -> { resolve, reject }

function failAll(error) {
  for (const { reject } of pending.values()) reject(error);
  pending.clear();
}

function getWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'pacer-engine' });
  worker.addEventListener('message', (event) => {
    const { id, ok, result, error } = event.data ?? {};
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    if (ok) request.resolve(result);
    else request.reject(error);
    // A WebAssembly trap can leave the module in a broken state: start afresh
    // next time.
    if (!ok && error?.code === 'internal_error') restart();
  });
  // Fires when the worker script itself cannot load or throws at top level.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failAll({
      code: 'engine_load_failed',
      message: 'The analysis engine could not be started in this browser. Please reload the page; if it keeps failing, try an up-to-date Chrome, Edge, Firefox or Safari.',
    });
    restart();
  });
  return worker;
}

function restart() {
  if (worker) worker.terminate();
  worker = null;
}

/**
 * Stops whatever the engine is doing (the worker is terminated; a new one is
 * started on the next request). Pending requests reject with code 'cancelled'.
 */
export function cancelAll() {
  restart();
  failAll({ code: 'cancelled', message: 'The analysis was cancelled.' });
}

function call(type, payload = {}, transfer = []) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    getWorker().postMessage({ id, type, ...payload }, transfer);
  });
}

/** Version string of the WebAssembly core, e.g. "0.1.0". */
export function engineVersion() {
  return call('version');
}

/**
 * Runs the item analysis on a copy of `bytes` (the caller keeps its own copy,
 * so nothing is lost if the analysis fails). Resolves to the parsed result.
 * @param {Uint8Array} bytes  the file's contents (CSV or XLSX)
 * @param {{fileName: string, missing: 'pairwise'|'listwise'}} options
 */
export function analyzeItems(bytes, options) {
  const copy = bytes.slice(); // transferred to the worker, so ours stays intact
  return call('analyze_items', { bytes: copy, options }, [copy.buffer]);
}
