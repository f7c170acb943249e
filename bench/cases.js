// The cases of the browser benchmark, shared by the page (bench/bench.js) and the driver
// (scripts/bench-browser.mjs), so the browser and the native baseline run the same data with the
// same options. Plain data and pure functions: no DOM, no Node APIs.
//
// `tool` is the engine function timed: 'irt' = `calibrate_irt` (the default), 'score' =
// `score_irt`, 'cdm' = `calibrate_cdm` (with the Q-matrix at `qPath`), 'items' = `analyze_items`. `path` is relative to the repository root (the page resolves it against its own
// URL, so the benchmark works wherever the repository root is served); a case with `simulate`
// instead has its data generated from a seed (bench/simulate.js), untimed, in the worker and, for
// the native baseline, into temporary files. `options` is the engine's options JSON (src/tools.rs
// `IrtRequest` / `ScoringRequest`, camelCase), passed unchanged to the wasm function; the native
// CLI gets the same options as flags (cliArgs).
//
// The fit cases time what mirt's `mirt(data, 1, '2PL')` does (estimates, log-likelihood; our
// S-X2 item fit comes with it) and leave out M2 (`m2MaxItems: 0`), which mirt computes in a
// separate call; `sim_2pl_10k_m2` times the same fit with M2 (1,275 margins). `sim_grm_20k`
// times mirt's `mirt(data, 1, itemtype = 'graded')` on 20,000 x 30 items with 5 categories.
//
// `score_eap_1m` is the Test Scoring target: EAP scores (61 quadrature points, N(0, 1) prior) of
// 1,000,000 examinees x 50 binary items from a 2PL parameter file, in at most 5 s. Timed: the
// `score_irt` call from the response and parameter bytes to the result's JSON text (CSV parse,
// validation, scoring, test characteristics, JSON); the JSON.parse of that text (about 150 MB)
// is measured separately (`parseMs`), since a caller that streams the text out does not need it.
//
// The CDM cases are the CDM Calibration targets with GDINA's default options (3 starts,
// tolerance 1e-4, standard errors): DINA and saturated G-DINA on sim_dina_10k (10,000 x 30,
// K = 5) in at most 0.3 s each, G-DINA on Tatsuoka's fraction subtraction (536 x 20, K = 8) in
// at most 1 s.
//
// `items_1m` is the item analysis of 1,000,000 x 100 simulated 2PL responses (200 MB of CSV):
// item statistics, alpha and the score distribution, from the bytes to the result's JSON text.

export const CASES = [
  {
    name: 'sim_2pl_10k',
    size: '10k',
    aliases: ['10k'],
    path: 'tests/fixtures/sim_2pl_10k/data.csv',
    gzip: false,
    options: { fileName: 'data.csv', model: '2pl', D: 1, quadrature: 61, tol: 1e-4, se: false, m2MaxItems: 0 },
    defaultRuns: 5,
    targetMs: 250,
  },
  {
    name: 'sim_2pl_10k_se',
    size: '10k',
    aliases: ['10k-se', '10k_se'],
    path: 'tests/fixtures/sim_2pl_10k/data.csv',
    gzip: false,
    options: { fileName: 'data.csv', model: '2pl', D: 1, quadrature: 61, tol: 1e-4, se: true, m2MaxItems: 0 },
    defaultRuns: 5,
    // With standard errors: at most twice the time of the same fit without them.
    targetRatioTo: { case: 'sim_2pl_10k', max: 2 },
  },
  {
    name: 'sim_2pl_10k_m2',
    size: '10k',
    aliases: ['10k-m2', '10k_m2'],
    path: 'tests/fixtures/sim_2pl_10k/data.csv',
    gzip: false,
    options: { fileName: 'data.csv', model: '2pl', D: 1, quadrature: 61, tol: 1e-4, se: false, m2MaxItems: 50 },
    defaultRuns: 5,
  },
  {
    name: 'sim_2pl_100k',
    size: '100k',
    aliases: ['100k'],
    path: 'tests/fixtures/sim_2pl_100k/data.csv.gz',
    gzip: true,
    options: { fileName: 'data.csv', model: '2pl', D: 1, quadrature: 61, tol: 1e-4, se: false, m2MaxItems: 0 },
    defaultRuns: 3,
    targetMs: 2500,
    targetMemoryBytes: 300e6,
  },
  {
    name: 'sim_grm_20k',
    size: '20k',
    aliases: ['grm', '20k'],
    path: 'tests/fixtures/sim_grm_20k/data.csv',
    gzip: false,
    options: { fileName: 'data.csv', model: 'grm', D: 1, quadrature: 61, tol: 1e-4, se: false, m2MaxItems: 0 },
    defaultRuns: 5,
    targetMs: 1500,
  },
  {
    name: 'score_eap_1m',
    tool: 'score',
    size: '1m',
    aliases: ['score', 'eap-1m', '1m'],
    simulate: { model: '2pl', persons: 1_000_000, items: 50, seed: 20261123 },
    options: { fileName: 'data.csv', paramsFileName: 'params.csv', method: 'eap', D: 1, quadrature: 61 },
    defaultRuns: 3,
    targetMs: 5000,
  },
  {
    name: 'items_1m',
    tool: 'items',
    size: '1m',
    aliases: ['items', 'items-1m'],
    simulate: { model: '2pl', persons: 1_000_000, items: 100, seed: 20261124 },
    options: { fileName: 'data.csv' },
    defaultRuns: 3,
  },
  {
    name: 'cdm_dina_10k',
    tool: 'cdm',
    size: 'cdm',
    aliases: ['cdm', 'dina'],
    path: 'tests/fixtures/sim_dina_10k/data.csv',
    qPath: 'tests/fixtures/sim_dina_10k/Q.csv',
    gzip: false,
    options: { fileName: 'data.csv', qFileName: 'Q.csv', model: 'dina' },
    defaultRuns: 5,
    targetMs: 300,
  },
  {
    name: 'cdm_gdina_10k',
    tool: 'cdm',
    size: 'cdm',
    aliases: ['cdm', 'gdina'],
    path: 'tests/fixtures/sim_dina_10k/data.csv',
    qPath: 'tests/fixtures/sim_dina_10k/Q.csv',
    gzip: false,
    options: { fileName: 'data.csv', qFileName: 'Q.csv', model: 'gdina' },
    defaultRuns: 5,
    targetMs: 300,
  },
  {
    name: 'cdm_gdina_frac20',
    tool: 'cdm',
    size: 'cdm',
    aliases: ['cdm', 'frac20'],
    path: 'tests/fixtures/frac20/data.csv',
    qPath: 'tests/fixtures/frac20/Q.csv',
    gzip: false,
    options: { fileName: 'data.csv', qFileName: 'Q.csv', model: 'gdina' },
    defaultRuns: 5,
    targetMs: 1000,
  },
];

/** The engine function a case times: 'irt' (calibrate_irt), 'score' (score_irt), 'cdm' (calibrate_cdm) or 'items' (analyze_items). */
export const toolOf = (kase) => kase.tool ?? 'irt';

/**
 * What identifies a case's result, to check every run (and the native baseline) computed the
 * same thing: for a calibration the EM iterations and log-likelihood, for scoring the number of
 * examinees scored and the mean and SD of the estimates. `r` is the engine's result JSON.
 */
export function fingerprintOf(kase, r) {
  if (toolOf(kase) === 'score') return { nScored: r.summary.n_scored, mean: r.summary.mean, sd: r.summary.sd };
  if (toolOf(kase) === 'items') return { nPersons: r.n_persons, meanScore: r.test.mean, alpha: r.test.alpha };
  return { iterations: r.iterations, loglik: r.loglik };
}

/** Whether two fingerprints agree (exactly, or within `relTol` for the real numbers). */
export function sameFingerprint(x, y, relTol = 0) {
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => {
    if (Number.isInteger(x[k]) && Number.isInteger(y[k])) return x[k] === y[k];
    return Math.abs(x[k] - y[k]) <= relTol * Math.max(Math.abs(x[k]), Math.abs(y[k]), 1e-300);
  });
}

/** A fingerprint as short text for the tables. */
export function describeFingerprint(f) {
  if ('iterations' in f) return `${f.iterations} it., loglik ${f.loglik.toFixed(4)}`;
  if ('alpha' in f) return `${f.nPersons} persons, mean ${f.meanScore.toFixed(4)}, alpha ${f.alpha.toFixed(6)}`;
  return `${f.nScored} scored, mean ${f.mean.toFixed(6)}, sd ${f.sd.toFixed(6)}`;
}

/**
 * The cases a selector asks for: a comma-separated list of case names or aliases ("10k" is the
 * 10k fit without SEs, "10k-se" with them, "10k-m2" with M2, "100k", "grm", "score"); empty or
 * "all" = every case.
 */
export function selectCases(selector) {
  const wanted = String(selector ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (!wanted.length || wanted.includes('all')) return CASES.slice();
  const unknown = wanted.filter((w) => !CASES.some((c) => c.name === w || c.aliases.includes(w)));
  if (unknown.length) {
    const known = CASES.map((c) => `${c.name} (${c.aliases.join(', ')})`).join('; ');
    throw new Error(`unknown benchmark case ${unknown.join(', ')}; known: ${known}`);
  }
  return CASES.filter((c) => wanted.includes(c.name) || c.aliases.some((a) => wanted.includes(a)));
}

/**
 * Timed runs per case from query-string style parameters (a URLSearchParams or a plain object):
 * `runs` for every case, `runs10k` / `runs100k` / `runs1m` per data set size; otherwise the
 * case's default.
 */
export function runsFor(kase, params) {
  const get = (k) => (typeof params?.get === 'function' ? params.get(k) : params?.[k]);
  for (const key of [`runs${kase.size}`, 'runs']) {
    const v = get(key);
    if (v !== null && v !== undefined && v !== '') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${key}=${v}: expected a whole number >= 1`);
      return n;
    }
  }
  return kase.defaultRuns;
}

/**
 * The native CLI's arguments for a case: `irt FILE …`, `score FILE --params PARAMS …` or
 * `cdm FILE --q Q …` (the Q-matrix passed as `paramsFile`), with the case's options as flags.
 */
export function cliArgs(kase, file, paramsFile) {
  const options = kase.options;
  if (toolOf(kase) === 'items') return ['items', file, '--format', 'json'];
  if (toolOf(kase) === 'cdm') {
    return ['cdm', file, '--q', paramsFile, '--model', options.model, '--format', 'json'];
  }
  if (toolOf(kase) === 'score') {
    return ['score', file, '--params', paramsFile, '--method', options.method, '--D', String(options.D), '--quadrature', String(options.quadrature), '--format', 'json'];
  }
  const args = ['irt', file, '--model', options.model, '--D', String(options.D), '--quadrature', String(options.quadrature)];
  args.push('--tol', String(options.tol));
  if (options.se) args.push('--se');
  if (options.m2MaxItems !== undefined) args.push('--m2-max-items', String(options.m2MaxItems));
  args.push('--format', 'json');
  return args;
}

/** Median of a list of numbers (mean of the two middle values for an even count). */
export function median(values) {
  const s = values.slice().sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The speed and memory targets, checked against results `[{ name, medianMs, memoryBytes }]`:
 * a list of { case, what, target, value, met } (cases that were not run are left out).
 */
export function checkTargets(results) {
  const byName = new Map(results.map((r) => [r.name, r]));
  const checks = [];
  for (const c of CASES) {
    const r = byName.get(c.name);
    if (!r) continue;
    if (c.targetMs !== undefined) {
      checks.push({ case: c.name, what: 'median time', target: `<= ${c.targetMs} ms`, value: `${r.medianMs.toFixed(1)} ms`, met: r.medianMs <= c.targetMs });
    }
    if (c.targetRatioTo) {
      const base = byName.get(c.targetRatioTo.case);
      if (base) {
        const ratio = r.medianMs / base.medianMs;
        checks.push({
          case: c.name,
          what: `median time / ${base.name}`,
          target: `<= ${c.targetRatioTo.max}x`,
          value: `${ratio.toFixed(2)}x`,
          met: ratio <= c.targetRatioTo.max,
        });
      }
    }
    if (c.targetMemoryBytes !== undefined) {
      checks.push({
        case: c.name,
        what: 'wasm linear memory',
        target: `< ${c.targetMemoryBytes / 1e6} MB`,
        value: `${(r.memoryBytes / 1e6).toFixed(1)} MB`,
        met: r.memoryBytes < c.targetMemoryBytes,
      });
    }
  }
  return checks;
}
