// Node entry: the WebAssembly module is read from disk and instantiated at import time, so the
// functions work at once; `init()` exists for code shared with the browser.
import { readFileSync } from 'node:fs';
import { initSync } from './pacer_core.js';
import { Worker } from 'node:worker_threads';
import { markReady } from './api.js';
import { makeCreatePacerWorker } from './worker-client.js';

initSync({ module: readFileSync(new URL('./pacer_core_bg.wasm', import.meta.url)) });
markReady();

export { analyzeDif, analyzeItems, analyzeItemsWithKey, calibrateCdm, calibrateIrt, equateForms, linkForms, profileSkills, scoreIrt, version, PacerError } from './api.js';

/** Already done at import time in Node; resolves at once. */
export function init() {
  return Promise.resolve();
}

/**
 * The same functions in a worker thread: each returns a promise, calibrations report progress
 * (an `onProgress` argument, and 'progress' events), and `cancel()` stops the work. See
 * README.md.
 */
export const createPacerWorker = makeCreatePacerWorker(() => {
  const w = new Worker(new URL('./worker-node.js', import.meta.url));
  // A worker waiting for requests does not keep the process alive; one at work does.
  w.unref();
  return {
    busy: (b) => (b ? w.ref() : w.unref()),
    post: (m) => w.postMessage(m),
    onMessage: (f) => w.on('message', f),
    onError: (f) => w.on('error', f),
    terminate: () => void w.terminate(),
  };
});
