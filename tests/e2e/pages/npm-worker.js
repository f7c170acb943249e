// Runs the built npm package's worker API (pkg/index.js, createPacerWorker) in the browser:
// item analysis and a 2PL calibration of LSAT7 with progress, a bad file, and a cancelled
// calibration; writes what happened as JSON into #out (read by tests/e2e/npm-worker.test.mjs).
import { createPacerWorker, PacerError } from '../../../pkg/index.js';

const out = document.querySelector('#out');
const bytes = async (rel) => new Uint8Array(await (await fetch(new URL(`../../fixtures/${rel}`, import.meta.url))).arrayBuffer());

try {
  const pacer = createPacerWorker();
  const lsat7 = await bytes('LSAT7/data.csv');
  const items = await pacer.analyzeItems(lsat7, { fileName: 'LSAT7.csv' });
  let progress = 0;
  const fit = await pacer.calibrateIrt(lsat7, { model: '2pl', D: 1 }, () => progress++);
  let error = null;
  try {
    await pacer.analyzeItems('a,b\n1,0\n1,x\n', { fileName: 'bad.csv' });
  } catch (e) {
    error = { isPacer: e instanceof PacerError, code: e.code, row: e.row, column: e.column };
  }
  const slow = pacer.calibrateIrt(await bytes('sim_2pl_10k/data.csv'), { model: '3pl', se: true });
  setTimeout(() => pacer.cancel(), 100);
  const cancelled = await slow.then(() => 'finished', (e) => e.code);
  const version = await pacer.version();
  out.textContent = JSON.stringify({ alpha: items.test.alpha, loglik: fit.loglik, progress, error, cancelled, version, lsat7Intact: lsat7.length });
} catch (e) {
  out.textContent = JSON.stringify({ failed: String(e?.stack ?? e) });
}
document.body.dataset.state = 'done';
