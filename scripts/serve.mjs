#!/usr/bin/env node
// Dependency-free static file server for the built site (dist/).
//
//   node scripts/serve.mjs --root dist --port 8080      (port 0 = random)
//
// It mimics what Azure Static Web Apps does with staticwebapp.config.json:
// every response (including 404s) carries exactly the `globalHeaders` from
// that file, and its `mimeTypes` override the built-in MIME table. The config
// is read once at start-up, from the served root or else the repository root.
//
// Also usable in-process (the end-to-end tests do this):
//   import { startServer } from './scripts/serve.mjs';
//   const { port, close } = await startServer({ root: 'dist', port: 0 });

import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG_NAME = 'staticwebapp.config.json';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.csv': 'text/csv',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Reads staticwebapp.config.json from `root`, falling back to the repo root. */
export function loadConfig(root) {
  for (const dir of [root, REPO_ROOT]) {
    const file = path.join(dir, CONFIG_NAME);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  }
  throw new Error(`${CONFIG_NAME} not found in ${root} or ${REPO_ROOT}`);
}

/**
 * Maps a request URL path to a file under `root`, or null when the path is
 * malformed or tries to leave the root (e.g. `/../etc/passwd`, `%2e%2e/`).
 */
export function resolveRequestPath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (!decoded.startsWith('/')) return null;
  // Reject any `..` segment outright rather than normalising it away.
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  const file = path.resolve(root, '.' + decoded);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function sendText(res, status, text, headers, method) {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(method === 'HEAD' ? undefined : text);
}

/** Starts the server. Resolves to { port, url, close() }. */
export function startServer({ root = 'dist', port = 8080, host = '127.0.0.1' } = {}) {
  const absRoot = path.resolve(root);
  const config = loadConfig(absRoot);
  const globalHeaders = { ...(config.globalHeaders ?? {}) };
  const mimeTypes = { ...MIME_TYPES, ...(config.mimeTypes ?? {}) };

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendText(res, 405, 'Method not allowed\n', { ...globalHeaders, Allow: 'GET, HEAD' }, req.method);
        return;
      }
      const urlPath = new URL(req.url, 'http://localhost').pathname;
      let file = resolveRequestPath(absRoot, urlPath);
      if (file === null) {
        sendText(res, 400, 'Bad request\n', globalHeaders, req.method);
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = path.join(file, 'index.html'); // `/` -> index.html
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) {
        sendText(res, 404, 'Not found\n', globalHeaders, req.method);
        return;
      }
      const type = mimeTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, { ...globalHeaders, 'Content-Type': type, 'Content-Length': info.size });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (err) {
      if (!res.headersSent) sendText(res, 500, 'Internal server error\n', globalHeaders, req.method);
      else res.destroy();
      console.error(err);
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actualPort = server.address().port;
      resolve({
        port: actualPort,
        url: `http://localhost:${actualPort}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const options = { root: 'dist', port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i];
    if (name === '--root') options.root = value();
    else if (name === '--port') options.port = Number(value());
    else if (name === '--host') options.host = value();
    else if (name === '-h' || name === '--help') {
      console.log('usage: node scripts/serve.mjs [--root DIR] [--port N (0 = random)] [--host ADDR]');
      process.exit(0);
    } else {
      console.error(`serve.mjs: unknown argument ${arg}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    console.error('serve.mjs: --port must be an integer between 0 and 65535');
    process.exit(2);
  }
  return options;
}

// Run as a program (not when imported by the tests).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.root)) {
    console.error(`serve.mjs: root ${options.root} does not exist (build it with scripts/build-site)`);
    process.exit(1);
  }
  const { port, close } = await startServer(options);
  console.log(`listening on http://localhost:${port}`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
