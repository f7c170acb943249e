// The browser benchmark's shared pieces that run without a browser: the seeded 2PL simulator
// (bench/simulate.js) the score_eap_1m case generates its data with, in the page and for the
// native baseline, and the case helpers of bench/cases.js.

import assert from 'node:assert/strict';
import test from 'node:test';
import { CASES, cliArgs, fingerprintOf, sameFingerprint, selectCases } from '../../bench/cases.js';
import { mulberry32, simulate2pl } from '../../bench/simulate.js';

test('the simulator gives the same bytes for the same seed and a CSV of the asked size', () => {
  const a = simulate2pl({ persons: 2000, items: 12, seed: 7 });
  const b = simulate2pl({ persons: 2000, items: 12, seed: 7 });
  const c = simulate2pl({ persons: 2000, items: 12, seed: 8 });
  assert.deepEqual(a.csv, b.csv);
  assert.equal(a.params, b.params);
  assert.notDeepEqual(a.csv, c.csv);

  const lines = new TextDecoder().decode(a.csv).split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a line end');
  assert.equal(lines.length, 2001);
  assert.equal(lines[0], 'i00,i01,i02,i03,i04,i05,i06,i07,i08,i09,i10,i11');
  assert.ok(lines.slice(1).every((l) => /^[01](,[01]){11}$/.test(l)), 'every row is 12 binary cells');

  const params = a.params.trim().split('\n');
  assert.equal(params[0], 'item,model,a,b');
  assert.equal(params.length, 13);
  params.slice(1).forEach((line, j) => {
    const [item, model, slope, location] = line.split(',');
    assert.equal(item, `i${String(j).padStart(2, '0')}`);
    assert.equal(model, '2pl');
    assert.equal(Number(slope), a.a[j]);
    assert.equal(Number(location), a.b[j]);
    assert.ok(a.a[j] >= 0.7 && a.a[j] <= 2.0, `slope ${a.a[j]}`);
  });
});

test('the simulated responses follow the 2PL: easier items are answered correctly more often', () => {
  const { csv, b } = simulate2pl({ persons: 20000, items: 10, seed: 11 });
  const text = new TextDecoder().decode(csv).trim().split('\n').slice(1);
  const p = Array(10).fill(0);
  for (const row of text) row.split(',').forEach((x, j) => (p[j] += Number(x)));
  const pj = p.map((v) => v / text.length);
  // With θ ~ N(0, 1), the proportion correct falls as b rises: Spearman-like check on every pair
  // of items whose locations differ by more than 0.3.
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      if (b[i] + 0.3 < b[j]) assert.ok(pj[i] > pj[j], `item ${i} (b ${b[i]}, p ${pj[i]}) vs item ${j} (b ${b[j]}, p ${pj[j]})`);
    }
  }
  // An item at b = 0 is answered correctly by about half the examinees.
  const near = b.findIndex((v) => Math.abs(v) < 0.15);
  if (near >= 0) assert.ok(Math.abs(pj[near] - 0.5) < 0.06, `p ${pj[near]} at b ${b[near]}`);
});

test('mulberry32 gives uniforms in [0, 1) with mean 1/2', () => {
  const u = mulberry32(123);
  let sum = 0;
  for (let i = 0; i < 100000; i++) {
    const v = u();
    assert.ok(v >= 0 && v < 1);
    sum += v;
  }
  assert.ok(Math.abs(sum / 100000 - 0.5) < 0.005);
});

test('the scoring case: selected by its aliases, its CLI arguments and its fingerprint', () => {
  const [kase] = selectCases('score');
  assert.equal(kase.name, 'score_eap_1m');
  assert.deepEqual(selectCases('eap-1m'), [kase]);
  assert.deepEqual(cliArgs(kase, 'd.csv', 'p.csv'), ['score', 'd.csv', '--params', 'p.csv', '--method', 'eap', '--D', '1', '--quadrature', '61', '--format', 'json']);
  const irt = CASES.find((c) => c.name === 'sim_2pl_10k');
  assert.deepEqual(cliArgs(irt, 'x.csv').slice(0, 4), ['irt', 'x.csv', '--model', '2pl']);

  const f = fingerprintOf(kase, { summary: { n_scored: 10, mean: 0.5, sd: 1 } });
  assert.deepEqual(f, { nScored: 10, mean: 0.5, sd: 1 });
  assert.ok(sameFingerprint(f, { nScored: 10, mean: 0.5 + 1e-9, sd: 1 }, 1e-6));
  assert.ok(!sameFingerprint(f, { nScored: 10, mean: 0.5 + 1e-9, sd: 1 }));
  assert.ok(!sameFingerprint(f, { nScored: 11, mean: 0.5, sd: 1 }, 1e-6));
  assert.deepEqual(fingerprintOf(irt, { iterations: 16, loglik: -1 }), { iterations: 16, loglik: -1 });
});
