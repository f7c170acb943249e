// Module Web Worker that hosts the WebAssembly core (pacer_core).
//
// Protocol (see www/engine.js):
//   in:  { id, type: 'version' }
//        { id, type: 'build' }     -> { threaded, threads, crossOriginIsolated, memoryBytes }
//        { id, type: 'analyze_items', bytes: Uint8Array, options: {...} }
//        { id, type: 'analyze_items_with_key', bytes: Uint8Array, key: Uint8Array, options: {...} }
//        { id, type: 'analyze_dif', bytes: Uint8Array, key: Uint8Array (empty: none), options: {...} }
//        { id, type: 'calibrate_irt', bytes: Uint8Array, options: {...} }
//        { id, type: 'score_irt', bytes: Uint8Array, params: Uint8Array, options: {...} }
//        { id, type: 'link_forms' | 'equate_forms', base: Uint8Array, newForm: Uint8Array,
//          anchors: Uint8Array, options: {...} }
//        { id, type: 'calibrate_cdm', bytes: Uint8Array, q: Uint8Array, options: {...} }
//        { id, type: 'profile_skills', bytes: Uint8Array, q: Uint8Array, params: Uint8Array,
//          classes: Uint8Array (empty: equal class proportions), options: {...} }
//   out: { id, ok: true, result }            result = parsed JSON (or a string for 'version')
//        { id, ok: false, error: { code, message, ... } }
//        { id, progress: { iteration, change, loglik } }   (calibrate_irt, calibrate_cdm, before
//                                                           the reply; at most ~20 per second)
//
// The core throws a JSON string describing bad input (code, message, file,
// row, column, value, hint); anything else it throws is an internal failure.

// Two builds of the core: pkg-threads/ runs the heavy loops on a pool of Web
// Workers sharing the module's memory (wasm-bindgen-rayon), which needs
// SharedArrayBuffer, so a cross-origin isolated page (COOP + COEP headers);
// pkg/ is single-threaded, for pages that are not (e.g. inside an LMS iframe).
// Both give the same numbers. The module is imported on first use, as a
// namespace, so that a core built without one of the functions still loads
// (and the other tools keep working); a missing function is reported when it
// is asked for.
const THREADED = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
const CORE_URL = THREADED ? './pkg-threads/pacer_core.js' : './pkg/pacer_core.js';
// Threads for the pool: the machine's logical cores (the worker itself only
// waits while the pool computes).
const POOL_SIZE = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 16));

let core = {}; // the module's exports once loaded
let exports = null; // the WebAssembly instance's exports (its linear memory)

// Progress reports of a calibration are sent at most this often (ms).
const PROGRESS_INTERVAL_MS = 50;

let ready = null; // promise of the initialised module, created on first use

function need(name) {
  if (typeof core[name] !== 'function') {
    throw {
      code: 'engine_outdated',
      message: `This build of the analysis engine has no ${name}. Please reload the page; if it keeps failing, the site is being updated: try again in a few minutes.`,
    };
  }
  return core[name];
}

/** Imports and initialises the core (and the threaded build's pool) once. */
async function load() {
  const module = await import(CORE_URL);
  exports = await module.default(); // fetches pacer_core_bg.wasm next to pacer_core.js
  if (THREADED) await module.initThreadPool(POOL_SIZE);
  core = module;
}

function engine() {
  ready ??= load().catch((err) => {
    ready = null; // allow a retry on the next request
    throw { code: 'engine_load_failed', message: 'The analysis engine (WebAssembly) could not be loaded. Please reload the page.', detail: String(err) };
  });
  return ready;
}

/** Turns whatever the core threw into a { code, message } object. */
function toError(thrown) {
  if (thrown && typeof thrown === 'object' && typeof thrown.code === 'string' && typeof thrown.message === 'string') {
    return thrown; // already one of ours
  }
  if (typeof thrown === 'string') {
    try {
      const parsed = JSON.parse(thrown);
      if (parsed && typeof parsed.message === 'string') return parsed;
    } catch {
      // not JSON: fall through and show the text itself
    }
    return { code: 'input_error', message: thrown };
  }
  // A JavaScript Error (e.g. a WebAssembly RuntimeError after a panic).
  return {
    code: 'internal_error',
    message: 'The analysis failed unexpectedly. This is a bug in pacer, not a problem with your file; please report it.',
    detail: String(thrown?.stack ?? thrown),
  };
}

/**
 * The progress callback the core calls synchronously after every EM
 * iteration of request `id`: posts at most one report per
 * PROGRESS_INTERVAL_MS. The worker cannot receive messages meanwhile, so the
 * page cancels by terminating the worker and this always answers false (go on).
 */
function progressReporter(id) {
  let last = -Infinity;
  return (iteration, change, loglik) => {
    const now = performance.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      self.postMessage({ id, progress: { iteration, change, loglik } });
    }
    return false;
  };
}

const handlers = {
  async version() {
    await engine();
    return need('version')();
  },
  async build() {
    await engine();
    return {
      threaded: THREADED,
      threads: THREADED ? POOL_SIZE : 1,
      crossOriginIsolated: self.crossOriginIsolated === true,
      // Linear memory never shrinks: this is the peak of every analysis so far.
      memoryBytes: exports?.memory?.buffer.byteLength ?? null,
    };
  },
  async analyze_items({ bytes, options }) {
    await engine();
    const json = need('analyze_items')(bytes, JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
  async analyze_items_with_key({ bytes, key, options }) {
    await engine();
    const json = need('analyze_items_with_key')(bytes, key, JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
  async analyze_dif({ bytes, key, options }) {
    await engine();
    const json = need('analyze_dif')(bytes, key ?? new Uint8Array(0), JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
  async calibrate_irt({ id, bytes, options }) {
    await engine();
    const json = need('calibrate_irt')(bytes, JSON.stringify(options ?? {}), progressReporter(id));
    return JSON.parse(json);
  },
  async calibrate_cdm({ id, bytes, q, options }) {
    await engine();
    const json = need('calibrate_cdm')(bytes, q, JSON.stringify(options ?? {}), progressReporter(id));
    return JSON.parse(json);
  },
  async profile_skills({ bytes, q, params, classes, options }) {
    await engine();
    const json = need('profile_skills')(bytes, q, params, classes ?? new Uint8Array(0), JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
  async score_irt({ bytes, params, options }) {
    await engine();
    const json = need('score_irt')(bytes, params, JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
  async link_forms({ base, newForm, anchors, options }) {
    await engine();
    const json = need('link_forms')(base, newForm, anchors, JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
  async equate_forms({ base, newForm, anchors, options }) {
    await engine();
    const json = need('equate_forms')(base, newForm, anchors, JSON.stringify(options ?? {}));
    return JSON.parse(json);
  },
};

self.addEventListener('message', async (event) => {
  const { id, type } = event.data ?? {};
  const handler = handlers[type];
  try {
    if (!handler) throw { code: 'internal_error', message: `Unknown request type ${type}.` };
    const result = await handler(event.data);
    self.postMessage({ id, ok: true, result });
  } catch (thrown) {
    self.postMessage({ id, ok: false, error: toError(thrown) });
  }
});
