// App shell: navigation between tools and the engine version in the footer.
//
// Each tool is an ES module in www/tools/ exporting `mount(container)`. To add
// a tool, add an entry to TOOLS; the nav link and the route (#/<id>) follow.
// PAGES are other pages (the Template Library), routed the same way but
// linked from their own small nav beside the tools' (#aux-nav).
// A tool is loaded on first visit and then kept (hidden, not destroyed) so
// its data and results survive switching tools.

import { engineBuild, engineVersion } from './engine.js';
import { h } from './format.js';

const TOOLS = [
  {
    id: 'item-analysis',
    title: 'Item Analysis',
    load: () => import('./tools/item-analysis.js'),
  },
  {
    id: 'irt-calibration',
    title: 'IRT Calibration',
    load: () => import('./tools/irt-calibration.js'),
  },
  {
    id: 'test-scoring',
    title: 'Test Scoring',
    load: () => import('./tools/test-scoring.js'),
  },
  {
    id: 'equating',
    title: 'Equating',
    load: () => import('./tools/equating.js'),
  },
  {
    id: 'cdm-calibration',
    title: 'CDM Calibration',
    load: () => import('./tools/cdm-calibration.js'),
  },
  {
    id: 'skill-profiler',
    title: 'Skill Profiler',
    load: () => import('./tools/skill-profiler.js'),
  },
];

const PAGES = [
  {
    id: 'templates',
    title: 'Template Library',
    load: () => import('./tools/templates.js'),
  },
];

const ROUTES = [...TOOLS, ...PAGES];

const mounted = new Map(); // tool id -> its container element

function toolFromHash() {
  const id = location.hash.replace(/^#\/?/, '');
  return ROUTES.find((t) => t.id === id) ?? TOOLS[0];
}

function renderNav() {
  const list = document.getElementById('tool-nav');
  list.replaceChildren(
    ...TOOLS.map((tool) => h('li', {}, h('a', { href: `#/${tool.id}`, class: 'tool-nav__link', 'data-tool': tool.id }, tool.title))),
  );
  document
    .getElementById('aux-nav')
    .replaceChildren(...PAGES.map((page) => h('li', {}, h('a', { href: `#/${page.id}`, class: 'aux-nav__link', 'data-page': page.id }, page.title))));
}

function markCurrent(tool) {
  for (const link of document.querySelectorAll('.tool-nav__link, .aux-nav__link')) {
    if ((link.dataset.tool ?? link.dataset.page) === tool.id) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${tool.title} \u00B7 pacer`;
}

async function show(tool, { focus = false } = {}) {
  const root = document.getElementById('tool-root');
  for (const [id, el] of mounted) el.hidden = id !== tool.id;
  markCurrent(tool);
  if (!mounted.has(tool.id)) {
    const container = h('div', { class: 'tool-container', 'data-tool': tool.id });
    mounted.set(tool.id, container);
    root.append(container);
    try {
      const module = await tool.load();
      module.mount(container);
    } catch (error) {
      container.append(h('p', { class: 'notice notice--error', role: 'alert' }, `The ${tool.title} tool could not be loaded. Please reload the page.`));
      throw error;
    }
  }
  // After a nav click, move focus to the tool's heading for keyboard and
  // screen-reader users (not on first load).
  if (focus) {
    const heading = mounted.get(tool.id).querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }
}

function showEngineVersion() {
  const el = document.getElementById('engine-version');
  // Also warms up the engine (compiles the WebAssembly) before the first file.
  Promise.all([engineVersion(), engineBuild()]).then(
    ([version, build]) => {
      el.textContent = `pacer engine ${version} · ${build.threaded ? `${build.threads} threads` : 'one thread'}`;
      el.dataset.threads = String(build.threads);
    },
    () => {
      el.textContent = 'pacer engine (not loaded)';
    },
  );
}

renderNav();
show(toolFromHash());
window.addEventListener('hashchange', () => show(toolFromHash(), { focus: true }));
// A file dropped outside the drop zone must not make the browser navigate
// away from the page (and lose the results).
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());
showEngineVersion();
