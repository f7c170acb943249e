// Node entry: the WebAssembly module is read from disk and instantiated at import time, so the
// functions work at once; `init()` exists for code shared with the browser.
import { readFileSync } from 'node:fs';
import { initSync } from './pacer_core.js';
import { markReady } from './api.js';

initSync({ module: readFileSync(new URL('./pacer_core_bg.wasm', import.meta.url)) });
markReady();

export { analyzeDif, analyzeItems, analyzeItemsWithKey, calibrateCdm, calibrateIrt, equateForms, linkForms, profileSkills, scoreIrt, version, PacerError } from './api.js';

/** Already done at import time in Node; resolves at once. */
export function init() {
  return Promise.resolve();
}
