// Item Analysis tool: classical test theory statistics per item and for the
// whole test. Input: a CSV or XLSX file (or a bundled sample); the analysis
// runs in the engine's Web Worker; results are shown as a summary, an item
// table, two charts and downloads.

import { analyzeItems, cancelAll } from '../engine.js';
import { DASH, fmt, fmtInt, h, isNumber } from '../format.js';
import { createTable } from '../table.js';
import { chartPngBlob, chartsAvailable, disposeChart, renderItemScatter, renderScoreDistribution } from '../charts.js';
import { baseName, downloadBlob, downloadText, objectsToCsv } from '../download.js';

export const id = 'item-analysis';
export const title = 'Item Analysis';

const SAMPLES = {
  lsat7: { file: 'LSAT7.csv', url: new URL('../samples/LSAT7.csv', import.meta.url) },
  science: { file: 'Science.csv', url: new URL('../samples/Science.csv', import.meta.url) },
};

// The flags the engine may set, with a symbol (so the cue is not colour only)
// and the cell of the table that each one marks.
const FLAGS = {
  p_low: { symbol: '\u25BC', label: 'Hard', text: 'p below .15: very few persons succeed', column: 'p_value' },
  p_high: { symbol: '\u25B2', label: 'Easy', text: 'p above .85: almost everyone succeeds', column: 'p_value' },
  item_rest_low: { symbol: '\u25C6', label: 'Weak', text: 'item-rest correlation below .20: the item discriminates poorly', column: 'item_rest_r' },
  constant: { symbol: '\u25A0', label: 'Constant', text: 'every person has the same score: the item carries no information', column: 'sd' },
};
const flagInfo = (flag) => FLAGS[flag] ?? { symbol: '!', label: flag, text: flag, column: null };

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function template() {
  return h(
    'section',
    { class: 'tool', id: 'tool-item-analysis', 'aria-labelledby': 'ia-title' },
    h(
      'div',
      { class: 'tool__intro' },
      h('h1', { id: 'ia-title' }, 'Item Analysis'),
      h(
        'p',
        { class: 'lead' },
        'Classical item statistics (difficulty, discrimination, alpha if item deleted) and test reliability for a scored test or questionnaire.',
      ),
    ),
    h(
      'div',
      { class: 'panel input-panel' },
      h('h2', { class: 'panel__title' }, 'Data'),
      h(
        'div',
        { class: 'dropzone', id: 'drop-zone' },
        h('input', {
          type: 'file',
          id: 'file-input',
          class: 'visually-hidden file-input',
          accept: ACCEPT,
          'aria-describedby': 'file-help file-error',
        }),
        h('label', { for: 'file-input', class: 'button button--primary' }, 'Choose a file\u2026'),
        h('span', { class: 'dropzone__or' }, 'or drop a CSV or Excel (.xlsx) file here'),
        h('p', { class: 'dropzone__file', id: 'current-file', hidden: true }),
      ),
      h('p', { id: 'file-error', class: 'error-message', role: 'alert', hidden: true }),
      h(
        'p',
        { id: 'file-help', class: 'help' },
        'One row per person and one column per item, with a header row of item names. Scores are 0, 1, 2, \u2026; empty cells are missing responses. Columns named ',
        h('code', {}, 'id'),
        ' or ',
        h('code', {}, 'group'),
        ' are recognised and not analysed.',
      ),
      h(
        'div',
        { class: 'samples' },
        h('span', { class: 'samples__label' }, 'No data at hand?'),
        h(
          'span',
          { class: 'sample' },
          h('button', { type: 'button', id: 'run-sample', class: 'button', 'aria-describedby': 'sample-lsat7-note' }, 'Try the sample data'),
          h('span', { class: 'samples__note', id: 'sample-lsat7-note' }, 'LSAT7: 1,000 persons, 5 right/wrong items'),
        ),
        h(
          'span',
          { class: 'sample' },
          h('button', { type: 'button', id: 'run-sample-science', class: 'button button--quiet', 'aria-describedby': 'sample-science-note' }, 'Rating-scale sample'),
          h('span', { class: 'samples__note', id: 'sample-science-note' }, 'Science: 392 persons, 4 items scored 1\u20134'),
        ),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Missing responses'),
        h(
          'div',
          { class: 'options__choices' },
          h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'missing', value: 'pairwise', checked: true, 'aria-describedby': 'missing-help' }), ' Pairwise'),
          h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'missing', value: 'listwise', 'aria-describedby': 'missing-help' }), ' Listwise'),
        ),
        h(
          'p',
          { class: 'help', id: 'missing-help' },
          'Pairwise uses every available response for each statistic; listwise first drops every person with any missing response.',
        ),
      ),
      h(
        'div',
        { class: 'status-row' },
        h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
        h('button', { type: 'button', id: 'cancel-run', class: 'button button--small button--quiet', hidden: true }, 'Cancel'),
      ),
    ),
    h('div', { id: 'results', class: 'results', hidden: true, 'aria-labelledby': 'results-title', role: 'region' }),
  );
}

export function mount(container) {
  const root = template();
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const fileInput = $('#file-input');
  const dropZone = $('#drop-zone');
  const fileError = $('#file-error');
  const status = $('#status');
  const results = $('#results');
  const currentFile = $('#current-file');
  const cancelButton = $('#cancel-run');
  const sampleButtons = [$('#run-sample'), $('#run-sample-science')];

  // The loaded data stays here on the main thread (the worker gets a copy),
  // so changing an option re-runs without reloading, and an error loses nothing.
  let current = null; // { name, bytes: Uint8Array }
  // Every new load or run takes a new number; a reply for an older number is
  // ignored, so choosing another file or option mid-run simply supersedes it.
  let runCounter = 0;
  let busy = false;

  const missingOption = () => root.querySelector('input[name="missing"]:checked').value;

  function showError(message) {
    fileError.hidden = false;
    fileError.textContent = message;
  }
  function clearError() {
    fileError.hidden = true;
    fileError.textContent = '';
  }
  function setBusy(isBusy, message = '', { cancellable = false } = {}) {
    busy = isBusy;
    root.setAttribute('aria-busy', busy ? 'true' : 'false');
    root.classList.toggle('is-busy', busy);
    // aria-disabled rather than disabled: a disabled button would lose the
    // keyboard focus. The click handlers ignore clicks while busy.
    for (const button of sampleButtons) button.setAttribute('aria-disabled', busy ? 'true' : 'false');
    cancelButton.hidden = !(busy && cancellable);
    status.replaceChildren(...(busy ? [h('span', { class: 'spinner', 'aria-hidden': 'true' })] : []), message);
  }

  async function run() {
    if (!current) return;
    const token = ++runCounter;
    clearError();
    setBusy(true, `Analysing ${current.name}\u2026`, { cancellable: true });
    const started = performance.now();
    try {
      const result = await analyzeItems(current.bytes, { fileName: current.name, missing: missingOption() });
      if (token !== runCounter) return; // a newer run superseded this one
      const seconds = (performance.now() - started) / 1000;
      renderResults(results, result);
      setBusy(false, `Analysed ${current.name}: ${fmtInt(result.n_items)} items, ${fmtInt(result.n_persons)} persons (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      clearResults(results);
      if (error?.code === 'cancelled') {
        setBusy(false, 'Cancelled. Choose an option or file to run again.');
        return;
      }
      setBusy(false, 'The analysis did not run; see the message above.');
      showError(error?.message ?? String(error));
    }
  }

  async function loadBytes(name, bytesPromise) {
    const token = ++runCounter;
    clearError();
    setBusy(true, `Reading ${name}\u2026`);
    try {
      const bytes = await bytesPromise;
      if (token !== runCounter) return; // another file was chosen meanwhile
      current = { name, bytes };
      currentFile.hidden = false;
      currentFile.replaceChildren('Loaded: ', h('strong', {}, name), ` (${formatSize(bytes.length)})`);
    } catch (error) {
      if (token !== runCounter) return;
      setBusy(false, '');
      showError(`${name} could not be read: ${error?.message ?? error}. Please choose the file again.`);
      return;
    }
    await run();
  }

  function loadFile(file) {
    if (!file) return;
    loadBytes(file.name, file.arrayBuffer().then((buf) => new Uint8Array(buf)));
  }

  async function fetchSample(sample) {
    const response = await fetch(sample.url);
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  fileInput.addEventListener('change', () => {
    loadFile(fileInput.files?.[0]);
    // Reset so that choosing the same file again (after fixing it) fires `change`.
    fileInput.value = '';
  });
  const runSample = (sample) => () => {
    if (!busy) loadBytes(sample.file, fetchSample(sample));
  };
  $('#run-sample').addEventListener('click', runSample(SAMPLES.lsat7));
  $('#run-sample-science').addEventListener('click', runSample(SAMPLES.science));
  for (const radio of root.querySelectorAll('input[name="missing"]')) radio.addEventListener('change', () => run());
  cancelButton.addEventListener('click', () => cancelAll());

  // Drag and drop onto the drop zone.
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('is-dragover');
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget)) dropZone.classList.remove('is-dragover');
  });
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('is-dragover');
    const files = event.dataTransfer?.files;
    if (!files?.length) return;
    if (files.length > 1) {
      showError('Please drop a single file.');
      return;
    }
    loadFile(files[0]);
  });
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------- results

function clearResults(results) {
  for (const el of results.querySelectorAll('.chart')) disposeChart(el);
  results.replaceChildren();
  results.hidden = true;
}

function renderResults(results, result) {
  clearResults(results);
  const test = result.test ?? {};
  const stem = baseName(result.file);

  const csvButton = h('button', { type: 'button', id: 'download-csv', class: 'button' }, 'Item table (CSV)');
  const jsonButton = h('button', { type: 'button', id: 'download-json', class: 'button' }, 'Full result (JSON)');
  csvButton.addEventListener('click', () =>
    downloadText(objectsToCsv(result.items ?? []), `${stem}-item-analysis.csv`, 'text/csv;charset=utf-8'),
  );
  jsonButton.addEventListener('click', () =>
    downloadText(JSON.stringify(result, null, 2) + '\n', `${stem}-item-analysis.json`, 'application/json'),
  );

  const header = h(
    'div',
    { class: 'results__header' },
    h('h2', { id: 'results-title' }, 'Results for ', h('span', { class: 'file-name' }, result.file ?? 'your data')),
    h(
      'div',
      { class: 'downloads', role: 'group', 'aria-label': 'Downloads' },
      h('span', { class: 'downloads__label' }, 'Download:'),
      csvButton,
      jsonButton,
    ),
  );
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result)),
    summarySection(result, test),
    warningsSection(result.warnings ?? []),
    itemsSection(result),
    chartsSection(result, stem),
  ];
  // Some sections may be null (no warnings); Element.append would print "null".
  results.append(...sections.filter(Boolean));
  results.hidden = false;
  drawCharts(results, result);
  if (results.getBoundingClientRect().top > window.innerHeight * 0.6) {
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    results.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
  }
}

function describeRun(result) {
  const parts = [];
  const used = result.n_persons_used;
  parts.push(
    isNumber(used) && used !== result.n_persons
      ? `${fmtInt(used)} of ${fmtInt(result.n_persons)} persons used`
      : `${fmtInt(result.n_persons)} persons`,
  );
  parts.push(`${fmtInt(result.n_items)} items`);
  parts.push(`missing responses: ${result.options?.missing ?? 'pairwise'}`);
  if (result.id_column) parts.push(`ID column: ${result.id_column}`);
  if (result.group_column) parts.push(`group column: ${result.group_column} (not analysed)`);
  if (result.engine) parts.push(`${result.engine.name} ${result.engine.version}`);
  return parts.join(' \u00B7 ');
}

function stat(label, value, { id, note, title } = {}) {
  return h(
    'div',
    { class: 'stat' },
    h('dt', { title: title ?? null }, label),
    h('dd', {}, h('span', { class: 'stat__value', id: id ?? null }, value), note ? h('span', { class: 'stat__note' }, note) : null),
  );
}

function summarySection(result, test) {
  const kind = test.alpha_kind ?? 'Cronbach';
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'summary-title' },
    h('h3', { id: 'summary-title', class: 'panel__title' }, 'Test summary'),
    h(
      'dl',
      { class: 'summary' },
      stat('Persons (N)', fmtInt(test.n_persons ?? result.n_persons_used ?? result.n_persons)),
      stat('Items', fmtInt(test.n_items ?? result.n_items)),
      stat('Mean score', fmt(test.mean), { note: isNumber(test.max_possible) ? `of ${fmtInt(test.max_possible)}` : null }),
      stat('SD', fmt(test.sd, 4), { title: 'Standard deviation of the total score (n \u2212 1)' }),
      // #alpha holds the number alone, with 6 decimals (tests read it).
      stat(`Alpha (${kind})`, fmt(test.alpha, 6), { id: 'alpha', title: 'Internal-consistency reliability of the total score' }),
      stat('SEM', fmt(test.sem, 4), { title: 'Standard error of measurement: SD \u00D7 \u221A(1 \u2212 alpha)' }),
      stat('Score range', isNumber(test.min_score) ? `${fmtInt(test.min_score)}\u2013${fmtInt(test.max_score)}` : DASH, {
        title: 'Lowest and highest observed total score',
      }),
    ),
  );
}

function warningsSection(warnings) {
  if (!warnings.length) return null;
  return h(
    'section',
    { class: 'panel panel--warning', id: 'warnings', 'aria-labelledby': 'warnings-title' },
    h('h3', { id: 'warnings-title', class: 'panel__title' }, `Warnings (${warnings.length})`),
    h(
      'ul',
      { class: 'warnings' },
      warnings.map((w) => h('li', {}, w.item ? h('strong', {}, `${w.item}: `) : null, w.message ?? w.code)),
    ),
  );
}

// Columns of the item table. Keys are the JSON field names.
function itemColumns(items) {
  const has = (key) => items.some((it) => it[key] !== null && it[key] !== undefined);
  const num = (key, label, description, digits = 3) => ({
    key,
    label,
    description,
    numeric: true,
    render: (row, cell) => renderNumber(row, cell, key, digits),
    cellClass: (row) => (flaggedColumns(row).has(key) ? 'is-flagged' : ''),
  });
  const cols = [
    {
      key: 'item',
      label: 'Item',
      rowHeader: true,
      render: (row, cell) => {
        cell.textContent = row.item;
      },
    },
    { ...num('n', 'N', 'Persons who answered the item', 0), render: (row, cell) => (cell.textContent = fmtInt(row.n)) },
    { ...num('omits', 'Omits', 'Missing responses', 0), render: (row, cell) => (cell.textContent = fmtInt(row.omits)) },
    num('mean', 'Mean', 'Mean item score'),
    num('sd', 'SD', 'Standard deviation of the item score (n \u2212 1)'),
    num('se_mean', 'SE mean', 'Standard error of the mean'),
    { ...num('max_score', 'Max', 'Maximum item score', 0), render: (row, cell) => (cell.textContent = fmtInt(row.max_score)) },
    num('p_value', 'p', 'Difficulty: mean score as a proportion of the maximum (proportion correct for 0/1 items)'),
    num('item_rest_r', 'Item-rest r', 'Discrimination: correlation of the item with the total of the other items'),
    num('item_total_r', 'Item-total r', 'Correlation of the item with the total score (including the item)'),
  ];
  if (has('biserial_r')) cols.push(num('biserial_r', 'Biserial r', 'Biserial correlation with the total score (0/1 items)'));
  if (has('polyserial_r')) cols.push(num('polyserial_r', 'Polyserial r', 'Polyserial correlation with the total score (items with more than two scores)'));
  cols.push(
    num('alpha_if_deleted', '\u03B1 if deleted', 'Alpha of the test without this item; higher than the test alpha suggests the item does not fit'),
    {
      key: 'frequencies',
      label: 'Frequencies',
      description: 'Number of persons with each score 0, 1, \u2026, max',
      sortable: false,
      render: renderFrequencies,
    },
    {
      key: 'flags',
      label: 'Flags',
      description: 'See the legend above the table',
      value: (row) => (row.flags ?? []).length,
      render: renderFlags,
    },
  );
  return cols;
}

function flaggedColumns(row) {
  return new Set((row.flags ?? []).map((f) => flagInfo(f).column).filter(Boolean));
}

function renderNumber(row, cell, key, digits) {
  const value = row[key];
  cell.append(fmt(value, digits));
  const flags = (row.flags ?? []).filter((f) => flagInfo(f).column === key);
  if (flags.length) {
    // Symbol for sighted users, words for screen readers, tooltip for both.
    cell.title = flags.map((f) => flagInfo(f).text).join('; ');
    cell.prepend(h('span', { class: 'flag-symbol', 'aria-hidden': 'true' }, flags.map((f) => flagInfo(f).symbol).join('')));
    cell.append(h('span', { class: 'visually-hidden' }, ` (flagged: ${flags.map((f) => flagInfo(f).label).join(', ')})`));
  }
  if (isNumber(value)) cell.dataset.value = String(value); // full precision, for copy/inspection
}

function renderFrequencies(row, cell) {
  const freqs = row.frequencies ?? [];
  if (!freqs.length) {
    cell.textContent = DASH;
    return;
  }
  const max = Math.max(...freqs, 1);
  const bars = h('span', { class: 'sparkbars', 'aria-hidden': 'true' });
  for (const count of freqs) {
    const bar = h('span', { class: 'sparkbars__bar' });
    bar.style.height = `${Math.max(count > 0 ? 8 : 0, (100 * count) / max)}%`; // CSSOM: allowed by the CSP
    bars.append(bar);
  }
  const text = h(
    'span',
    { class: 'freqs' },
    freqs.map((count, score) => h('span', { class: 'freqs__pair' }, h('span', { class: 'freqs__score' }, `${score}:`), fmtInt(count))),
  );
  cell.title = freqs.map((count, score) => `score ${score}: ${count}`).join(', ');
  cell.append(h('span', { class: 'freq-wrap' }, bars, text));
}

function renderFlags(row, cell) {
  const flags = row.flags ?? [];
  if (!flags.length) {
    cell.append(h('span', { class: 'visually-hidden' }, 'none'));
    return;
  }
  cell.append(
    ...flags.map((f) =>
      h('span', { class: `badge badge--${f}`, title: flagInfo(f).text }, h('span', { 'aria-hidden': 'true' }, `${flagInfo(f).symbol} `), flagInfo(f).label),
    ),
  );
}

function flagLegend() {
  return h(
    'div',
    { class: 'legend', id: 'flag-legend' },
    h('h4', { class: 'legend__title' }, 'Flags'),
    h(
      'ul',
      { class: 'legend__list' },
      Object.entries(FLAGS).map(([code, f]) =>
        h(
          'li',
          {},
          h('span', { class: `badge badge--${code}` }, h('span', { 'aria-hidden': 'true' }, `${f.symbol} `), f.label),
          ` ${f.text} `,
          h('code', {}, code),
        ),
      ),
    ),
    h('p', { class: 'help' }, 'Flagged values are highlighted and marked with the symbol; they call for a look at the item, not automatic removal.'),
  );
}

function itemsSection(result) {
  const items = result.items ?? [];
  const flaggedOnly = h('input', { type: 'checkbox', id: 'flagged-only' });
  const table = createTable({
    id: 'item-table',
    caption: 'Item statistics',
    columns: itemColumns(items),
    rows: items,
    searchLabel: 'Search items',
    searchPlaceholder: 'Item name',
    searchText: (row) => row.item,
    noun: ['item', 'items'],
    extraControls: [h('label', { class: 'choice', for: 'flagged-only' }, flaggedOnly, ' Flagged items only')],
  });
  flaggedOnly.addEventListener('change', () => table.setFilter(flaggedOnly.checked ? (row) => (row.flags ?? []).length > 0 : null));
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'items-title' },
    h('h3', { id: 'items-title', class: 'panel__title' }, 'Items'),
    h('p', { class: 'help' }, 'Select a column heading to sort; select it again to reverse the order.'),
    flagLegend(),
    table.element,
  );
}

function chartsSection(result, stem) {
  const figure = (chartId, caption, description) => {
    const pngButton = h('button', { type: 'button', class: 'button button--small', 'data-chart': chartId }, 'PNG');
    pngButton.setAttribute('aria-label', `Download the chart \u201C${caption}\u201D as PNG`);
    pngButton.addEventListener('click', () => {
      const blob = chartPngBlob(document.getElementById(chartId));
      if (blob) downloadBlob(blob, `${stem}-${chartId.replace(/^chart-/, '')}.png`);
    });
    return h(
      'figure',
      { class: 'chart-figure' },
      h('figcaption', {}, h('span', { class: 'chart-figure__title' }, caption), chartsAvailable() ? pngButton : null),
      h('div', { class: 'chart', id: chartId, role: 'img', 'aria-label': description }),
    );
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'charts-title' },
    h('h3', { id: 'charts-title', class: 'panel__title' }, 'Charts'),
    chartsAvailable() ? null : h('p', { class: 'notice' }, 'The charting library could not be loaded; the tables above hold all the results.'),
    h(
      'div',
      { class: 'charts' },
      figure('chart-items', 'Difficulty and discrimination', 'Scatter plot of each item\u2019s p-value against its item-rest correlation, with guide lines at p = .15, p = .85 and r = .20. The same values are in the item table.'),
      figure('chart-scores', 'Total-score distribution', 'Bar chart of the number of persons with each total score.'),
    ),
  );
}

function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  renderItemScatter(results.querySelector('#chart-items'), result.items ?? []);
  renderScoreDistribution(results.querySelector('#chart-scores'), result.score_distribution ?? [], result.test?.n_persons);
}
