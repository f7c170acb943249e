// The built npm package (pkg/, from scripts/build-npm) imported by name in Node, as a user would,
// through its `exports` map; each tool runs on sample data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runInConsumer(code) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacer-npm-'));
  try {
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(path.join(root, 'pkg'), path.join(dir, 'node_modules', 'pacer-psychometrics'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(path.join(dir, 'main.js'), code);
    return execFileSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('analyzeItems on LSAT7 gives psych::alpha through the package name', () => {
  const data = path.join(root, 'tests/fixtures/LSAT7/data.csv');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { analyzeItems, version, init } from 'pacer-psychometrics';
    await init();
    const r = analyzeItems(readFileSync(${JSON.stringify(data)}), { fileName: 'LSAT7.csv' });
    console.log(JSON.stringify({ alpha: r.test.alpha, kind: r.test.alpha_kind, n: r.n_persons, file: r.file, v: version() }));
  `);
  const r = JSON.parse(out);
  assert.ok(Math.abs(r.alpha - 0.453408735387426) < 1e-6, `alpha ${r.alpha}`);
  assert.equal(r.kind, 'KR-20');
  assert.equal(r.n, 1000);
  assert.equal(r.file, 'LSAT7.csv');
  const cargo = readFileSync(path.join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"/m)[1];
  assert.equal(r.v, cargo);
});

test('the result equals the native golden file', () => {
  const data = path.join(root, 'tests/fixtures/Science/data.csv');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { analyzeItems } from 'pacer-psychometrics';
    console.log(JSON.stringify(analyzeItems(readFileSync(${JSON.stringify(data)}), { fileName: 'Science.csv' })));
  `);
  const ours = JSON.parse(out);
  const golden = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/golden/Science_items.json'), 'utf8'));
  golden.engine.version = ours.engine.version;
  const close = (a, b, where) => {
    if (typeof a === 'number' && typeof b === 'number') {
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)), `${where}: ${a} vs ${b}`);
    } else if (a && typeof a === 'object') {
      assert.deepEqual(Object.keys(a), Object.keys(b), where);
      for (const k of Object.keys(a)) close(a[k], b[k], `${where}.${k}`);
    } else assert.equal(a, b, where);
  };
  close(ours, golden, 'Science');
});

test('bad input throws a PacerError with row and column', () => {
  const out = runInConsumer(`
    import { analyzeItems, PacerError } from 'pacer-psychometrics';
    try { analyzeItems('a,b\\n1,0\\n1,x\\n', { fileName: 'bad.csv' }); console.log('no error'); }
    catch (e) { console.log(JSON.stringify({ isPacer: e instanceof PacerError, code: e.code, row: e.row, column: e.column, message: e.message })); }
  `);
  const e = JSON.parse(out);
  assert.equal(e.isPacer, true);
  assert.equal(e.code, 'non_numeric');
  assert.equal(e.row, 3);
  assert.equal(e.column, 'b');
  assert.match(e.message, /^bad\.csv, row 3, column 'b'/);
});

test('the README example runs', () => {
  const readme = readFileSync(path.join(root, 'pkg/README.md'), 'utf8');
  const example = readme.split('A runnable example with inline data:')[1].match(/```js\n([\s\S]*?)```/)[1];
  const out = runInConsumer(example);
  // By hand: item variances .3 each, total-score variance 1.3, KR-20 = 1.5 · (1 − .9/1.3) = 6/13.
  assert.equal(out.trim(), (6 / 13).toFixed(4));
});

test('calibrateIrt on LSAT7 reproduces mirt and reports progress', () => {
  const data = path.join(root, 'tests/fixtures/LSAT7/data.csv');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { calibrateIrt } from 'pacer-psychometrics';
    const seen = [];
    const r = calibrateIrt(readFileSync(${JSON.stringify(data)}), { fileName: 'LSAT7.csv', model: '2pl', D: 1, tol: 1e-6, se: true },
      (p) => { seen.push(p.iteration); });
    const stopped = calibrateIrt(readFileSync(${JSON.stringify(data)}), { model: 'rasch' }, (p) => p.iteration >= 2);
    console.log(JSON.stringify({ loglik: r.loglik, a1: r.items[0].a1, se: r.items[0].se_a1, seen: seen.length, iterations: r.iterations,
      stopped: stopped.stop_reason }));
  `);
  const r = JSON.parse(out);
  // mirt 1.45.1, LSAT7 2PL (TOL = 1e-7): logLik -2658.80511, Item.1 a1 0.98755.
  assert.ok(Math.abs(r.loglik - -2658.80511363235) < 1e-3, `loglik ${r.loglik}`);
  assert.ok(Math.abs(r.a1 - 0.987546283713253) < 1e-3, `a1 ${r.a1}`);
  assert.ok(r.se > 0.17 && r.se < 0.185, `se ${r.se}`);
  assert.ok(r.seen > 0 && r.seen <= r.iterations);
  assert.equal(r.stopped, 'cancelled');
});

test('scoreIrt scores LSAT7 with mirt\u2019s 2PL parameters as mirt (EAP) and throws PacerError on a bad parameter file', () => {
  const data = path.join(root, 'tests/fixtures/LSAT7/data.csv');
  // mirt's 2PL (D = 1) as an item-parameter CSV: a = a1, b = -d / a1.
  const pars = readFileSync(path.join(root, 'tests/fixtures/LSAT7/mirt_2PL_pars_slopeint_se.csv'), 'utf8').trim().split(/\r?\n/);
  const head = pars[0].split(',');
  const params = ['item,model,a,b', ...pars.slice(1).map((line) => {
    const f = line.split(',');
    const a = Number(f[head.indexOf('a1')]);
    return [f[0], '2pl', a, -Number(f[head.indexOf('d')]) / a].join(',');
  })].join('\n') + '\n';
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { scoreIrt, PacerError } from 'pacer-psychometrics';
    const params = ${JSON.stringify(params)};
    const r = scoreIrt(readFileSync(${JSON.stringify(data)}), params, { fileName: 'LSAT7.csv', paramsFileName: 'pars.csv', method: 'eap', D: 1 });
    let error = null;
    try { scoreIrt(readFileSync(${JSON.stringify(data)}), params.replace('Item.5', 'Item.9'), { paramsFileName: 'bad.csv', D: 1 }); }
    catch (e) { error = { isPacer: e instanceof PacerError, message: e.message }; }
    console.log(JSON.stringify({ tool: r.tool, n: r.persons.length, theta: r.persons[0].theta, table: r.eapsum_table.length, error }));
  `);
  const r = JSON.parse(out);
  assert.equal(r.tool, 'test_scoring');
  assert.equal(r.n, 1000);
  assert.equal(r.table, 6);
  // mirt's EAP of the first person's pattern (tests/fixtures/LSAT7/mirt_2PL_fscores_patterns.csv).
  const [header, ...rows] = readFileSync(path.join(root, 'tests/fixtures/LSAT7/mirt_2PL_fscores_patterns.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(',').map((f) => f.replace(/^"|"$/g, '')));
  const first = readFileSync(data, 'utf8').split(/\r?\n/)[1].split(',').map(Number);
  const match = rows.find((row) => ['Item.1', 'Item.2', 'Item.3', 'Item.4', 'Item.5'].every((item, j) => Number(row[header.indexOf(item)]) === first[j]));
  assert.ok(match, 'mirt has the first pattern');
  const eap = Number(match[header.indexOf('EAP')]);
  assert.ok(Math.abs(r.theta - eap) < 1e-3, `theta ${r.theta} vs mirt ${eap}`);
  assert.equal(r.error?.isPacer, true, 'a PacerError');
  assert.match(r.error.message, /Item\.9/);
});

test('linkForms on KB04 gives plink\'s Stocking-Lord constants, and names a wrong anchor', () => {
  const dir = path.join(root, 'tests/fixtures/linking_KB04');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { equateForms, linkForms, init, PacerError } from 'pacer-psychometrics';
    await init();
    // KB04's files have no model column: add it (3PL).
    const toParams = (f) => readFileSync(${JSON.stringify(dir)} + '/' + f, 'utf8').trim().split('\\n')
      .map((l, i) => (i === 0 ? 'item,model,a,b,c' : l.replace(',', ',3pl,'))).join('\\n');
    const anchors = readFileSync(${JSON.stringify(dir)} + '/common_items.csv', 'utf8').replace('form_x_item,form_y_item', 'new_item,base_item');
    const r = linkForms(toParams('form_y_old_pars.csv'), toParams('form_x_new_pars.csv'), anchors, { method: 'stocking-lord', D: 1 });
    let error = null;
    try {
      linkForms(toParams('form_y_old_pars.csv'), toParams('form_x_new_pars.csv'), anchors.trimEnd() + '\\n40,5\\n', { anchorsFileName: 'anchors.csv' });
    } catch (e) {
      error = { isPacer: e instanceof PacerError, code: e.code, file: e.file, row: e.row, message: e.message };
    }
    const eq = equateForms(toParams('form_y_old_pars.csv'), toParams('form_x_new_pars.csv'), anchors, { method: 'mean-sigma', D: 1.7, exclude: ['27'] });
    let optionError = null;
    try {
      linkForms(toParams('form_y_old_pars.csv'), toParams('form_x_new_pars.csv'), anchors, { pop1Mean: 0.5 });
    } catch (e) {
      optionError = e.message;
    }
    console.log(JSON.stringify({ A: r.A, B: r.B, n: r.n_anchors, methods: r.methods.length, linked: r.linked_items.length, error, row7: eq.true_score.rows[7], ose7: eq.observed_score.rows[7], optionError, tool: eq.tool }));
  `);
  const r = JSON.parse(out);
  // plink 1.5.1, D = 1 (tests/fixtures/linking_KB04/plink_constants.csv).
  assert.ok(Math.abs(r.A - 1.119231) < 1e-5 && Math.abs(r.B - -0.485545) < 1e-5, `A ${r.A}, B ${r.B}`);
  assert.equal(r.n, 12);
  assert.equal(r.methods, 4);
  assert.equal(r.linked, 36);
  assert.ok(r.error?.isPacer, JSON.stringify(r.error));
  assert.equal(r.error.code, 'item_mismatch');
  assert.equal(r.error.file, 'anchors.csv');
  assert.equal(r.error.row, 14);
  assert.match(r.error.message, /'40'/);
  // equateForms: plink's true-score equating (plink_true_score_equating.csv), score 7.
  assert.equal(r.tool, 'equating');
  assert.ok(Math.abs(r.row7.theta - -4.335528) < 1e-5 && Math.abs(r.row7.equivalent - 6.134146) < 1e-5, JSON.stringify(r.row7));
  // and plink's observed-score equating (plink_observed_score_equating.csv), score 7.
  assert.ok(Math.abs(r.ose7.equivalent - 6.666830) < 1e-4 && Math.abs(r.ose7.theta_eap - -1.615949) < 1e-5, JSON.stringify(r.ose7));
  // Observed-score options are refused by linkForms.
  assert.match(r.optionError ?? '', /pop1Mean/);
});

test('calibrateCdm on fraction subtraction reaches GDINA\'s DINA log-likelihood, and names a bad Q-matrix', () => {
  const dir = path.join(root, 'tests/fixtures/frac20');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { calibrateCdm, init, PacerError } from 'pacer-psychometrics';
    await init();
    const data = readFileSync(${JSON.stringify(dir)} + '/data.csv');
    const q = readFileSync(${JSON.stringify(dir)} + '/Q.csv', 'utf8');
    let calls = 0;
    const r = calibrateCdm(data, q, { model: 'dina', starts: 1, fileName: 'data.csv', qFileName: 'Q.csv' }, () => { calls++; });
    let error = null;
    try {
      calibrateCdm(data, q.replace('V1,0,0,0,1,0,1,1,0', 'V1,0,0,0,1,0,1,2,0'), { qFileName: 'Q.csv' });
    } catch (e) {
      error = { isPacer: e instanceof PacerError, code: e.code, file: e.file, row: e.row, column: e.column };
    }
    console.log(JSON.stringify({ tool: r.tool, loglik: r.loglik, npar: r.npar, items: r.items.length, calls, error }));
  `);
  const r = JSON.parse(out);
  assert.equal(r.tool, 'cdm');
  // GDINA 2.9.12: logLik -4402.3030 with 295 parameters (tests/fixtures/frac20/gdina_DINA_fit.json).
  assert.ok(r.loglik > -4402.32, `loglik ${r.loglik}`);
  assert.equal(r.npar, 295);
  assert.equal(r.items, 20);
  assert.ok(r.calls > 0, 'progress reported');
  assert.ok(r.error?.isPacer, JSON.stringify(r.error));
  assert.equal(r.error.file, 'Q.csv');
  assert.equal(r.error.row, 2);
  assert.equal(r.error.column, 'A7');
});

test('profileSkills with GDINA\'s DINA estimates gives GDINA\'s profiles, and names a bad parameter file', () => {
  const dir = path.join(root, 'tests/fixtures/frac20');
  const samples = path.join(root, 'www/samples');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { profileSkills, init, PacerError } from 'pacer-psychometrics';
    await init();
    const data = readFileSync(${JSON.stringify(dir)} + '/data.csv');
    const q = readFileSync(${JSON.stringify(dir)} + '/Q.csv');
    const params = readFileSync(${JSON.stringify(samples)} + '/fraction-subtraction-dina-parameters.csv', 'utf8');
    const classes = readFileSync(${JSON.stringify(samples)} + '/fraction-subtraction-dina-classes.csv');
    const r = profileSkills(data, q, params, { classes, paramsFileName: 'p.csv' });
    let error = null;
    try {
      profileSkills(data, q, params.split('\\n').filter((l) => !l.startsWith('V3,')).join('\\n'), { paramsFileName: 'p.csv' });
    } catch (e) {
      error = { isPacer: e instanceof PacerError, code: e.code, file: e.file, message: e.message };
    }
    console.log(JSON.stringify({ tool: r.tool, prior: r.prior, persons: r.persons.slice(0, 20), n: r.persons.length, accuracy: r.classification.pattern_accuracy, error }));
  `);
  const r = JSON.parse(out);
  assert.equal(r.tool, 'profile');
  assert.equal(r.prior, 'file');
  assert.equal(r.n, 536);
  assert.ok(r.accuracy > 0 && r.accuracy < 1);
  // GDINA 2.9.12's personparm for persons 1-20 (tests/fixtures/frac20/gdina_DINA_persons_first20.csv).
  const lines = readFileSync(path.join(dir, 'gdina_DINA_persons_first20.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    const get = (name) => cells[header.indexOf(name)];
    const person = r.persons[Number(get('person')) - 1];
    for (let a = 1; a <= 8; a++) {
      const theirs = Number(get(`mp_A${a}`));
      assert.ok(Math.abs(person.mastery[a - 1] - theirs) < 5e-3, `person ${get('person')} A${a}`);
      if (Math.abs(theirs - 0.5) > 0.01) assert.equal(person.eap[a - 1], get(`EAP_A${a}`));
    }
    if (get('MAP_multimodes') === 'FALSE') {
      assert.equal(person.map, [1, 2, 3, 4, 5, 6, 7, 8].map((a) => get(`MAP_A${a}`)).join(''));
    }
  }
  assert.ok(r.error?.isPacer, JSON.stringify(r.error));
  assert.equal(r.error.file, 'p.csv');
  assert.match(r.error.message, /V3/);
});

test('analyzeDif gives difR\u2019s Mantel-Haenszel statistics; analyzeItemsWithKey rescores raw choices', () => {
  const data = path.join(root, 'tests/fixtures/verbal/data.csv');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { analyzeDif, analyzeItemsWithKey, PacerError } from 'pacer-psychometrics';
    const r = analyzeDif(readFileSync(${JSON.stringify(data)}), { reference: '0', groupColumn: 'Gender', exclude: ['Anger'] });
    const k = analyzeItemsWithKey('Q1,Q2\\nA,B\\nB,B\\nA,C\\n', 'item,key\\nQ1,A\\nQ2,B\\n', { fileName: 'raw.csv' });
    let error = null;
    try { analyzeDif(readFileSync(${JSON.stringify(data)}), { reference: '0' }); } catch (e) { error = { pacer: e instanceof PacerError, code: e.code }; }
    console.log(JSON.stringify({ first: r.comparisons[0].items[0].mh, flagged: r.comparisons[0].flagged_items, p: k.items.map((i) => i.p_value), options: k.distractors[0].options.map((o) => o.count), error }));
  `);
  const r = JSON.parse(out);
  const [difr] = readFileSync(path.join(root, 'tests/fixtures/verbal/difR_MH.csv'), 'utf8').split('\n').slice(1, 2).map((l) => l.split(','));
  assert.ok(Math.abs(r.first.chi_square - Number(difr[1])) < 1e-10, `MH chi-square ${r.first.chi_square}`);
  assert.ok(Math.abs(r.first.delta_mh - Number(difr[4])) < 1e-10, `MH D-DIF ${r.first.delta_mh}`);
  assert.deepEqual(r.flagged, ['S2WantShout', 'S4WantShout', 'S2DoCurse', 'S2DoScold', 'S3DoCurse', 'S3DoScold']);
  assert.deepEqual(r.p, [2 / 3, 2 / 3]);
  assert.deepEqual(r.options, [2, 1, 0, 0], 'options A to C and the omits');
  assert.deepEqual(r.error, { pacer: true, code: 'missing_column' });
});

test('createPacerWorker runs the tools in a worker thread: promises, progress, errors, cancel', { timeout: 120_000 }, () => {
  const lsat7 = path.join(root, 'tests/fixtures/LSAT7/data.csv');
  const big = path.join(root, 'tests/fixtures/sim_2pl_10k/data.csv');
  const out = runInConsumer(`
    import { readFileSync } from 'node:fs';
    import { createPacerWorker, analyzeItems, PacerError } from 'pacer-psychometrics';
    const w = createPacerWorker();
    const data = readFileSync(${JSON.stringify(lsat7)});
    const items = await w.analyzeItems(data, { fileName: 'LSAT7.csv' });
    const sync = analyzeItems(data, { fileName: 'LSAT7.csv' });
    let events = 0, callbacks = 0;
    const count = (e) => { if (e.detail.method === 'calibrateIrt' && Number.isFinite(e.detail.iteration)) events++; };
    w.addEventListener('progress', count);
    const fit = await w.calibrateIrt(data, { model: '2pl', D: 1 }, (p) => { if (Number.isFinite(p.iteration)) callbacks++; });
    w.removeEventListener('progress', count);
    let error = null;
    try { await w.analyzeItems('a,b\\n1,0\\n1,x\\n', { fileName: 'bad.csv' }); } catch (e) { error = { isPacer: e instanceof PacerError, code: e.code, row: e.row, column: e.column }; }
    const slow = w.calibrateIrt(readFileSync(${JSON.stringify(big)}), { model: '3pl', se: true });
    setTimeout(() => w.cancel(), 100);
    let cancelled = null;
    try { await slow; cancelled = 'finished'; } catch (e) { cancelled = e.code; }
    const again = await w.analyzeItems(data);
    w.terminate();
    console.log(JSON.stringify({ same: JSON.stringify(items) === JSON.stringify(sync), loglik: fit.loglik, events, callbacks, error, cancelled, again: again.n_persons, version: await w.version().catch((e) => e.message) }));
  `);
  const r = JSON.parse(out);
  assert.equal(r.same, true, 'the worker returns what the synchronous function does');
  assert.ok(Math.abs(r.loglik - -2658.805) < 1e-3, `loglik ${r.loglik}`);
  assert.ok(r.events > 0 && r.callbacks > 0 && r.events === r.callbacks, `progress: ${r.events} events, ${r.callbacks} callbacks`);
  assert.deepEqual(r.error, { isPacer: true, code: 'non_numeric', row: 3, column: 'b' });
  assert.equal(r.cancelled, 'cancelled');
  assert.equal(r.again, 1000, 'a new worker starts after cancel()');
  assert.match(r.version, /terminated/, 'no calls after terminate()');
});
