// Main-thread script of the browser benchmark page (bench/index.html). Not part of the site.
//
// Runs the selected cases (bench/cases.js) one after the other, each in a fresh module Web
// Worker (bench/bench-worker.js), and shows median and minimum time per case, what identifies
// the result (EM iterations and log-likelihood of a fit; examinees scored, mean and SD of the
// scores) to check it is the same result everywhere, the median JSON.parse time of the result
// and the wasm linear memory after the case. When finished, <body data-state> is "done" (or "error") and #json holds
// the results, which is what scripts/bench-browser reads; progress is logged to the console.
//
// Query string: cases=10k,10k-se,100k,score (default all), runs=N, runs10k=N, runs100k=N,
// runs1m=N, warmup=0, threads=N (the threaded build with a pool of N workers; default 0, the
// single-threaded build).

import { checkTargets, describeFingerprint, median, runsFor, selectCases, toolOf } from './cases.js';

const $ = (selector) => document.querySelector(selector);

function setStatus(text, state) {
  $('#status').textContent = text;
  if (state) document.body.dataset.state = state;
}

/** Runs one case in its own worker; resolves to the worker's result. */
function runInWorker(kase, runs, warmup, threads) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module', name: `bench-${kase.name}` });
    const finish = (fn, value) => {
      worker.terminate();
      fn(value);
    };
    worker.addEventListener('message', (event) => {
      const msg = event.data;
      if (msg.type === 'log') {
        console.info(`[bench] ${msg.text}`);
        setStatus(msg.text);
      } else if (msg.type === 'result') finish(resolve, msg.result);
      else finish(reject, Object.assign(new Error(msg.error?.message ?? 'worker error'), { detail: msg.error }));
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      finish(reject, new Error(`the benchmark worker failed to start or threw: ${event.message ?? 'unknown error'}`));
    });
    // The data file, relative to the repository root (the page is at /bench/index.html).
    const url = kase.path ? new URL(`../${kase.path}`, import.meta.url).href : null;
    const qUrl = kase.qPath ? new URL(`../${kase.qPath}`, import.meta.url).href : null;
    const { name, path, gzip, simulate, options } = kase;
    worker.postMessage({ kase: { name, tool: toolOf(kase), path, gzip, simulate, options }, url, qUrl, runs, warmup, threads });
  });
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

function showResult(r) {
  const row = document.createElement('tr');
  cell(row, r.name);
  cell(row, r.medianMs.toFixed(1));
  cell(row, r.minMs.toFixed(1));
  cell(row, String(r.runs));
  cell(row, describeFingerprint(r.fingerprint));
  cell(row, median(r.parseMs).toFixed(1));
  cell(row, (r.memoryBytes / 1e6).toFixed(1));
  cell(row, r.loadMs.toFixed(0));
  $('#results tbody').append(row);
}

function showTargets(targets) {
  for (const t of targets) {
    const li = document.createElement('li');
    li.className = t.met ? 'met' : 'missed';
    li.textContent = `${t.case}: ${t.what} ${t.value} (target ${t.target}): ${t.met ? 'met' : 'not met'}`;
    $('#targets').append(li);
  }
}

async function main() {
  const params = new URLSearchParams(location.search);
  const environment = {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated,
    // Without cross-origin isolation Chromium coarsens performance.now() to 0.1 ms: fine here.
    timerNote: self.crossOriginIsolated ? 'performance.now() at full resolution' : 'performance.now() coarsened to 0.1 ms (page not cross-origin isolated)',
  };
  $('#environment').textContent = JSON.stringify(environment, null, 2);
  const report = { state: 'running', query: location.search, environment, startedAt: new Date().toISOString(), cases: [], targets: [] };
  window.benchResults = report;
  try {
    const cases = selectCases(params.get('cases'));
    const warmup = params.get('warmup') !== '0';
    const threads = Number(params.get('threads') ?? 0);
    if (!Number.isInteger(threads) || threads < 0) throw new Error(`threads=${params.get('threads')}: expected a whole number >= 0`);
    report.threads = threads;
    setStatus(`Running ${cases.length} case(s)…`, 'running');
    for (const kase of cases) {
      const runs = runsFor(kase, params);
      const r = await runInWorker(kase, runs, warmup, threads);
      if (!r.sameFitEveryRun) throw new Error(`${kase.name}: the runs did not all give the same result (${JSON.stringify(r.fingerprint)})`);
      const result = { ...r, runs, medianMs: median(r.timesMs), minMs: Math.min(...r.timesMs) };
      report.cases.push(result);
      showResult(result);
      console.info(`[bench] ${kase.name}: median ${result.medianMs.toFixed(1)} ms, min ${result.minMs.toFixed(1)} ms over ${runs} run(s)`);
    }
    report.targets = checkTargets(report.cases);
    showTargets(report.targets);
    report.state = 'done';
    report.finishedAt = new Date().toISOString();
    $('#json').textContent = JSON.stringify(report, null, 2);
    setStatus(`Done: ${report.cases.length} case(s).`, 'done');
  } catch (err) {
    report.state = 'error';
    report.error = { message: String(err?.message ?? err), detail: err?.detail ?? null };
    $('#json').textContent = JSON.stringify(report, null, 2);
    console.error(`[bench] ${report.error.message}`);
    setStatus(`Failed: ${report.error.message}`, 'error');
  }
}

main();
