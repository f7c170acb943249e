#!/usr/bin/env node
// Browser benchmark of IRT calibration and Test Scoring, driven headless, with the native CLI as
// the baseline measured in the same run. Run it through scripts/bench-browser (not part of
// scripts/test: benchmarks are not tests).
//
//   scripts/bench-browser [--cases 10k,10k-se,100k,grm,score] [--runs N] [--runs-10k N]
//                         [--runs-100k N] [--runs-1m N] [--no-warmup] [--native-runs N]
//                         [--no-native] [--build] [--out target/bench-browser.json]
//                         [--timeout SECONDS] [--threads N]
//
// --threads N times the threaded build (target/wasm-web-threads/) with a pool of N workers
// instead of the single-threaded one. scripts/bench-suite runs both, the native CLI on one and
// on all threads, and the Python peers.
//
// 1. Serves the repository root in-process with scripts/serve.mjs (the site's headers from
//    staticwebapp.config.json, CSP included) on 127.0.0.1, and opens bench/index.html in
//    headless Chromium (playwright-core, the end-to-end tests' browser arguments). The page
//    times calibrate_irt / score_irt of target/wasm-web/ (the release module the site ships) in
//    a module Web Worker: one warm-up run, then N timed runs per case; median and min.
// 2. Runs the native CLI (target/release/pacer irt FILE ... / pacer score FILE --params ...,
//    --format json) on the same data and options --native-runs times (default 3) per case and
//    takes the median wall time of the whole process (start-up, reading the files, the
//    computation, printing the JSON). Simulated cases (bench/simulate.js) are written to
//    temporary files first, byte for byte what the page generates.
// 3. Prints the machine, the Chromium version, a table per case and the targets; writes
//    everything as JSON to target/bench-browser.json.
//
// Missing artefacts are built (scripts/build-wasm, cargo build --release --bin pacer); --build
// rebuilds both first. No network is used: the page makes requests to its own origin only.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS, originOf, watchPage } from '../tests/e2e/helpers.mjs';
import { CASES, checkTargets, cliArgs, describeFingerprint, fingerprintOf, median, sameFingerprint, selectCases } from '../bench/cases.js';
import { simulate2pl } from '../bench/simulate.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WASM_JS = 'target/wasm-web/pacer_core.js';
const WASM_BIN = 'target/wasm-web/pacer_core_bg.wasm';
const NATIVE_BIN = 'target/release/pacer';

/** Serves the repository root (where bench/, target/wasm-web/ and tests/fixtures/ live). */
export function startBenchServer() {
  return startServer({ root: REPO_ROOT, port: 0 });
}

export function launchBenchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Throws a useful message when the wasm module has not been built. */
export function assertWasmBuilt() {
  const missing = [WASM_JS, WASM_BIN].filter((f) => !existsSync(path.join(REPO_ROOT, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: build it with bash scripts/build-wasm`);
}

/**
 * Opens the bench page with `query` (e.g. "runs=1&cases=10k") in a fresh context of `browser`
 * and waits for it to finish. Resolves to { report, log }: the page's results (state "done" or
 * "error") and what the page did (watchPage: requests, console errors, ...).
 */
export async function runBenchPage({ browser, origin, query = '', timeoutMs = 1_800_000, onLog = () => {} }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const log = watchPage(page);
    page.on('console', (msg) => {
      if (msg.text().startsWith('[bench] ')) onLog(msg.text().slice(8));
    });
    await page.goto(`${origin}/bench/index.html${query ? `?${query}` : ''}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: timeoutMs, polling: 250 });
    const report = JSON.parse(await page.textContent('#json'));
    return { report, log };
  } finally {
    await context.close();
  }
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${os.homedir()}/.cargo/bin:${process.env.PATH}` } });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')}: exit ${r.status ?? r.signal})`);
}

/** Newest modification time (ms) of the sources both builds are made from. */
function newestSourceMtime() {
  let newest = { mtime: 0, file: null };
  const visit = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
    else if (st.mtimeMs > newest.mtime) newest = { mtime: st.mtimeMs, file: path.relative(REPO_ROOT, p) };
  };
  for (const p of ['src', 'Cargo.toml', 'Cargo.lock']) if (existsSync(path.join(REPO_ROOT, p))) visit(path.join(REPO_ROOT, p));
  return newest;
}

function artefact(rel, newestSource) {
  const file = path.join(REPO_ROOT, rel);
  const st = statSync(file);
  const info = { path: rel, bytes: st.size, modified: st.mtime.toISOString(), sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  if (newestSource.mtime > st.mtimeMs) {
    info.staleWarning = `${rel} is older than ${newestSource.file}: it may not be built from the current sources (rebuild with --build)`;
  }
  return info;
}

export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    logicalCores: os.cpus().length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/**
 * The files of a case for the native CLI (and other programs): its fixture, or a temporary copy
 * in `tmp` (decompressed, or simulated byte for byte as the page does). Returns
 * { file, paramsFile } (paramsFile: the parameter file or Q-matrix, or null).
 */
export function caseFiles(kase, tmp) {
  let file;
  let paramsFile = null;
  if (kase.simulate) {
    const sim = simulate2pl(kase.simulate);
    file = path.join(tmp, `${kase.name}.csv`);
    writeFileSync(file, sim.csv);
    if (kase.tool === 'score') {
      paramsFile = path.join(tmp, `${kase.name}-params.csv`);
      writeFileSync(paramsFile, sim.params);
    }
  } else if (kase.gzip) {
    file = path.join(tmp, `${kase.name}.csv`);
    writeFileSync(file, gunzipSync(readFileSync(path.join(REPO_ROOT, kase.path))));
  } else {
    file = path.join(REPO_ROOT, kase.path);
  }
  if (kase.qPath) paramsFile = path.join(REPO_ROOT, kase.qPath);
  return { file, paramsFile };
}

/**
 * Runs the native CLI `runs` times on `file` (and `paramsFile`); wall time of each process.
 * `env` is added to the environment (e.g. RAYON_NUM_THREADS=1).
 */
export function runNative(kase, file, paramsFile, runs, env = {}) {
  const bin = path.join(REPO_ROOT, NATIVE_BIN);
  const args = cliArgs(kase, file, paramsFile);
  const timesMs = [];
  let fit = null;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(bin, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`native ${kase.name}: ${NATIVE_BIN} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
    timesMs.push(ms);
    fit = fingerprintOf(kase, JSON.parse(r.stdout));
  }
  return { command: `${NATIVE_BIN} ${args.join(' ')}`, runs, timesMs, medianMs: median(timesMs), minMs: Math.min(...timesMs), fingerprint: fit };
}

function parseArgs(argv) {
  const o = { threads: 0, cases: '', runs: null, runs10k: null, runs100k: null, runs1m: null, warmup: true, nativeRuns: 3, native: true, build: false, out: 'target/bench-browser.json', timeout: 1800 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${name} needs a value`);
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) usage(`${name} needs a whole number >= 1`);
      return n;
    };
    if (name === '--cases') o.cases = value();
    else if (name === '--threads') o.threads = count();
    else if (name === '--runs') o.runs = count();
    else if (name === '--runs-10k') o.runs10k = count();
    else if (name === '--runs-100k') o.runs100k = count();
    else if (name === '--runs-1m') o.runs1m = count();
    else if (name === '--no-warmup') o.warmup = false;
    else if (name === '--native-runs') o.nativeRuns = count();
    else if (name === '--no-native') o.native = false;
    else if (name === '--build') o.build = true;
    else if (name === '--out') o.out = value();
    else if (name === '--timeout') o.timeout = count();
    else if (name === '-h' || name === '--help') usage(null);
    else usage(`unknown argument ${argv[i]}`);
  }
  return o;
}

function usage(error) {
  const text = `usage: scripts/bench-browser [--cases LIST] [--runs N] [--runs-10k N] [--runs-100k N] [--runs-1m N]
                             [--no-warmup] [--native-runs N] [--no-native] [--build] [--out FILE] [--timeout SECONDS]
                             [--threads N]
cases: ${CASES.map((c) => `${c.name} (${c.aliases.join(', ')})`).join(', ')}; default all`;
  if (error) {
    console.error(`bench-browser: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

/** Left-aligned first column, the others right-aligned. */
function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, j) => Math.max(...all.map((r) => r[j].length)));
  const line = (r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cases = selectCases(opts.cases);
  const err = (s) => process.stderr.write(`bench-browser: ${s}\n`);

  if (opts.build || !existsSync(path.join(REPO_ROOT, WASM_BIN)) || !existsSync(path.join(REPO_ROOT, WASM_JS))) {
    err('building the wasm module (bash scripts/build-wasm, a few minutes)');
    run('bash', ['scripts/build-wasm'], 'scripts/build-wasm');
  }
  if (opts.native && (opts.build || !existsSync(path.join(REPO_ROOT, NATIVE_BIN)))) {
    err('building the native CLI (cargo build --release --bin pacer)');
    run('cargo', ['build', '--release', '--bin', 'pacer'], 'cargo build');
  }
  const newest = newestSourceMtime();
  const wasm = artefact(WASM_BIN, newest);
  const distCopy = path.join(REPO_ROOT, 'dist/www/pkg/pacer_core_bg.wasm');
  if (existsSync(distCopy)) wasm.sameAsDistCopy = createHash('sha256').update(readFileSync(distCopy)).digest('hex') === wasm.sha256;
  const native = opts.native ? artefact(NATIVE_BIN, newest) : null;
  for (const a of [wasm, native]) if (a?.staleWarning) err(`warning: ${a.staleWarning}`);

  const query = new URLSearchParams();
  if (opts.cases) query.set('cases', cases.map((c) => c.name).join(','));
  if (opts.runs) query.set('runs', opts.runs);
  if (opts.runs10k) query.set('runs10k', opts.runs10k);
  if (opts.runs100k) query.set('runs100k', opts.runs100k);
  if (opts.runs1m) query.set('runs1m', opts.runs1m);
  if (!opts.warmup) query.set('warmup', '0');
  if (opts.threads) query.set('threads', opts.threads);

  // Browser.
  const server = await startBenchServer();
  const origin = server.url.replace('localhost', '127.0.0.1');
  let browser = null;
  let page;
  let chromiumVersion;
  try {
    browser = await launchBenchBrowser();
    chromiumVersion = browser.version();
    err(`Chromium ${chromiumVersion}: ${origin}/bench/index.html${query.size ? `?${query}` : ''}`);
    page = await runBenchPage({ browser, origin, query: query.toString(), timeoutMs: opts.timeout * 1000, onLog: (s) => err(s) });
  } finally {
    await browser?.close();
    await server.close();
  }
  const { report, log } = page;
  const foreign = log.requests.filter((u) => !['data:', origin].includes(originOf(u)));
  const problems = [
    ...foreign.map((u) => `request to another origin: ${u}`),
    ...log.failed.map((u) => `failed request: ${u}`),
    ...log.pageErrors.map((e) => `page error: ${e}`),
    ...log.consoleErrors.map((e) => `console error: ${e}`),
  ];
  if (report.state !== 'done') {
    throw new Error(`the bench page failed: ${report.error?.message}${report.error?.detail ? ` ${JSON.stringify(report.error.detail)}` : ''}\n${problems.join('\n')}`);
  }
  if (problems.length) err(`warning: the page misbehaved:\n  ${problems.join('\n  ')}`);

  // Native baseline, after the browser has closed (so the two never compete for the cores).
  const nativeResults = new Map();
  if (opts.native) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacer-bench-'));
    try {
      for (const kase of cases) {
        const { file, paramsFile } = caseFiles(kase, tmp);
        err(`native ${kase.name}: ${opts.nativeRuns} run(s)`);
        nativeResults.set(kase.name, runNative(kase, file, paramsFile, opts.nativeRuns));
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  const mach = machine();
  const results = report.cases.map((r) => {
    const n = nativeResults.get(r.name) ?? null;
    return {
      name: r.name,
      tool: r.tool,
      file: r.file,
      simulate: r.simulate,
      options: r.options,
      browser: {
        runs: r.runs,
        warmup: r.warmup,
        timesMs: r.timesMs,
        medianMs: r.medianMs,
        minMs: r.minMs,
        warmupMs: r.warmupMs,
        parseMs: r.parseMs,
        medianParseMs: median(r.parseMs),
        fingerprint: r.fingerprint,
        jsonChars: r.jsonChars,
        iterations: r.iterations,
        loglik: r.loglik,
        converged: r.converged,
        memoryBytes: r.memoryBytes,
        memoryAfterInitBytes: r.memoryAfterInitBytes,
        fileBytes: r.bytes,
        loadMs: r.loadMs,
        initMs: r.initMs,
      },
      native: n,
      ratioWasmToNative: n ? r.medianMs / n.medianMs : null,
    };
  });
  const targets = checkTargets(report.cases);
  const json = {
    date: new Date().toISOString(),
    command: ['scripts/bench-browser', ...process.argv.slice(2)].join(' '),
    machine: mach,
    chromium: chromiumVersion,
    threads: opts.threads,
    page: { url: `/bench/index.html${query.size ? `?${query}` : ''}`, environment: report.environment },
    wasm,
    native,
    timing: {
      browser: 'performance.now() around calibrate_irt / score_irt inside the worker (copy of the bytes into wasm memory, CSV parse, the computation, the result as JSON text); one warm-up run first; JSON.parse of the result timed separately (parseMs)',
      native: 'wall time of the whole CLI process (start-up, file read, the computation, JSON output)',
    },
    cases: results,
    targets,
  };
  const out = path.resolve(REPO_ROOT, opts.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n');

  // Report.
  const p = (s) => process.stdout.write(`${s}\n`);
  p(`machine:  ${mach.cpu}, ${mach.logicalCores} logical cores, ${mach.memoryGiB} GiB, ${mach.os}`);
  p(`browser:  Chromium ${chromiumVersion} headless; ${opts.threads ? `threaded build, ${opts.threads} threads` : 'single-threaded build'}; crossOriginIsolated ${report.environment.crossOriginIsolated}`);
  p(`wasm:     ${wasm.path} (${wasm.bytes} bytes, built ${wasm.modified}, sha256 ${wasm.sha256.slice(0, 12)})`);
  if (native) p(`native:   ${native.path} (built ${native.modified})`);
  p('');
  p(`WebAssembly in Chromium (calibrate_irt / score_irt; ${opts.warmup ? '1 warm-up run, then ' : ''}the timed runs; JSON.parse not included):`);
  p(
    table(
      ['case', 'median ms', 'min ms', 'runs', 'result', 'JSON.parse ms', 'wasm MB'],
      results.map((r) => [
        r.name,
        r.browser.medianMs.toFixed(1),
        r.browser.minMs.toFixed(1),
        r.browser.runs,
        describeFingerprint(r.browser.fingerprint),
        r.browser.medianParseMs.toFixed(1),
        (r.browser.memoryBytes / 1e6).toFixed(1),
      ]),
    ),
  );
  if (opts.native) {
    p('');
    p(`Native CLI baseline (whole process, ${opts.nativeRuns} run(s)):`);
    p(
      table(
        ['case', 'native median ms', 'native min ms', 'result', 'wasm/native'],
        results.map((r) => [r.name, r.native.medianMs.toFixed(1), r.native.minMs.toFixed(1), describeFingerprint(r.native.fingerprint), `${r.ratioWasmToNative.toFixed(2)}x`]),
      ),
    );
    const differ = results.filter((r) => !sameFingerprint(r.native.fingerprint, r.browser.fingerprint, 1e-6));
    p(
      differ.length
        ? `warning: not the same result natively and in wasm: ${differ.map((r) => r.name).join(', ')}`
        : 'same result natively and in wasm (counts equal, real numbers within 1e-6 relative)',
    );
  }
  p('');
  p('Targets:');
  for (const t of targets) p(`  ${t.case}: ${t.what} ${t.value} (target ${t.target}): ${t.met ? 'met' : 'NOT met'}`);
  p('');
  p(`written: ${path.relative(REPO_ROOT, out)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`bench-browser: ${e?.stack ?? e}`);
    process.exit(1);
  });
}
