// Item Analysis tool: classical test theory statistics per item and for the
// whole test. Input: a CSV or XLSX file (or a bundled sample); the analysis
// runs in the engine's Web Worker; results are shown as a summary, an item
// table, two charts and downloads.

import { analyzeItems, cancelAll } from '../engine.js';
import { DASH, fmt, fmtInt, h, isNumber } from '../format.js';
import { createTable, ITEM_NAME_COLUMN, ITEM_ROWS } from '../table.js';
import { chartFigure, chartsAvailable, renderItemScatter, renderScoreDistribution } from '../charts.js';
import { baseName, downloadCsv, downloadJson, objectsToCsv } from '../download.js';
import { createDataInput, responseFileHelp } from '../data-input.js';
import { clearResults, markBusy, resultsHeader, setStatus, showResults, stat, toolSection } from '../tool-ui.js';

export const id = 'item-analysis';
export const title = 'Item Analysis';

// The flags the engine may set, with a symbol (so the cue is not colour only)
// and the cell of the table that each one marks.
const FLAGS = {
  p_low: { symbol: '\u25BC', label: 'Hard', text: 'p below .15: very few persons succeed', column: 'p_value' },
  p_high: { symbol: '\u25B2', label: 'Easy', text: 'p above .85: almost everyone succeeds', column: 'p_value' },
  item_rest_low: { symbol: '\u25C6', label: 'Weak', text: 'item-rest correlation below .20: the item discriminates poorly', column: 'item_rest_r' },
  constant: { symbol: '\u25A0', label: 'Constant', text: 'every person has the same score: the item carries no information', column: 'sd' },
};
const flagInfo = (flag) => FLAGS[flag] ?? { symbol: '!', label: flag, text: flag, column: null };

const SAMPLES = [
  {
    id: 'run-sample',
    noteId: 'sample-lsat7-note',
    label: 'Try the sample data',
    note: 'LSAT7: 1,000 persons, 5 right/wrong items',
    file: 'LSAT7.csv',
  },
  {
    id: 'run-sample-science',
    noteId: 'sample-science-note',
    label: 'Rating-scale sample',
    note: 'Science: 392 persons, 4 items scored 1\u20134',
    file: 'Science.csv',
    quiet: true,
  },
];

const HELP = responseFileHelp('Scores are 0, 1, 2, \u2026; empty cells are missing responses.', 'analysed');

function template(dataPanel) {
  dataPanel.append(
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
  );
  return toolSection(
    {
      id,
      titleId: 'ia-title',
      title,
      lead: 'Classical item statistics (difficulty, discrimination, alpha if item deleted) and test reliability for a scored test or questionnaire.',
      resultsId: 'results',
      resultsTitleId: 'results-title',
    },
    dataPanel,
  );
}

export function mount(container) {
  // The loaded data stays in the data panel on the main thread (the worker
  // gets a copy), so changing an option re-runs without reloading, and an
  // error loses nothing. Every load and every run takes a new number; a reply
  // for an older number is ignored, so choosing another file or option
  // mid-run simply supersedes it.
  let runCounter = 0;
  const data = createDataInput({
    help: HELP,
    samples: SAMPLES,
    onLoadStart: (name) => {
      runCounter++;
      setBusy(true, `Reading ${name}\u2026`);
    },
    onLoad: () => run(),
    onLoadError: () => setBusy(false, ''),
  });
  const root = template(data.element);
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const status = $('#status');
  const results = $('#results');
  const cancelButton = $('#cancel-run');

  const missingOption = () => root.querySelector('input[name="missing"]:checked').value;

  function setBusy(isBusy, message = '', { cancellable = false } = {}) {
    markBusy(root, isBusy);
    data.setBusy(isBusy);
    cancelButton.hidden = !(isBusy && cancellable);
    setStatus(status, message, { spinner: isBusy });
  }

  async function run() {
    const current = data.current;
    if (!current) return;
    const token = ++runCounter;
    data.clearError();
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
      data.showError(error?.message ?? String(error));
    }
  }

  for (const radio of root.querySelectorAll('input[name="missing"]')) radio.addEventListener('change', () => run());
  cancelButton.addEventListener('click', () => cancelAll());
}

// ---------------------------------------------------------------- results

function renderResults(results, result) {
  const stem = baseName(result.file);
  const header = resultsHeader({
    titleId: 'results-title',
    title: ['Results for ', h('span', { class: 'file-name' }, result.file ?? 'your data')],
    downloads: [
      { id: 'download-csv', label: 'Item table (CSV)', onClick: () => downloadCsv(objectsToCsv(result.items ?? []), `${stem}-item-analysis.csv`) },
      { id: 'download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}-item-analysis.json`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result)),
    summarySection(result, result.test ?? {}),
    warningsSection(result.warnings ?? []),
    itemsSection(result),
    chartsSection(result, stem),
  ];
  showResults(results, sections, () => drawCharts(results, result));
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
    ITEM_NAME_COLUMN,
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
    ...ITEM_ROWS,
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
  const figure = (chartId, caption, description) => chartFigure(chartId, caption, description, `${stem}-${chartId.replace(/^chart-/, '')}.png`);
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
