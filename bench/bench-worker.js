// Module Web Worker of the browser benchmark (bench/index.html): runs ONE benchmark case in the
// release WebAssembly module the site uses (target/wasm-web/, built by scripts/build-wasm; the
// site ships a copy of it in dist/www/pkg/), single-threaded, as the site's www/worker.js does.
//
// The page starts a fresh worker for every case, so the module's linear memory reported after a
// case is that case's peak (linear memory never shrinks).
//
//   in:  { kase: {name, path, gzip, options}, url, runs, warmup }
//   out: { type: 'log', text }                                  (progress, for the driver)
//        { type: 'result', result: {...} }  or  { type: 'error', error: {...} }
//
// Only the calibrate_irt call is timed (performance.now() immediately around it); that includes
// copying the bytes into wasm memory and parsing the CSV, as on the site, but not fetching or
// decompressing the file nor JSON.parse of the result.

import init, { calibrate_irt } from '../target/wasm-web/pacer_core.js';

const log = (text) => self.postMessage({ type: 'log', text });

/** The file's bytes; a .gz file is decompressed here with the browser's DecompressionStream. */
async function loadBytes(url, gzip) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (!gzip) return new Uint8Array(await response.arrayBuffer());
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One calibration: wall time of the call and the fields that identify the fit. */
function calibrateOnce(bytes, optionsJson) {
  let progressCalls = 0;
  // As on the site, a progress callback after every EM iteration that says "go on".
  const onProgress = () => {
    progressCalls++;
    return false;
  };
  const t0 = performance.now();
  const json = calibrate_irt(bytes, optionsJson, onProgress);
  const ms = performance.now() - t0;
  const r = JSON.parse(json);
  return {
    ms,
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

async function runCase({ kase, url, runs, warmup }) {
  let t = performance.now();
  const exports = await init(); // wasm-bindgen's init resolves to the module's exports
  const initMs = performance.now() - t;
  const memoryAfterInitBytes = exports.memory.buffer.byteLength;

  t = performance.now();
  const bytes = await loadBytes(url, kase.gzip);
  const loadMs = performance.now() - t;
  log(`${kase.name}: ${bytes.length} bytes loaded${kase.gzip ? ' and decompressed' : ''} in ${loadMs.toFixed(0)} ms`);

  const optionsJson = JSON.stringify(kase.options);
  let warmupRun = null;
  if (warmup) {
    warmupRun = calibrateOnce(bytes, optionsJson);
    log(`${kase.name}: warm-up ${warmupRun.ms.toFixed(1)} ms, ${warmupRun.iterations} iterations, loglik ${warmupRun.loglik}`);
  }
  const timed = [];
  for (let i = 0; i < runs; i++) {
    const run = calibrateOnce(bytes, optionsJson);
    timed.push(run);
    log(`${kase.name}: run ${i + 1}/${runs} ${run.ms.toFixed(1)} ms`);
  }
  // Every run must be the same fit (the engine is deterministic).
  const first = timed[0];
  const differing = [warmupRun, ...timed].filter((r) => r && (r.iterations !== first.iterations || r.loglik !== first.loglik));
  return {
    name: kase.name,
    file: kase.path,
    options: kase.options,
    bytes: bytes.length,
    initMs,
    loadMs,
    warmup: !!warmup,
    warmupMs: warmupRun?.ms ?? null,
    timesMs: timed.map((r) => r.ms),
    iterations: first.iterations,
    loglik: first.loglik,
    converged: first.converged,
    stopReason: first.stopReason,
    nPersons: first.nPersons,
    nItems: first.nItems,
    seMethod: first.seMethod,
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
