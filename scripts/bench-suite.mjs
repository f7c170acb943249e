#!/usr/bin/env node
// The benchmark suite: every workload of the performance targets, timed in the same run on the
// same machine as
//   - native, 1 thread      the engine in-process (examples/bench_engine.rs), RAYON_NUM_THREADS=1
//   - native, all threads   the same with rayon's default pool
//   - WASM, 1 thread        the single-threaded module in headless Chromium (bench/ page)
//   - WASM, threads         the threaded module, a pool of as many workers as cores
//   - mirt, girth           the Python peers from PyPI (bench/peers.py, in target/bench-venv)
// with medians over repeated runs. Run it through scripts/bench-suite (which builds what is
// missing and installs the peers); not part of scripts/test: benchmarks are not tests.
//
//   scripts/bench-suite [--workloads 2pl-10k,2pl-100k,grm,dina,gdina,eap,items] [--runs N]
//                       [--peer-runs N] [--no-peers] [--no-browser] [--no-native]
//                       [--readme] [--out target/bench-suite.json]
//
// The native and browser columns time the same span: from the file's bytes in memory to the
// result's JSON text (parsing the CSV, the analysis, writing the JSON). The peers time only their
// fit or scoring call, on data already in a NumPy array; pacer's like-for-like figure, the
// analysis alone on the parsed data (natively, all threads), is the column the peers are
// compared with.
//
// --readme rewrites the table in README.md between the bench-suite markers.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CASES, median } from '../bench/cases.js';
import { REPO_ROOT, caseFiles, launchBenchBrowser, machine, runBenchPage, startBenchServer } from './bench-browser.mjs';

const VENV_PYTHON = path.join(REPO_ROOT, 'target/bench-venv/bin/python');
const BENCH_ENGINE = path.join(REPO_ROOT, 'target/release/examples/bench_engine');
// A peer's warm-up plus timed runs of one workload get at most this long; runs that would not
// fit are skipped (girth's item analysis of 1,000,000 x 100 takes over 2 minutes a call).
const PEER_MAX_SECONDS = 300;

/** The workloads: a bench case (bench/cases.js) and the peers' name for the same analysis. */
export const WORKLOADS = [
  { id: '2pl-10k', label: '2PL, 10,000 x 50', kase: 'sim_2pl_10k', peer: '2pl' },
  { id: '2pl-100k', label: '2PL, 100,000 x 50', kase: 'sim_2pl_100k', peer: '2pl' },
  { id: 'grm', label: 'GRM, 20,000 x 30 (5 categories)', kase: 'sim_grm_20k', peer: 'grm' },
  { id: 'dina', label: 'DINA, 10,000 x 30, K = 5', kase: 'cdm_dina_10k', peer: 'dina' },
  { id: 'gdina', label: 'G-DINA, 10,000 x 30, K = 5', kase: 'cdm_gdina_10k', peer: 'gdina' },
  { id: 'eap', label: 'EAP scoring, 1,000,000 x 50', kase: 'score_eap_1m', peer: 'eap' },
  { id: 'items', label: 'Item analysis, 1,000,000 x 100', kase: 'items_1m', peer: 'items' },
];
const PEERS = ['mirt', 'girth'];

function parseArgs(argv) {
  const o = { workloads: '', runs: 3, peerRuns: 3, peers: true, browser: true, native: true, readme: false, out: 'target/bench-suite.json' };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? usage(`${name} needs a value`);
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) usage(`${name} needs a whole number >= 1`);
      return n;
    };
    if (name === '--workloads') o.workloads = value();
    else if (name === '--runs') o.runs = count();
    else if (name === '--peer-runs') o.peerRuns = count();
    else if (name === '--no-peers') o.peers = false;
    else if (name === '--no-browser') o.browser = false;
    else if (name === '--no-native') o.native = false;
    else if (name === '--readme') o.readme = true;
    else if (name === '--out') o.out = value();
    else if (name === '-h' || name === '--help') usage(null);
    else usage(`unknown argument ${argv[i]}`);
  }
  return o;
}

function usage(error) {
  const text = `usage: scripts/bench-suite [--workloads LIST] [--runs N] [--peer-runs N] [--no-peers] [--no-browser]
                           [--no-native] [--readme] [--out FILE]
workloads: ${WORKLOADS.map((w) => w.id).join(', ')}; default all`;
  if (error) {
    console.error(`bench-suite: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function selectWorkloads(list) {
  const wanted = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) return WORKLOADS.slice();
  const unknown = wanted.filter((w) => !WORKLOADS.some((x) => x.id === w));
  if (unknown.length) usage(`unknown workload ${unknown.join(', ')}`);
  return WORKLOADS.filter((w) => wanted.includes(w.id));
}

const err = (s) => process.stderr.write(`bench-suite: ${s}\n`);

/** One bench page run of `cases` with `threads` (0: the single-threaded build). */
async function browserRun(cases, threads, runs) {
  const server = await startBenchServer();
  const origin = server.url.replace('localhost', '127.0.0.1');
  let browser = null;
  try {
    browser = await launchBenchBrowser();
    const query = new URLSearchParams({ cases: cases.map((c) => c.name).join(','), runs: String(runs), threads: String(threads) });
    err(`Chromium ${browser.version()}: ${threads ? `threaded build, ${threads} threads` : 'single-threaded build'}`);
    const { report } = await runBenchPage({ browser, origin, query: query.toString(), timeoutMs: 3_600_000, onLog: (s) => err(`  ${s}`) });
    if (report.state !== 'done') throw new Error(`the bench page failed: ${report.error?.message}`);
    return { chromium: browser.version(), environment: report.environment, cases: new Map(report.cases.map((c) => [c.name, c])) };
  } finally {
    await browser?.close();
    await server.close();
  }
}

/**
 * examples/bench_engine for one case: `runs` timed runs (after a warm-up) in this process's
 * environment plus `env`; medians of the total (bytes to JSON text) and of the analysis alone.
 */
function nativeRun(kase, file, paramsFile, runs, env = {}) {
  const tool = kase.tool ?? 'irt';
  const { fileName, paramsFileName, qFileName, ...options } = kase.options;
  const args = [tool, file, ...(paramsFile ? [paramsFile] : []), JSON.stringify(options), String(runs)];
  const r = spawnSync(BENCH_ENGINE, args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench_engine ${args.join(' ')}: exit ${r.status ?? r.signal}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return { ...out, medianMs: median(out.totalMs), medianAnalysisMs: median(out.analysisMs), medianReadMs: median(out.readMs), medianJsonMs: median(out.jsonMs) };
}

/** bench/peers.py for one peer and workload; its JSON (or { supported: false, reason }). */
function peerRun(peer, workload, file, paramsFile, runs) {
  const args = ['bench/peers.py', '--peer', peer, '--workload', workload.peer, '--data', file, '--runs', String(runs), '--max-seconds', String(PEER_MAX_SECONDS)];
  if (workload.peer === 'dina' || workload.peer === 'gdina') args.push('--q', paramsFile);
  if (workload.peer === 'eap') args.push('--params', paramsFile);
  err(`${peer} ${workload.id}: ${runs} run(s)`);
  const r = spawnSync(VENV_PYTHON, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) return { supported: true, failed: true, reason: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  if (r.stderr.trim()) err(`  ${r.stderr.trim().split('\n').join('\n  ')}`);
  return JSON.parse(r.stdout);
}

const fmt = (ms) => (ms === null || ms === undefined ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** The results as a Markdown table (the README's), with a line per finding below it. */
function markdown(rows, meta) {
  const threads = meta.threads;
  const head = ['Workload', 'native, 1 thread', `native, ${threads} threads`, 'WASM, 1 thread', `WASM, ${threads} threads`, 'WASM speed-up from threads', `pacer analysis only (native, ${threads} threads)`, 'mirt (PyPI)', 'girth (PyPI)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const r of rows) {
    const peer = (p) => (r.peers[p]?.medianMs ? fmt(r.peers[p].medianMs) : r.peers[p]?.failed ? 'failed' : r.peers[p] ? 'n/a' : '–');
    const speedup = r.wasm1 && r.wasmN ? `${(r.wasm1 / r.wasmN).toFixed(2)}x` : '–';
    lines.push(`| ${r.label} | ${fmt(r.native1)} | ${fmt(r.nativeN)} | ${fmt(r.wasm1)} | ${fmt(r.wasmN)} | ${speedup} | ${fmt(r.analysisN)} | ${peer('mirt')} | ${peer('girth')} |`);
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const workloads = selectWorkloads(opts.workloads);
  const cases = workloads.map((w) => CASES.find((c) => c.name === w.kase));
  const cores = os.cpus().length;
  for (const f of ['target/release/examples/bench_engine', 'target/wasm-web/pacer_core_bg.wasm', 'target/wasm-web-threads/pacer_core_bg.wasm']) {
    if (!existsSync(path.join(REPO_ROOT, f))) throw new Error(`missing ${f}: run scripts/bench-suite (it builds it), not this file directly`);
  }
  if (opts.peers && !existsSync(VENV_PYTHON)) throw new Error('missing target/bench-venv: run scripts/bench-suite (it installs the peers)');

  // 1. The browser, single-threaded and threaded builds (one fresh worker per case).
  const browser = {};
  if (opts.browser) {
    browser.single = await browserRun(cases, 0, opts.runs);
    browser.threads = await browserRun(cases, cores, opts.runs);
  }

  // 2. Native and the peers, on the same files, after the browser has closed.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacer-suite-'));
  const rows = [];
  try {
    for (const [i, w] of workloads.entries()) {
      const kase = cases[i];
      const { file, paramsFile } = caseFiles(kase, tmp);
      const row = { id: w.id, label: w.label, kase: kase.name, peers: {} };
      if (opts.native) {
        err(`native ${w.id}: ${opts.runs} run(s) on 1 thread, ${opts.runs} on ${cores}`);
        row.nativeOne = nativeRun(kase, file, paramsFile, opts.runs, { RAYON_NUM_THREADS: '1' });
        row.nativeAll = nativeRun(kase, file, paramsFile, opts.runs, { RAYON_NUM_THREADS: String(cores) });
        row.native1 = row.nativeOne.medianMs;
        row.nativeN = row.nativeAll.medianMs;
        row.analysisN = row.nativeAll.medianAnalysisMs;
      }
      if (opts.browser) {
        row.wasmOne = browser.single.cases.get(kase.name);
        row.wasmThreads = browser.threads.cases.get(kase.name);
        row.wasm1 = median(row.wasmOne.timesMs);
        row.wasmN = median(row.wasmThreads.timesMs);
      }
      if (opts.peers) for (const peer of PEERS) row.peers[peer] = peerRun(peer, w, file, paramsFile, opts.peerRuns);
      rows.push(row);
      if (kase.simulate || kase.gzip) rmSync(file, { force: true }); // 100 to 200 MB each
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // 3. The checks of the performance targets, and that every column computed the same thing.
  const checks = [];
  for (const r of rows) {
    const fps = [['WASM 1 thread', r.wasmOne?.fingerprint], ['WASM threads', r.wasmThreads?.fingerprint], ['native 1 thread', r.nativeOne?.result], ['native threads', r.nativeAll?.result]].filter(([, f]) => f);
    const [, first] = fps[0] ?? [];
    const differ = fps.filter(([, f]) => Object.keys(first).some((k) => k !== 'chars' && k in f && Math.abs(f[k] - first[k]) > 1e-9 * Math.max(1, Math.abs(first[k]))));
    checks.push({ what: `${r.label}: the same result in every pacer column`, value: differ.length ? `differs: ${differ.map(([w]) => w).join(', ')}` : JSON.stringify(first), target: 'equal (1e-9)', met: !differ.length });
  }
  const r100k = rows.find((r) => r.id === '2pl-100k');
  if (r100k?.wasm1 && r100k?.wasmN) {
    const s = r100k.wasm1 / r100k.wasmN;
    checks.push({ what: `WASM threads / WASM 1 thread, 2PL 100k x 50 (${cores} cores)`, value: `${s.toFixed(2)}x`, target: '>= 1.6x', met: s >= 1.6 });
  }
  for (const r of rows) {
    for (const peer of PEERS) {
      const p = r.peers[peer];
      if (!p?.medianMs) continue;
      // Like for like: the analysis on data in memory. The bytes-to-JSON figures are reported
      // beside it (informative: they carry the CSV parsing and JSON writing the peers skip).
      for (const [what, ours, judged] of [
        [`analysis only, native ${cores} threads`, r.analysisN, true],
        [`bytes to JSON, WASM ${cores} threads`, r.wasmN, false],
      ]) {
        if (!ours) continue;
        checks.push({
          what: `${r.label}: pacer ${what} vs ${peer}`,
          value: `${fmt(ours)} vs ${fmt(p.medianMs)} (${(p.medianMs / ours).toFixed(1)}x)`,
          target: judged ? 'faster' : 'faster (informative)',
          met: ours < p.medianMs,
          judged,
        });
      }
    }
  }

  const mach = machine();
  const meta = { threads: cores };
  const table = markdown(rows, meta);
  const peerVersions = Object.fromEntries(PEERS.map((p) => [p, rows.map((r) => r.peers[p]?.version).find(Boolean) ?? null]));
  const json = {
    date: new Date().toISOString(),
    command: ['scripts/bench-suite', ...process.argv.slice(2)].join(' '),
    machine: mach,
    chromium: browser.single?.chromium ?? null,
    runs: opts.runs,
    peerRuns: opts.peerRuns,
    peerVersions,
    timing: {
      native: 'examples/bench_engine in-process: from the file bytes in memory to the JSON text (readMs + analysisMs + jsonMs); RAYON_NUM_THREADS=1 for one thread; analysisMs alone is the like-for-like figure for the peers',
      wasm: 'performance.now() around the engine call in a module Web Worker (copy of the bytes into wasm memory, parsing, the computation, the result as JSON text); one warm-up run first',
      peers: 'time.perf_counter() around the fit or scoring call only (data already in a NumPy array); one warm-up run first',
    },
    workloads: rows,
    checks,
    table,
  };
  const out = path.resolve(REPO_ROOT, opts.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n');

  const p = (s) => process.stdout.write(`${s}\n`);
  const machineLine = `${mach.cpu}, ${mach.logicalCores} logical cores, ${mach.memoryGiB} GiB, ${mach.os}; Chromium ${json.chromium ?? '–'}; Node ${mach.node}; mirt ${peerVersions.mirt ?? '–'}, girth ${peerVersions.girth ?? '–'}`;
  p(`machine: ${machineLine}`);
  p(`medians of ${opts.runs} runs (peers: ${opts.peerRuns}), each after a warm-up run`);
  p('');
  p(table);
  p('');
  for (const r of rows) {
    for (const peer of PEERS) {
      const x = r.peers[peer];
      if (x && !x.medianMs) p(`${r.label}: ${peer}: ${x.failed ? 'failed' : 'not supported'}: ${x.reason}`);
      else if (x) p(`${r.label}: ${peer}: ${x.call} (${x.runs} run(s); notes on the comparison in the JSON)`);
    }
  }
  p('');
  p('Checks:');
  for (const c of checks) p(`  ${c.met ? 'met    ' : c.judged === false ? 'not met' : 'NOT MET'}  ${c.what}: ${c.value} (target ${c.target})`);
  p('');
  p(`written: ${path.relative(REPO_ROOT, out)}`);

  if (opts.readme) {
    const readme = path.join(REPO_ROOT, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const begin = '<!-- bench-suite:begin -->';
    const end = '<!-- bench-suite:end -->';
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README.md has no ${begin} … ${end} block`);
    const day = json.date.slice(0, 10);
    const block = `${begin}\nMeasured ${day} by \`scripts/bench-suite${opts.runs === 3 ? '' : ` --runs ${opts.runs}`}\` on ${machineLine}. Medians of ${opts.runs} runs (peers ${opts.peerRuns}), each after a warm-up run.\n\n${table}\n${end}`;
    writeFileSync(readme, text.slice(0, a) + block + text.slice(b + end.length));
    p('README.md: table updated');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`bench-suite: ${e?.stack ?? e}`);
    process.exit(1);
  });
}
