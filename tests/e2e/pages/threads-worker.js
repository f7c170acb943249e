// Module Web Worker of tests/e2e/threads.test.mjs: runs the same analyses in the single-threaded
// build (target/wasm-web/) and in the threaded build (target/wasm-web-threads/, a pool of
// `threads` Web Workers), on the repository's simulated fixtures, and posts both sets of result
// JSON texts. The page must be cross-origin isolated (the repository server sends COOP + COEP).
//
//   in:  { threads }
//   out: { ok: true, single: {name: json}, threaded: {name: json}, threadedBuild }  or  { ok: false, error }

const fixture = async (rel) => {
  const response = await fetch(new URL(`../../fixtures/${rel}`, import.meta.url));
  if (!response.ok) throw new Error(`${rel}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
};

/** The simulation's true 2PL parameters (item,a,b,d) as a parameter file (item,model,a,b). */
function parameterFile(bytes) {
  const [header, ...rows] = new TextDecoder().decode(bytes).trim().split(/\r?\n/);
  const cols = header.split(',');
  const [item, a, b] = ['item', 'a', 'b'].map((c) => cols.indexOf(c));
  const lines = rows.map((r) => r.split(',')).map((f) => `${f[item]},2pl,${f[a]},${f[b]}`);
  return new TextEncoder().encode(['item,model,a,b', ...lines].join('\n') + '\n');
}

async function analyses(core) {
  const twoPl = await fixture('sim_2pl_10k/data.csv');
  const grm = await fixture('sim_grm_20k/data.csv');
  const dina = await fixture('sim_dina_10k/data.csv');
  const q = await fixture('sim_dina_10k/Q.csv');
  const params = parameterFile(await fixture('sim_2pl_10k/true_item_params.csv'));
  const go = () => false;
  const o = (x) => JSON.stringify(x);
  return {
    items: core.analyze_items(twoPl, o({ fileName: 'data.csv' })),
    irt_2pl_se: core.calibrate_irt(twoPl, o({ fileName: 'data.csv', model: '2pl', se: true }), go),
    irt_3pl: core.calibrate_irt(twoPl, o({ fileName: 'data.csv', model: '3pl', m2MaxItems: 0 }), go),
    irt_grm_se: core.calibrate_irt(grm, o({ fileName: 'data.csv', model: 'grm', se: true }), go),
    irt_gpcm: core.calibrate_irt(grm, o({ fileName: 'data.csv', model: 'gpcm' }), go),
    score_eap: core.score_irt(twoPl, params, o({ fileName: 'data.csv', paramsFileName: 'params.csv', method: 'eap' })),
    score_wle: core.score_irt(twoPl, params, o({ fileName: 'data.csv', paramsFileName: 'params.csv', method: 'wle' })),
    cdm_gdina: core.calibrate_cdm(dina, q, o({ fileName: 'data.csv', qFileName: 'Q.csv', model: 'gdina' }), go),
    cdm_dina: core.calibrate_cdm(dina, q, o({ fileName: 'data.csv', qFileName: 'Q.csv', model: 'dina' }), go),
  };
}

self.addEventListener('message', async ({ data: { threads } }) => {
  try {
    if (!self.crossOriginIsolated) throw new Error('the page is not cross-origin isolated');
    const single = await import('../../../target/wasm-web/pacer_core.js');
    await single.default();
    const threaded = await import('../../../target/wasm-web-threads/pacer_core.js');
    await threaded.default();
    await threaded.initThreadPool(threads);
    self.postMessage({
      ok: true,
      single: await analyses(single),
      threaded: await analyses(threaded),
      threadedBuild: { single: single.threaded(), threaded: threaded.threaded() },
    });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e?.stack ?? e) });
  }
});
