// The vendored browser code is exactly what www/vendor/README.md says it is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const readme = readFileSync(path.join(REPO_ROOT, 'www/vendor/README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

test('echarts.min.js matches the sha256 and version in www/vendor/README.md', () => {
  const row = readme.split('\n').find((line) => line.includes('`echarts/echarts.min.js`'));
  assert.ok(row, 'README lists echarts/echarts.min.js');
  const [, version] = row.match(/\|\s*Apache ECharts\s*\|\s*([\d.]+)\s*\|/);
  assert.equal(version, pkg.devDependencies.echarts, 'README version = pinned npm version');
  const [, hash] = row.match(/`([0-9a-f]{64})`/);
  assert.equal(sha256(path.join(REPO_ROOT, 'www/vendor/echarts/echarts.min.js')), hash);
  assert.ok(existsSync(path.join(REPO_ROOT, 'www/vendor/echarts/LICENSE')));
});

test('echarts.min.js is the file from the pinned npm package', { skip: !existsSync(path.join(REPO_ROOT, 'node_modules/echarts/package.json')) && 'node_modules not installed' }, () => {
  const installed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/echarts/package.json'), 'utf8'));
  assert.equal(installed.version, pkg.devDependencies.echarts);
  assert.equal(
    sha256(path.join(REPO_ROOT, 'www/vendor/echarts/echarts.min.js')),
    sha256(path.join(REPO_ROOT, 'node_modules/echarts/dist/echarts.min.js')),
  );
});

test('no page or module of the site pulls code from another origin', () => {
  // index.html and every module of the site (www/*.js, www/tools/*.js; not the vendored code).
  const modules = (dir) => readdirSync(path.join(REPO_ROOT, dir)).filter((f) => f.endsWith('.js')).map((f) => `${dir}/${f}`);
  const files = ['index.html', ...modules('www'), ...modules('www/tools')];
  assert.ok(files.includes('www/data-input.js') && files.includes('www/tools/irt-calibration.js'), `modules found: ${files.join(', ')}`);
  for (const file of files) {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    assert.doesNotMatch(text, /(src|href)=["']?(https?:)?\/\//, `${file} loads nothing from another origin`);
    assert.doesNotMatch(text, /import\s*\(?\s*['"]https?:/, `${file} imports nothing remote`);
  }
  const html = readFileSync(path.join(REPO_ROOT, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /\sstyle=/, 'no inline style attributes (CSP)');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline scripts (CSP)');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers (CSP)');
});
