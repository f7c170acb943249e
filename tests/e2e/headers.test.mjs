// The static server sends exactly the headers that Azure Static Web Apps is
// configured to send (staticwebapp.config.json's globalHeaders), and the
// right MIME types.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, SITE_ROOT, startSite } from './helpers.mjs';

const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'staticwebapp.config.json'), 'utf8'));
let server;
let base;

before(async () => {
  server = await startSite();
  base = `http://127.0.0.1:${server.port}`;
});

after(async () => {
  await server?.close();
});

function assertGlobalHeaders(response, what) {
  for (const [name, value] of Object.entries(config.globalHeaders)) {
    assert.equal(response.headers.get(name), value, `${what}: header ${name}`);
  }
}

test('the built site ships the same staticwebapp.config.json as the repo', () => {
  const built = JSON.parse(readFileSync(path.join(SITE_ROOT, 'staticwebapp.config.json'), 'utf8'));
  assert.deepEqual(built, config);
});

test('the config has the security headers the site relies on', () => {
  const h = config.globalHeaders;
  const csp = h['Content-Security-Policy'];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\s\*/);
  assert.equal(h['X-Content-Type-Options'], 'nosniff');
  assert.equal(h['Referrer-Policy'], 'no-referrer');
  assert.equal(h['X-Frame-Options'], 'DENY');
  assert.equal(h['Cross-Origin-Opener-Policy'], 'same-origin');
  assert.equal(h['Cross-Origin-Resource-Policy'], 'same-origin');
  // COOP + COEP make the page cross-origin isolated: SharedArrayBuffer, so the threaded engine.
  assert.equal(h['Cross-Origin-Embedder-Policy'], 'require-corp');
  // Workers only from the site itself, or from blob: URLs the site's own scripts made
  // (wasm-bindgen-rayon starts its pool's workers from a blob of its own same-origin script).
  assert.match(csp, /worker-src 'self' blob:(;|$)/);
  assert.match(h['Strict-Transport-Security'], /^max-age=63072000; includeSubDomains$/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /base-uri 'none'/);
  for (const feature of ['camera', 'microphone', 'geolocation', 'usb', 'payment', 'accelerometer', 'gyroscope', 'magnetometer']) {
    assert.match(h['Permissions-Policy'], new RegExp(`(^|, )${feature}=\\(\\)`));
  }
  assert.equal(config.mimeTypes['.wasm'], 'application/wasm');
});

test('no inline script, event handler or javascript: URL in any page the site serves', () => {
  const pages = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.html?$/i.test(entry.name)) pages.push(full);
    }
  };
  walk(SITE_ROOT);
  assert.ok(pages.length >= 1, 'the built site has pages');
  for (const file of pages) {
    const html = readFileSync(file, 'utf8');
    const rel = path.relative(SITE_ROOT, file);
    for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
      assert.match(tag, /\ssrc=/i, `${rel}: a script without src (inline): ${tag}`);
    }
    assert.doesNotMatch(html, /<script\b[^>]*>[^<\s]/i, `${rel}: a script with inline content`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${rel}: an inline event handler`);
    assert.doesNotMatch(html, /javascript:/i, `${rel}: a javascript: URL`);
    assert.doesNotMatch(html, /\sstyle\s*=/i, `${rel}: an inline style attribute (style-src has no 'unsafe-inline')`);
  }
});

test('GET / serves index.html with the global headers', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assertGlobalHeaders(res, '/');
  assert.match(await res.text(), /<script type="module" src="www\/app\.js"><\/script>/);
});

test('the wasm is served as application/wasm with the global headers', async () => {
  const res = await fetch(`${base}/www/pkg/pacer_core_bg.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  assertGlobalHeaders(res, 'wasm');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic number');
});

test('MIME types of scripts, styles, data and config', async () => {
  const expected = {
    '/www/app.js': 'text/javascript',
    '/www/worker.js': 'text/javascript',
    '/www/pkg/pacer_core.js': 'text/javascript',
    '/www/styles.css': 'text/css',
    '/www/samples/LSAT7.csv': 'text/csv',
    '/staticwebapp.config.json': 'application/json',
    '/www/favicon.svg': 'image/svg+xml',
  };
  for (const [url, type] of Object.entries(expected)) {
    const res = await fetch(base + url);
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get('content-type'), type, url);
    assertGlobalHeaders(res, url);
    await res.arrayBuffer();
  }
});

test('missing files are 404 (with the headers); no directory traversal', async () => {
  const missing = await fetch(`${base}/www/nope.js`);
  assert.equal(missing.status, 404);
  assertGlobalHeaders(missing, '404');
  await missing.text();

  // fetch() normalises "/../", so also send raw paths over a socket.
  for (const raw of ['/../package.json', '/www/%2e%2e/%2e%2e/package.json', '/..%2fpackage.json', '/www/..%5c..%5cpackage.json']) {
    const status = await rawStatus(server.port, raw);
    assert.ok(status === 400 || status === 404, `${raw} -> ${status}`);
  }
});

test('only GET and HEAD are allowed', async () => {
  const head = await fetch(`${base}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const post = await fetch(`${base}/`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  await post.text();
});

/** Status code of a GET sent byte-for-byte (no URL normalisation). */
async function rawStatus(port, rawPath) {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${rawPath} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(Number(data.split(' ')[1])));
    socket.on('error', reject);
  });
}
