// Seeded simulation of 2PL response data for the browser benchmark (bench/cases.js cases with a
// `simulate` field), shared by the page's worker (which generates the data in memory, untimed)
// and scripts/bench-browser.mjs (which writes the same bytes to temporary files for the native
// baseline). Plain data and pure functions: no DOM, no Node APIs.
//
// Model: P(X_ij = 1 | θ_i) = 1 / (1 + exp(−a_j (θ_i − b_j))) (logistic metric, D = 1) with
// θ_i ~ N(0, 1), a_j ~ U(0.7, 2.0), b_j ~ N(0, 1). Random numbers: mulberry32 (32-bit state),
// normals by Box–Muller. The same seed gives the same bytes everywhere.

/** mulberry32: a small, fast 32-bit generator; returns uniforms in [0, 1). */
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from uniforms (Box–Muller, both values used). */
function normals(uniform) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const phi = 2 * Math.PI * uniform();
    spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  };
}

const itemName = (j, k) => `i${String(j).padStart(String(k - 1).length, '0')}`;

/**
 * `persons` × `items` 0/1 responses under the 2PL with a seeded generator.
 * Returns { csv: Uint8Array (header `i00,i01,…`, one row per examinee, "\n" line ends),
 * params: string (the item-parameter file: columns item, model, a, b), a, b }.
 */
export function simulate2pl({ persons, items, seed }) {
  if (!(Number.isInteger(persons) && persons > 0 && Number.isInteger(items) && items > 0)) {
    throw new Error(`simulate2pl: persons and items must be whole numbers > 0 (got ${persons}, ${items})`);
  }
  const uniform = mulberry32(seed);
  const normal = normals(uniform);
  const a = [];
  const b = [];
  for (let j = 0; j < items; j++) {
    // Four decimals, as written to the parameter file, so the data follow the file exactly.
    a.push(Math.round((0.7 + 1.3 * uniform()) * 1e4) / 1e4);
    b.push(Math.round(normal() * 1e4) / 1e4);
  }
  const header = `${Array.from({ length: items }, (_, j) => itemName(j, items)).join(',')}\n`;
  const rowBytes = 2 * items; // "0," per item, the last comma being the line end
  const out = new Uint8Array(header.length + persons * rowBytes);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  let pos = header.length;
  for (let p = 0; p < persons; p++) {
    const theta = normal();
    for (let j = 0; j < items; j++) {
      const prob = 1 / (1 + Math.exp(-a[j] * (theta - b[j])));
      out[pos++] = uniform() < prob ? 49 : 48; // '1' : '0'
      out[pos++] = j + 1 < items ? 44 : 10; // ',' : '\n'
    }
  }
  const params = ['item,model,a,b', ...a.map((aj, j) => `${itemName(j, items)},2pl,${aj.toFixed(4)},${b[j].toFixed(4)}`)].join('\n') + '\n';
  return { csv: out, params, a, b };
}
