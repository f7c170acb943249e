// Module Web Worker of the browser benchmark (bench/index.html): runs ONE benchmark case in one of
// the release WebAssembly modules the site uses (built by scripts/build-wasm; the site ships
// copies in dist/www/pkg/ and dist/www/pkg-threads/), as the site's www/worker.js does: the
// single-threaded target/wasm-web/ (threads = 0), or the threaded target/wasm-web-threads/ with a
// pool of `threads` Web Workers (the page must be cross-origin isolated).
//
// The page starts a fresh worker for every case, so the module's linear memory reported after a
// case is that case's peak (linear memory never shrinks).
//
//   in:  { kase: {name, tool, path, gzip, simulate, options}, url, qUrl, runs, warmup, threads }
//   out: { type: 'log', text }                                  (progress, for the driver)
//        { type: 'result', result: {...} }  or  { type: 'error', error: {...} }
//
// Only the engine call (calibrate_irt, score_irt, calibrate_cdm or analyze_items) is timed, performance.now() immediately
// around it; that includes copying the bytes into wasm memory, parsing the CSV and building the
// result's JSON text, as on the site, but not fetching, decompressing or simulating the data.
// JSON.parse of the result is timed separately (parseMs).

import { fingerprintOf, sameFingerprint, toolOf } from './cases.js';
import { simulate2pl } from './simulate.js';

const log = (text) => self.postMessage({ type: 'log', text });

/** The file's bytes; a .gz file is decompressed here with the browser's DecompressionStream. */
async function loadBytes(url, gzip) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (!gzip) return new Uint8Array(await response.arrayBuffer());
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The module's functions, once loaded (runCase).
let calibrate_cdm, calibrate_irt, score_irt, analyze_items;

/** One calibration: wall time of the call and the fields that identify the fit. */
function calibrateOnce(kase, { bytes, paramsBytes }, optionsJson) {
  let progressCalls = 0;
  // As on the site, a progress callback after every EM iteration that says "go on".
  const onProgress = () => {
    progressCalls++;
    return false;
  };
  const t0 = performance.now();
  const json = toolOf(kase) === 'cdm' ? calibrate_cdm(bytes, paramsBytes, optionsJson, onProgress) : calibrate_irt(bytes, optionsJson, onProgress);
  const ms = performance.now() - t0;
  const t1 = performance.now();
  const r = JSON.parse(json);
  const parseMs = performance.now() - t1;
  return {
    ms,
    parseMs,
    fingerprint: fingerprintOf(kase, r),
    iterations: r.iterations,
    loglik: r.loglik,
    converged: r.converged,
    stopReason: r.stop_reason,
    nPersons: r.n_persons,
    nItems: r.n_items,
    seMethod: r.se_method ?? null,
    progressCalls,
  };
}

/** One item analysis: wall time of the call (and of JSON.parse) and what identifies it. */
function itemsOnce(kase, { bytes }, optionsJson) {
  const t0 = performance.now();
  const json = analyze_items(bytes, optionsJson);
  const ms = performance.now() - t0;
  const t1 = performance.now();
  const r = JSON.parse(json);
  const parseMs = performance.now() - t1;
  return { ms, parseMs, fingerprint: fingerprintOf(kase, r), nPersons: r.n_persons, nItems: r.n_items, jsonChars: json.length };
}

/** One scoring run: wall time of the call (and of JSON.parse) and the summary of the scores. */
function scoreOnce(kase, { bytes, paramsBytes }, optionsJson) {
  const t0 = performance.now();
  const json = score_irt(bytes, paramsBytes, optionsJson);
  const ms = performance.now() - t0;
  const t1 = performance.now();
  const r = JSON.parse(json);
  const parseMs = performance.now() - t1;
  return { ms, parseMs, fingerprint: fingerprintOf(kase, r), nPersons: r.n_persons, nItems: r.n_items, jsonChars: json.length };
}

/** The case's input: fetched from its file, or simulated from its seed. */
async function loadInput(kase, url, qUrl) {
  if (qUrl) {
    return { bytes: await loadBytes(url, kase.gzip), paramsBytes: await loadBytes(qUrl, false), how: 'loaded (with the Q-matrix)' };
  }
  if (kase.simulate) {
    const { csv, params } = simulate2pl(kase.simulate);
    return { bytes: csv, paramsBytes: new TextEncoder().encode(params), how: `simulated (seed ${kase.simulate.seed})` };
  }
  return { bytes: await loadBytes(url, kase.gzip), how: kase.gzip ? 'loaded and decompressed' : 'loaded' };
}

async function runCase({ kase, url, qUrl, runs, warmup, threads = 0 }) {
  let t = performance.now();
  const core = await import(threads > 0 ? '../target/wasm-web-threads/pacer_core.js' : '../target/wasm-web/pacer_core.js');
  ({ calibrate_cdm, calibrate_irt, score_irt, analyze_items } = core);
  const exports = await core.default(); // wasm-bindgen's init resolves to the module's exports
  if (threads > 0) {
    if (!self.crossOriginIsolated) throw new Error('the threaded build needs a cross-origin isolated page (COOP + COEP headers)');
    await core.initThreadPool(threads);
  }
  const initMs = performance.now() - t;
  const memoryAfterInitBytes = exports.memory.buffer.byteLength;

  t = performance.now();
  const input = await loadInput(kase, url, qUrl);
  const loadMs = performance.now() - t;
  log(`${kase.name}: ${input.bytes.length} bytes ${input.how} in ${loadMs.toFixed(0)} ms`);

  const once = { score: scoreOnce, items: itemsOnce }[toolOf(kase)] ?? calibrateOnce;
  const optionsJson = JSON.stringify(kase.options);
  let warmupRun = null;
  if (warmup) {
    warmupRun = once(kase, input, optionsJson);
    log(`${kase.name}: warm-up ${warmupRun.ms.toFixed(1)} ms, ${JSON.stringify(warmupRun.fingerprint)}`);
  }
  const timed = [];
  for (let i = 0; i < runs; i++) {
    const run = once(kase, input, optionsJson);
    timed.push(run);
    log(`${kase.name}: run ${i + 1}/${runs} ${run.ms.toFixed(1)} ms (JSON.parse ${run.parseMs.toFixed(1)} ms)`);
  }
  // Every run must compute the same result (the engine is deterministic).
  const first = timed[0];
  const differing = [warmupRun, ...timed].filter((r) => r && !sameFingerprint(r.fingerprint, first.fingerprint));
  return {
    name: kase.name,
    threads,
    tool: toolOf(kase),
    file: kase.path ?? null,
    simulate: kase.simulate ?? null,
    options: kase.options,
    bytes: input.bytes.length,
    initMs,
    loadMs,
    warmup: !!warmup,
    warmupMs: warmupRun?.ms ?? null,
    timesMs: timed.map((r) => r.ms),
    parseMs: timed.map((r) => r.parseMs),
    fingerprint: first.fingerprint,
    iterations: first.iterations ?? null,
    loglik: first.loglik ?? null,
    converged: first.converged ?? null,
    stopReason: first.stopReason ?? null,
    nPersons: first.nPersons,
    nItems: first.nItems,
    seMethod: first.seMethod ?? null,
    jsonChars: first.jsonChars ?? null,
    sameFitEveryRun: differing.length === 0,
    memoryAfterInitBytes,
    memoryBytes: exports.memory.buffer.byteLength,
  };
}

/** Whatever was thrown (the core throws JSON strings for bad input) as { message, ... }. */
function toError(thrown) {
  if (typeof thrown === 'string') {
    try {
      return JSON.parse(thrown);
    } catch {
      return { message: thrown };
    }
  }
  return { message: String(thrown?.message ?? thrown), stack: String(thrown?.stack ?? '') };
}

self.addEventListener('message', async (event) => {
  try {
    self.postMessage({ type: 'result', result: await runCase(event.data) });
  } catch (thrown) {
    self.postMessage({ type: 'error', error: toError(thrown) });
  }
});
