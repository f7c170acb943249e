// Browser and bundler entry: `await init()` fetches and instantiates the .wasm file that sits
// beside this module (bundlers such as Vite and webpack 5 emit it as an asset), then the
// functions are synchronous.
import initCore from './pacer_core.js';
import { markReady } from './api.js';
import { makeCreatePacerWorker } from './worker-client.js';

export { analyzeDif, analyzeItems, analyzeItemsWithKey, calibrateCdm, calibrateIrt, equateForms, linkForms, profileSkills, scoreIrt, version, PacerError } from './api.js';

let loading = null;

/**
 * Loads the WebAssembly module. Call once; later calls return the same promise.
 * @param {string|URL|Request|Response|BufferSource|WebAssembly.Module} [wasm] where to find the
 *   .wasm file, or its bytes (default: pacer_core_bg.wasm next to this module)
 */
export function init(wasm) {
  loading ??= initCore(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => markReady());
  return loading;
}

/**
 * The same functions in a Web Worker: each returns a promise, calibrations report progress
 * (an `onProgress` argument, and 'progress' events), and `cancel()` stops the work. See
 * README.md.
 */
export const createPacerWorker = makeCreatePacerWorker(() => {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => w.addEventListener('message', (e) => f(e.data)),
    onError: (f) => w.addEventListener('error', (e) => f(e)),
    terminate: () => w.terminate(),
  };
});
