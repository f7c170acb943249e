// Browser and bundler entry: `await init()` fetches and instantiates the .wasm file that sits
// beside this module (bundlers such as Vite and webpack 5 emit it as an asset), then the
// functions are synchronous.
import initCore from './pacer_core.js';
import { markReady } from './api.js';

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
