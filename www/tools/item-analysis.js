// Item Analysis tool: classical test theory statistics per item and for the
// whole test. Input: a CSV or XLSX file (or a bundled sample), optionally with
// an answer key (the file then holds raw option letters, rescored right/wrong,
// and a distractor analysis is added); the analysis runs in the engine's Web
// Worker; results are shown as a summary, an item table, the distractors, two
// charts, downloads, and a panel for differential item functioning (DIF) by a
// group column.
//
// Every number shown comes from the engine's result; nothing is computed here.

import { analyzeDif, analyzeItems, analyzeItemsWithKey, cancelAll } from '../engine.js';
import { DASH, fmt, fmtInt, fmtSci, h, isNumber } from '../format.js';
import { createTable, ITEM_NAME_COLUMN, ITEM_ROWS, numberColumn } from '../table.js';
import { chartFigure, chartsAvailable, disposeChart, renderBars, renderItemScatter, renderLabelledPoints, renderScoreDistribution } from '../charts.js';
import { baseName, cliCsv, downloadCsv, downloadJson, objectsToCsv } from '../download.js';
import { createDataInput, createFileSlot, csvText, parseCsv, responseFileHelp } from '../data-input.js';
import { choice, clearResults, markBusy, resultsHeader, setStatus, showMessage, showResults, stat, toolSection, warningsPanel } from '../tool-ui.js';

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
  {
    id: 'ia-key-sample',
    noteId: 'ia-key-sample-note',
    label: 'Multiple-choice sample',
    note: '400 persons, 20 items, options A\u2013D, with its answer key',
    file: 'mc-choices.csv',
    // Its answer key (in www/samples/), loaded into the key slot before the run.
    key: 'mc-key.csv',
    quiet: true,
  },
];

const HELP = responseFileHelp('Scores are 0, 1, 2, \u2026; empty cells are missing responses. With an answer key (below), the cells hold the letters of the options chosen.', 'analysed');

// Files up to this size are read on the main thread for the DIF panel's
// choices (the header and each column's values); larger ones only for the header.
const TABLE_INFO_MAX_BYTES = 32 * 1024 * 1024;
// A column with more distinct values than this is no group column: its reference is typed.
const MAX_GROUP_VALUES = 50;
// The five rest-score groups of the distractor analysis, lowest first.
const REST_GROUPS = ['1 (lowest)', '2', '3', '4', '5 (highest)'];
// `pacer items --distractors-csv`'s header.
const DISTRACTOR_CSV_HEADER = ['item', 'key', 'option', 'is_key', 'count', 'proportion', 'rest_r', 'flagged', 'group1', 'group2', 'group3', 'group4', 'group5'];
// `pacer dif --format csv`'s header.
const DIF_CSV_HEADER = [
  'focal',
  'item',
  'item_type',
  'n_reference',
  'n_focal',
  'mh_chi_square',
  'mh_p',
  'mh_flagged',
  'alpha_mh',
  'delta_mh',
  'delta_se',
  'log_or_z',
  'ets_class',
  'effect_size_class',
  'std',
  'std_relative_to_sd',
  'std_class',
  'lr_uniform_chi_square',
  'lr_uniform_p',
  'lr_uniform_r2_change',
  'lr_nonuniform_chi_square',
  'lr_nonuniform_p',
  'lr_nonuniform_r2_change',
  'lr_both_chi_square',
  'lr_both_p',
  'lr_both_r2_change',
  'lr_class',
];

/** The answer key's help paragraph (referred to by the key slot's file input). */
function keyHelp() {
  return h(
    'p',
    { class: 'help', id: 'ia-key-help' },
    'Answer key: a CSV (or Excel) file with the columns ',
    h('code', {}, 'item'),
    ' and ',
    h('code', {}, 'key'),
    ', one row per item of the response file: the correct option\u2019s letter (A, B, \u2026), or ',
    h('code', {}, 'scored'),
    ' for an item already scored. With a key, the response file holds the letter each person chose (an empty cell is an omitted answer); each multiple-choice item is scored 1 (the key) or 0, and the distractor analysis is added.',
  );
}

/** How omitted answers are scored when an answer key is used. */
function omitsFieldset() {
  return h(
    'fieldset',
    { class: 'options' },
    h('legend', {}, 'Omitted answers'),
    h(
      'div',
      { class: 'options__choices' },
      choice({ id: 'ia-key-omits-wrong', name: 'ia-key-omits', value: 'wrong', label: 'Scored wrong (0)', checked: true, describedBy: 'ia-key-omits-help' }),
      choice({ id: 'ia-key-omits-missing', name: 'ia-key-omits', value: 'missing', label: 'Missing', describedBy: 'ia-key-omits-help' }),
    ),
    h(
      'p',
      { class: 'help', id: 'ia-key-omits-help' },
      'With an answer key only: an omitted multiple-choice answer (an empty cell) scores 0, or counts as a missing response (handled as the option below says).',
    ),
  );
}

function template(dataPanel, keySlot) {
  dataPanel.append(
    h('div', { class: 'form-files' }, keySlot.element),
    keyHelp(),
    omitsFieldset(),
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
      lead: 'Classical item statistics (difficulty, discrimination, alpha if item deleted) and test reliability for a scored test or questionnaire; with an answer key, for raw multiple-choice answers, with a distractor analysis; and differential item functioning (DIF) between groups.',
      resultsId: 'results',
      resultsTitleId: 'results-title',
    },
    dataPanel,
  );
}

export function mount(container) {
  // The loaded data (and the answer key) stay on the main thread (the worker
  // gets copies), so changing an option re-runs without reloading, and an
  // error loses nothing. Every load and every run takes a new number; a reply
  // for an older number is ignored, so choosing another file or option
  // mid-run simply supersedes it.
  let runCounter = 0;
  let keyCounter = 0; // a later key (chosen, removed or a sample's) wins over a sample's key still being fetched
  // The DIF panel's choices, kept across runs while the file has them.
  const difPrefs = { groupColumn: null, reference: null, exclude: '', purify: false };
  const data = createDataInput({
    help: HELP,
    samples: SAMPLES,
    onLoadStart: (name) => {
      runCounter++;
      keyCounter++;
      setBusy(true, `Reading ${name}\u2026`);
    },
    onLoad: (loaded, { sample }) => {
      if (sample?.key) {
        loadSampleKey(sample);
        return;
      }
      // A sample of scored data comes without a key: a key loaded before would not fit it.
      if (sample && keySlot.file) keySlot.set(null);
      run();
    },
    onLoadError: () => setBusy(false, ''),
  });
  const keySlot = createFileSlot({
    id: 'ia-key',
    title: 'Answer key (optional)',
    description: 'For raw multiple-choice answers (option letters): the correct option of each item. Leave it out for a file of scores.',
    button: 'Choose the answer key\u2026',
    helpId: 'ia-key-help',
    removable: true,
    emptyMessage: 'the file is empty: it needs a header row (item,key) and one row per item.',
    onChange: (file) => {
      keyCounter++;
      if (file && !file.bytes) {
        // Unreadable: the slot shows why; nothing runs with a key that is not there.
        runCounter++;
        clearResults(results);
        setBusy(false, 'The answer key could not be read: choose it again, or remove it.');
        return;
      }
      if (data.current) run();
      else setBusy(false, file ? `${file.name} is loaded. Choose the response file with the answers (option letters).` : '');
    },
  });
  // The slot's Remove button says what it removes.
  keySlot.element.querySelector('#ia-key-remove').textContent = 'Remove key';
  const root = template(data.element, keySlot);
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const status = $('#status');
  const results = $('#results');
  const cancelButton = $('#cancel-run');

  const missingOption = () => root.querySelector('input[name="missing"]:checked').value;
  const omitsOption = () => root.querySelector('input[name="ia-key-omits"]:checked').value;

  function setBusy(isBusy, message = '', { cancellable = false } = {}) {
    markBusy(root, isBusy);
    data.setBusy(isBusy);
    cancelButton.hidden = !(isBusy && cancellable);
    setStatus(status, message, { spinner: isBusy });
  }

  /** Fetches the sample's answer key into the key slot, then runs. */
  async function loadSampleKey(sample) {
    const token = ++keyCounter;
    setBusy(true, `Reading ${sample.key}\u2026`);
    let bytes;
    try {
      const response = await fetch(new URL(`../samples/${sample.key}`, import.meta.url));
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (token !== keyCounter) return;
      setBusy(false, '');
      keySlot.showError(`The sample\u2019s answer key (${sample.key}) could not be read: ${error?.message ?? error}. Please try again.`);
      return;
    }
    if (token !== keyCounter) return;
    keySlot.set({ name: sample.key, bytes });
    run();
  }

  async function run() {
    const current = data.current;
    if (!current) return;
    const key = keySlot.file;
    if (key && !key.bytes) {
      runCounter++;
      clearResults(results);
      setBusy(false, 'The answer key could not be read: choose it again, or remove it.');
      return;
    }
    const token = ++runCounter;
    data.clearError();
    // An error the engine found in the key stays shown until the key is replaced or a run succeeds.
    keySlot.refreshError();
    const names = engineNames(current.name, key?.name);
    const omits = omitsOption();
    setBusy(true, `Analysing ${current.name}${key ? ` with ${key.name}` : ''}\u2026`, { cancellable: true });
    const started = performance.now();
    try {
      const result = key
        ? await analyzeItemsWithKey(current.bytes, key.bytes, { fileName: names.data, keyFileName: names.key, missing: missingOption(), omits })
        : await analyzeItems(current.bytes, { fileName: names.data, missing: missingOption() });
      if (token !== runCounter) return; // a newer run superseded this one
      const seconds = (performance.now() - started) / 1000;
      if (key && keySlot.file === key) keySlot.clearStoredError();
      renderResults(results, result, { current, key, names, omits, difPrefs });
      setBusy(false, `Analysed ${current.name}: ${fmtInt(result.n_items)} items, ${fmtInt(result.n_persons)} persons (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      clearResults(results);
      if (error?.code === 'cancelled') {
        setBusy(false, 'Cancelled. Choose an option or file to run again.');
        return;
      }
      const message = error?.message ?? String(error);
      if (key && (error?.code === 'invalid_key' || error?.file === names.key)) {
        // Kept with the key until it is replaced (or a run succeeds); the response file stays loaded.
        if (keySlot.file === key) keySlot.fail(message);
        else keySlot.showError(message);
        setBusy(false, 'The analysis did not run; see the message at the answer key.');
        return;
      }
      setBusy(false, 'The analysis did not run; see the message above.');
      data.showError(message);
    }
  }

  for (const radio of root.querySelectorAll('input[name="missing"]')) radio.addEventListener('change', () => run());
  for (const radio of root.querySelectorAll('input[name="ia-key-omits"]')) {
    radio.addEventListener('change', () => {
      if (keySlot.file) run(); // without a key the option changes nothing
    });
  }
  cancelButton.addEventListener('click', () => cancelAll());
}

/** The names the engine gets: the files' own, told apart when both are the same. */
function engineNames(dataName, keyName) {
  if (!keyName || dataName !== keyName) return { data: dataName, key: keyName ?? null };
  return { data: `${dataName} (responses)`, key: `${keyName} (answer key)` };
}

// ---------------------------------------------------------------- results

function renderResults(results, result, context) {
  const stem = baseName(context.current?.name ?? result.file);
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
    distractorsSection(result, stem),
    chartsSection(result, stem),
    difSection(result, { ...context, stem }),
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
  if (result.key) {
    const k = result.key;
    parts.push(
      `answer key: ${k.file} (${fmtInt(k.multiple_choice_items)} multiple-choice ${k.multiple_choice_items === 1 ? 'item' : 'items'}` +
        (k.scored_items ? `, ${fmtInt(k.scored_items)} scored` : '') +
        `, options ${optionRange(k.n_options)}, omits ${k.omits === 'missing' ? 'missing' : 'scored wrong'})`,
    );
  }
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
  const select = results.querySelector('#ia-distractor-item');
  const item = (result.distractors ?? []).find((it) => it.item === select?.value);
  const chart = results.querySelector('#ia-distractor-chart');
  if (item && chart) drawDistractorChart(chart, item);
}

// ------------------------------------------------------------- distractors

/** "A–D" for `n` options. */
function optionRange(n) {
  if (!isNumber(n) || n < 1) return DASH;
  const last = String.fromCharCode(64 + n);
  return n === 1 ? 'A' : `A\u2013${last}`;
}

/** An option's name in the table and the chart: its letter, or "omit". */
const optionName = (option) => (option === 'omit' ? 'omit' : option);

/** The distractor table's rows: one per item and option (omit last), in the result's order. */
function distractorRows(distractors) {
  return distractors.flatMap((it) =>
    (it.options ?? []).map((o) => ({
      item: it.item,
      key: it.key,
      option: o.option,
      is_key: o.key,
      count: o.count,
      proportion: o.proportion,
      rest_r: o.rest_r,
      flagged: o.flagged,
      by_group: o.by_group ?? [],
    })),
  );
}

/** The distractor table as `pacer items --distractors-csv` writes it. */
function distractorsCsv(result) {
  const rows = distractorRows(result.distractors ?? []).map((r) => [
    r.item,
    r.key,
    r.option,
    r.is_key,
    r.count,
    r.proportion,
    r.rest_r,
    r.flagged,
    ...REST_GROUPS.map((_, k) => r.by_group[k] ?? null),
  ]);
  return cliCsv(DISTRACTOR_CSV_HEADER, rows);
}

const FLAGGED_DISTRACTOR_TEXT =
  'A distractor with a positive option-rest correlation: examinees with higher rest scores choose it more often. Check the key and the option\u2019s wording.';

/**
 * A column of a yes/no field shown as a badge (a symbol and a word, so not colour alone; a
 * hidden word for screen readers otherwise), sorting the yeses first; `dataKey` names the
 * cell's data attribute holding true/false.
 */
function badgeColumn(key, label, description, { dataKey, symbol, text, title, none }) {
  return {
    key,
    label,
    description,
    value: (row) => (row[key] ? 0 : 1),
    render: (row, cell) => {
      cell.dataset[dataKey] = String(Boolean(row[key]));
      if (row[key]) cell.append(h('span', { class: 'badge', title }, h('span', { 'aria-hidden': 'true' }, symbol), text));
      else cell.append(h('span', { class: 'visually-hidden' }, none));
    },
  };
}

function distractorColumns() {
  return [
    ITEM_NAME_COLUMN,
    { key: 'option', label: 'Option', description: 'The option (A, B, \u2026), or omit for an empty answer', render: (row, cell) => (cell.textContent = optionName(row.option)) },
    badgeColumn('is_key', 'Key', 'Whether the option is the correct one', { dataKey: 'key', symbol: '\u2713 ', text: 'key', title: 'The correct option', none: 'no' }),
    numberColumn('count', 'Count', 'Examinees choosing the option', { format: fmtInt }),
    numberColumn('proportion', 'Proportion', 'Share of all examinees choosing the option'),
    numberColumn('rest_r', 'Rest r', 'Option-rest point-biserial: correlation of choosing the option with the rest score (the total over the other items)', {
      cellClass: (row) => (row.flagged ? 'is-flagged' : ''),
    }),
    ...REST_GROUPS.map((label, k) =>
      numberColumn(`group${k + 1}`, label, `Share choosing the option in rest-score group ${label}`, { digits: 2, value: (row) => row.by_group[k] ?? null }),
    ),
    badgeColumn('flagged', 'Flag', 'Distractors chosen more often by stronger examinees', { dataKey: 'flagged', symbol: '\u25B2 ', text: 'Flagged', title: FLAGGED_DISTRACTOR_TEXT, none: 'none' }),
  ];
}

/** The item whose options the chart shows first: the first with a flagged distractor, else the first. */
function initialDistractorItem(distractors) {
  return (distractors.find((it) => (it.options ?? []).some((o) => o.flagged)) ?? distractors[0])?.item ?? '';
}

const distractorChartTitle = (item) => `Option choices by rest-score group: ${item?.item ?? ''}`;
function distractorChartDescription(item) {
  if (!item) return 'Line chart of the share of each rest-score group choosing each option.';
  return `Line chart of the share of examinees choosing each option of item ${item.item} (key ${item.key}) and omitting it, in five rest-score groups from the lowest to the highest; the key\u2019s line should rise, a distractor\u2019s fall. The numbers are in the distractor table.`;
}

function distractorsSection(result, stem) {
  const distractors = result.distractors;
  if (!distractors) return null;
  const rows = distractorRows(distractors);
  const flagged = rows.filter((r) => r.flagged);
  const omits = result.key?.omits === 'missing' ? 'omits treated as missing' : 'omits scored wrong (0)';
  const summary = h(
    'p',
    { class: 'help', id: 'ia-distractor-summary' },
    `Options ${optionRange(result.key?.n_options)} \u00B7 ${omits} \u00B7 `,
    h('strong', { id: 'ia-distractor-flagged-count' }, `${fmtInt(flagged.length)} flagged ${flagged.length === 1 ? 'distractor' : 'distractors'}`),
    flagged.length ? ` (${flagged.map((r) => `${r.item} ${r.option}`).join(', ')})` : '',
    '. The five rest-score groups are near quintiles of the score on the other items.',
  );

  const flaggedOnly = h('input', { type: 'checkbox', id: 'ia-distractor-flagged-only' });
  const table = createTable({
    id: 'ia-distractor-table',
    caption: 'Options of each multiple-choice item',
    columns: distractorColumns(),
    rows,
    searchLabel: 'Search items or options',
    searchPlaceholder: 'Item name or option',
    searchText: (row) => `${row.item} ${optionName(row.option)}`,
    noun: ['option', 'options'],
    extraControls: [h('label', { class: 'choice', for: 'ia-distractor-flagged-only' }, flaggedOnly, ' Flagged distractors only')],
  });
  flaggedOnly.addEventListener('change', () => table.setFilter(flaggedOnly.checked ? (row) => row.flagged : null));

  const download = h('button', { type: 'button', id: 'ia-distractor-download-csv', class: 'button button--small' }, 'Distractors CSV');
  download.addEventListener('click', () => downloadCsv(distractorsCsv(result), `${stem}-distractors.csv`));

  // The chart of the chosen item.
  const first = initialDistractorItem(distractors);
  const itemOf = (name) => distractors.find((it) => it.item === name);
  const select = h(
    'select',
    { id: 'ia-distractor-item', class: 'input', 'aria-describedby': 'ia-distractor-chart-help' },
    distractors.map((it) => h('option', { value: it.item, selected: it.item === first }, (it.options ?? []).some((o) => o.flagged) ? `${it.item} \u2014 flagged distractor` : it.item)),
  );
  const figure = chartsAvailable()
    ? chartFigure('ia-distractor-chart', distractorChartTitle(itemOf(first)), distractorChartDescription(itemOf(first)), () => `${stem}-distractors-${baseName(select.value)}.png`)
    : null;
  select.addEventListener('change', () => {
    const item = itemOf(select.value);
    const chart = figure?.querySelector('#ia-distractor-chart');
    if (!item || !chart) return;
    chart.setAttribute('aria-label', distractorChartDescription(item));
    figure.querySelector('.chart-figure__title').textContent = distractorChartTitle(item);
    drawDistractorChart(chart, item);
  });

  return h(
    'section',
    { class: 'panel', id: 'ia-distractors', 'aria-labelledby': 'ia-distractor-title' },
    h('h3', { id: 'ia-distractor-title', class: 'panel__title' }, 'Distractors'),
    summary,
    h('div', { class: 'run-row run-row--compact' }, download),
    table.element,
    h('h4', { class: 'panel__subtitle', id: 'ia-distractor-chart-title' }, 'Option curves'),
    h(
      'div',
      { class: 'chart-controls' },
      h('div', { class: 'field field--inline' }, h('label', { for: 'ia-distractor-item' }, 'Item'), select),
      h(
        'p',
        { class: 'help', id: 'ia-distractor-chart-help' },
        'The share of each rest-score group choosing each option (and omitting the item). A good item\u2019s key rises from the lowest group to the highest and its distractors fall. Select a name in the legend to hide or show its line.',
      ),
    ),
    figure
      ? h('div', { class: 'charts' }, figure)
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the table above holds the share of each group choosing each option.'),
  );
}

// Marker shapes of the options' lines, so that they differ by more than colour.
const OPTION_SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'roundRect', 'pin', 'arrow', 'emptyCircle'];

function drawDistractorChart(container, item) {
  renderLabelledPoints(container, {
    categories: REST_GROUPS,
    series: (item.options ?? []).map((o, i) => ({
      name: o.option === 'omit' ? 'omit' : o.key ? `${o.option} (key)` : o.option,
      points: REST_GROUPS.map((group, k) => ({ x: group, y: o.by_group?.[k] ?? null, note: o.flagged ? 'flagged distractor' : null })),
      showLabels: false,
      symbol: OPTION_SYMBOLS[i % OPTION_SYMBOLS.length],
      symbolSize: o.key ? 12 : 9,
    })),
    xName: 'Rest-score group',
    yName: 'Share choosing it',
    yMin: 0,
    yMax: 1,
  });
}

// --------------------------------------------------------------------- DIF

/**
 * The header and each column's values (trimmed, in order of first
 * appearance, with their counts) of a CSV file, read on the main thread for
 * the DIF panel's choices; null for an Excel file. Files over
 * TABLE_INFO_MAX_BYTES give their header only. Kept per loaded file.
 */
const tableInfoCache = new WeakMap();
function tableInfo(bytes) {
  if (tableInfoCache.has(bytes)) return tableInfoCache.get(bytes);
  let info = null;
  const whole = bytes.length <= TABLE_INFO_MAX_BYTES;
  const text = csvText(whole ? bytes : bytes.subarray(0, 1 << 16));
  if (text !== null) {
    const rows = parseCsv(text, whole ? {} : { maxRows: 1 });
    const header = (rows[0] ?? []).map((name) => name.trim());
    const columns = new Map();
    if (whole) {
      header.forEach((name, j) => {
        if (columns.has(name)) return;
        const counts = new Map();
        let overflow = false;
        for (let r = 1; r < rows.length && !overflow; r++) {
          const value = (rows[r][j] ?? '').trim();
          if (value === '') continue;
          counts.set(value, (counts.get(value) ?? 0) + 1);
          if (counts.size > MAX_GROUP_VALUES) overflow = true;
        }
        columns.set(name, overflow ? null : counts);
      });
    }
    info = { header: header.filter((name, j) => name !== '' && header.indexOf(name) === j), values: (name) => columns.get(name) ?? null };
  }
  tableInfoCache.set(bytes, info);
  return info;
}

/** The group column proposed first: `group`, a column named like a grouping, a column that is not an item, or the last. */
function defaultGroupColumn(header, items) {
  const named = (re) => header.find((name) => re.test(name));
  return (
    named(/^group$/i) ??
    named(/group|gender|sex|grp|cohort|country|language|region|school|form/i) ??
    header.find((name) => !items.has(name) && !/^id$/i.test(name)) ??
    header[header.length - 1] ??
    'group'
  );
}

/** "men" -> "Men" (for the comparisons' headings). */
const capitalised = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/** The panel's form and (after Run DIF) its results; the form's choices are kept in `context.difPrefs`. */
function difSection(result, context) {
  const { current, key, names, omits, difPrefs: prefs, stem } = context;
  if (!current) return null;
  const info = tableInfo(current.bytes);
  const items = new Set((result.items ?? []).map((it) => it.item));
  const header = info?.header ?? [];

  // Group column: a select of the header's names, or a text input when the header cannot be read here.
  const groupDefault = prefs.groupColumn && (!header.length || header.includes(prefs.groupColumn)) ? prefs.groupColumn : header.length ? defaultGroupColumn(header, items) : 'group';
  const groupControl = header.length
    ? h(
        'select',
        { id: 'ia-dif-group-column', class: 'input', 'aria-describedby': 'ia-dif-group-column-help' },
        header.map((name) => h('option', { value: name, selected: name === groupDefault }, name)),
      )
    : h('input', { type: 'text', id: 'ia-dif-group-column', class: 'input', value: groupDefault, size: '16', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'ia-dif-group-column-help' });
  const referenceBox = h('span', { class: 'ia-dif-reference-box' });
  // The columns left out before, as far as this file has them.
  const keptExclude = String(prefs.exclude ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name && (!header.length || header.includes(name)))
    .join(', ');
  const excludeInput = h('input', {
    type: 'text',
    id: 'ia-dif-exclude',
    class: 'input',
    value: keptExclude,
    size: '24',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'ia-dif-exclude-help',
  });
  const purifyBox = choice({ id: 'ia-dif-purify', name: 'ia-dif-purify', value: 'purify', type: 'checkbox', label: 'Purify the matching score', checked: Boolean(prefs.purify), describedBy: 'ia-dif-purify-help' });
  const runButton = h('button', { type: 'button', id: 'ia-dif-run', class: 'button button--primary' }, 'Run DIF');
  const status = h('p', { id: 'ia-dif-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'ia-dif-error', class: 'error-message', role: 'alert', hidden: true });
  const difResults = h('div', { id: 'ia-dif-results' });

  /** The reference group's control for the chosen column: a select of its values, or a text input. */
  function refreshReference() {
    const column = groupControl.value.trim();
    const counts = info ? info.values(column) : null;
    const typed = referenceBox.querySelector('input');
    if (!(counts && counts.size) && typed) return; // stays a text input: keep what was typed
    const wanted = typed?.value.trim() || prefs.reference;
    let control;
    if (counts && counts.size) {
      const values = [...counts.keys()];
      // Default: the largest group (the first of equal ones).
      const largest = values.reduce((best, v) => (counts.get(v) > counts.get(best) ? v : best), values[0]);
      const chosen = wanted !== null && counts.has(wanted) ? wanted : largest;
      control = h(
        'select',
        { id: 'ia-dif-reference', class: 'input', 'aria-describedby': 'ia-dif-reference-help' },
        values.map((v) => h('option', { value: v, selected: v === chosen }, `${v} (n = ${fmtInt(counts.get(v))})`)),
      );
    } else {
      control = h('input', {
        type: 'text',
        id: 'ia-dif-reference',
        class: 'input',
        value: wanted ?? '',
        size: '16',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-describedby': 'ia-dif-reference-help',
      });
    }
    referenceBox.replaceChildren(control);
  }
  refreshReference();
  referenceBox.addEventListener('change', () => {
    prefs.reference = referenceControl().value.trim();
  });
  groupControl.addEventListener('change', () => {
    prefs.groupColumn = groupControl.value.trim();
    refreshReference();
  });

  const section = h(
    'section',
    { class: 'panel', id: 'ia-dif', 'aria-labelledby': 'ia-dif-title' },
    h('h3', { id: 'ia-dif-title', class: 'panel__title' }, 'Differential item functioning'),
    h(
      'p',
      { class: 'help', id: 'ia-dif-help' },
      'Compares each focal group with the reference group item by item, among examinees with the same total score: Mantel-Haenszel (MH \u03C7\u00B2, the common odds ratio \u03B1_MH, MH D-DIF on the ETS delta scale and the ETS classes A, B, C), standardization (STD P-DIF, or the SMD for items scored 0, 1, 2, \u2026) and logistic regression (likelihood-ratio tests with the change of Nagelkerke\u2019s R\u00B2). ',
      key ? `The answers are scored with the answer key ${key.name} first (omits ${omits === 'missing' ? 'missing' : 'scored wrong'}). ` : '',
      'Flags call for a look at the item\u2019s content, not automatic removal.',
    ),
    h(
      'div',
      { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'ia-dif-group-column', class: 'field__label' }, 'Group column'), groupControl),
      h('div', { class: 'field' }, h('label', { for: 'ia-dif-reference', class: 'field__label' }, 'Reference group'), referenceBox),
      h('div', { class: 'field field--wide' }, h('label', { for: 'ia-dif-exclude', class: 'field__label' }, 'Leave out columns'), excludeInput),
    ),
    h(
      'p',
      { class: 'help', id: 'ia-dif-group-column-help' },
      header.length
        ? 'The column holding each examinee\u2019s group (an empty cell leaves the examinee out).'
        : 'The name of the column holding each examinee\u2019s group, as in the file\u2019s header (an Excel file\u2019s header is read when DIF runs).',
    ),
    h(
      'p',
      { class: 'help', id: 'ia-dif-reference-help' },
      'The group the others are compared with; every other value of the group column is a focal group, compared with it in turn.',
    ),
    h(
      'p',
      { class: 'help', id: 'ia-dif-exclude-help' },
      'Columns beside the items that are not items, such as a covariate (for example a trait score), separated by commas. The id column and the group column are left out anyway.',
    ),
    h('div', { class: 'options__choices' }, purifyBox),
    h(
      'p',
      { class: 'help', id: 'ia-dif-purify-help' },
      'Takes the items the MH test flags out of the matching score and recomputes, until the flagged items repeat (at most 10 times, as difR).',
    ),
    error,
    h('div', { class: 'run-row' }, runButton, status),
    difResults,
  );

  let difCounter = 0;
  let running = false;
  const referenceControl = () => section.querySelector('#ia-dif-reference');

  async function runDif() {
    if (running) return;
    error.hidden = true;
    error.textContent = '';
    const groupColumn = groupControl.value.trim();
    const reference = referenceControl().value.trim();
    const exclude = excludeInput.value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const purify = section.querySelector('#ia-dif-purify').checked;
    Object.assign(prefs, { groupColumn, reference, exclude: excludeInput.value, purify });
    if (!groupColumn) {
      showMessage(error, 'Enter the name of the group column.');
      groupControl.focus();
      return;
    }
    if (!reference) {
      showMessage(error, 'Choose or enter the reference group: one of the values of the group column.');
      referenceControl().focus();
      return;
    }
    const options = { fileName: names.data, reference, groupColumn, exclude, purify };
    if (key) Object.assign(options, { keyFileName: names.key, omits });
    const token = ++difCounter;
    running = true;
    markBusy(section, true, [runButton]);
    setStatus(status, `Running DIF by ${groupColumn} (reference ${reference})\u2026`, { spinner: true });
    const started = performance.now();
    try {
      const dif = await analyzeDif(current.bytes, options, key?.bytes ?? null);
      if (token !== difCounter || !section.isConnected) return;
      const seconds = (performance.now() - started) / 1000;
      renderDif(difResults, dif, stem);
      const flagged = (dif.comparisons ?? []).reduce((n, c) => n + (c.flagged_items ?? []).length, 0);
      const nComparisons = (dif.comparisons ?? []).length;
      setStatus(
        status,
        `DIF by ${groupColumn}: ${fmtInt(nComparisons)} focal ${nComparisons === 1 ? 'group' : 'groups'} against ${dif.reference ?? reference}, ${fmtInt(flagged)} flagged ${flagged === 1 ? 'item' : 'items'} (${seconds.toFixed(2)} s).`,
      );
    } catch (err) {
      if (token !== difCounter || !section.isConnected) return;
      if (err?.code === 'cancelled') {
        setStatus(status, 'Cancelled. Select Run DIF to start again.');
        return;
      }
      showMessage(error, err?.message ?? String(err));
      setStatus(status, difResults.hasChildNodes() ? 'DIF did not run; see the message above. The results below are those of the last run.' : 'DIF did not run; see the message above.');
    } finally {
      if (token === difCounter) {
        running = false;
        markBusy(section, false, [runButton]);
      }
    }
  }
  runButton.addEventListener('click', () => runDif());
  return section;
}

/** A DIF result's rows as `pacer dif --format csv` has them (null: an empty cell). */
function difRecords(dif) {
  return (dif.comparisons ?? []).flatMap((c) =>
    (c.items ?? []).map((it) => {
      const mh = it.mh ?? null;
      const lr = it.logistic ?? null;
      const test = (name) => lr?.[name] ?? null;
      return {
        focal: c.focal,
        item: it.item,
        item_type: it.item_type,
        n_reference: it.n_reference,
        n_focal: it.n_focal,
        mh_chi_square: mh?.chi_square ?? null,
        mh_p: mh?.p ?? null,
        mh_flagged: mh ? mh.flagged : null,
        alpha_mh: mh?.alpha_mh ?? null,
        delta_mh: mh?.delta_mh ?? null,
        delta_se: mh?.delta_se ?? null,
        log_or_z: mh?.log_or_z ?? null,
        ets_class: it.ets_class ?? null,
        effect_size_class: it.effect_size_class ?? null,
        std: it.std?.value ?? null,
        std_relative_to_sd: it.std?.relative_to_sd ?? null,
        std_class: it.std?.class ?? null,
        lr_uniform_chi_square: test('uniform')?.chi_square ?? null,
        lr_uniform_p: test('uniform')?.p ?? null,
        lr_uniform_r2_change: test('uniform')?.r2_change ?? null,
        lr_nonuniform_chi_square: test('nonuniform')?.chi_square ?? null,
        lr_nonuniform_p: test('nonuniform')?.p ?? null,
        lr_nonuniform_r2_change: test('nonuniform')?.r2_change ?? null,
        lr_both_chi_square: test('both')?.chi_square ?? null,
        lr_both_p: test('both')?.p ?? null,
        lr_both_r2_change: test('both')?.r2_change ?? null,
        lr_class: lr?.class ?? null,
      };
    }),
  );
}

/** The DIF table as `pacer dif --format csv` writes it. */
function difCsv(dif) {
  return cliCsv(DIF_CSV_HEADER, difRecords(dif).map((r) => DIF_CSV_HEADER.map((name) => r[name])));
}

/** p-values: three decimals, or scientific notation below .001. */
const fmtP = (p) => (isNumber(p) && p < 0.001 ? fmtSci(p) : fmt(p, 3));

/** A text column (a class letter): the text, or an em dash; `flaggedWhen(row)` marks the cell. */
function classColumn(key, label, description, flaggedWhen = () => false) {
  return {
    key,
    label,
    description,
    render: (row, cell) => {
      cell.textContent = row[key] ?? DASH;
    },
    cellClass: (row) => (flaggedWhen(row) ? 'is-flagged' : ''),
  };
}

function difColumns(rows) {
  const poly = rows.some((r) => r.item_type === 'polytomous');
  const cols = [ITEM_NAME_COLUMN];
  if (poly) cols.push({ key: 'item_type', label: 'Type', description: 'binary (scores 0/1) or polytomous (MH and logistic regression are for 0/1 items)' });
  cols.push(
    numberColumn('mh_chi_square', 'MH \u03C7\u00B2', 'Mantel-Haenszel chi-square (1 df)'),
    numberColumn('mh_p', 'p', 'p-value of the MH chi-square', { format: fmtP, cellClass: (row) => (row.mh_flagged ? 'is-flagged' : '') }),
    numberColumn('alpha_mh', '\u03B1_MH', 'Mantel-Haenszel common odds ratio (above 1: the item favours the reference group)'),
    numberColumn('delta_mh', 'MH D-DIF', 'MH D-DIF = \u22122.35 ln \u03B1_MH on the ETS delta scale (negative: the item favours the reference group)', {
      cellClass: (row) => (row.ets_class === 'C' ? 'is-flagged' : ''),
    }),
    numberColumn('delta_se', 'SE', 'Standard error of MH D-DIF'),
    classColumn('ets_class', 'ETS', 'ETS class: A negligible, B slight to moderate, C moderate to large DIF', (row) => row.ets_class === 'C'),
    numberColumn('std', poly ? 'STD P-DIF / SMD' : 'STD P-DIF', 'Standardization index, focal minus reference: STD P-DIF for 0/1 items, the SMD for polytomous items'),
    classColumn('std_class', 'STD class', 'Class of the standardization index (A, B, C)', (row) => row.std_class === 'C'),
    numberColumn('lr_both_r2_change', 'LR \u0394R\u00B2', 'Logistic regression: change of Nagelkerke\u2019s R\u00B2 for uniform and non-uniform DIF together (2 df)', { digits: 4 }),
    numberColumn('lr_both_p', 'LR p', 'p-value of the logistic regression test for uniform and non-uniform DIF (2 df)', { format: fmtP }),
    classColumn('lr_class', 'LR class', 'Jodoin & Gierl class of the 2-df logistic regression test (A, B, C)', (row) => row.lr_class === 'C'),
    {
      key: 'mh_flagged',
      label: 'Flags',
      description: 'Whether the MH chi-square is significant, and the ETS class C',
      value: (row) => (row.mh_flagged ? 0 : 1) + (row.ets_class === 'C' ? 0 : 0.5),
      render: (row, cell) => {
        cell.dataset.flagged = String(Boolean(row.mh_flagged));
        const badges = [];
        if (row.mh_flagged) badges.push(h('span', { class: 'badge', title: 'The MH chi-square is significant' }, h('span', { 'aria-hidden': 'true' }, '\u25B2 '), 'MH flagged'));
        if (row.ets_class === 'C') badges.push(h('span', { class: 'badge', title: 'ETS class C: moderate to large DIF' }, h('span', { 'aria-hidden': 'true' }, '\u25C6 '), 'ETS C'));
        if (badges.length) cell.append(...badges.flatMap((b, i) => (i ? [' ', b] : [b])));
        else cell.append(h('span', { class: 'visually-hidden' }, 'none'));
      },
    },
  );
  return cols;
}

/** Fills `container` with the DIF result: downloads, then one part per focal group. */
function renderDif(container, dif, stem) {
  for (const el of container.querySelectorAll('.chart')) disposeChart(el);
  const records = difRecords(dif);
  const csvButton = h('button', { type: 'button', id: 'ia-dif-download-csv', class: 'button button--small' }, 'DIF CSV');
  csvButton.addEventListener('click', () => downloadCsv(difCsv(dif), `${stem}-dif.csv`));
  const jsonButton = h('button', { type: 'button', id: 'ia-dif-download-json', class: 'button button--small' }, 'DIF JSON');
  jsonButton.addEventListener('click', () => downloadJson(dif, `${stem}-dif.json`));
  const meta = [
    `reference: ${dif.reference}`,
    `${fmtInt(dif.n_persons)} examinees`,
    dif.n_without_group ? `${fmtInt(dif.n_without_group)} without a group (left out)` : null,
    `\u03B1 = ${dif.alpha}`,
    dif.continuity_correction === false ? 'no continuity correction' : 'continuity correction',
    dif.purify ? 'purified matching score' : 'matching on the total score',
    dif.engine ? `${dif.engine.name} ${dif.engine.version}` : null,
  ].filter(Boolean);
  const parts = (dif.comparisons ?? []).map((c, k) => {
    const n = k + 1;
    const rows = records.filter((r) => r.focal === c.focal);
    const flagged = c.flagged_items ?? [];
    const purification = c.purification;
    const flaggedOnly = h('input', { type: 'checkbox', id: `ia-dif-${n}-flagged-only` });
    const table = createTable({
      id: `ia-dif-table-${n}`,
      caption: `DIF of each item: ${c.focal} vs ${dif.reference}`,
      columns: difColumns(rows),
      rows,
      ...ITEM_ROWS,
      extraControls: [h('label', { class: 'choice', for: `ia-dif-${n}-flagged-only` }, flaggedOnly, ' Flagged items only')],
    });
    flaggedOnly.addEventListener('change', () => table.setFilter(flaggedOnly.checked ? (row) => row.mh_flagged || row.ets_class === 'C' : null));
    const chartId = `ia-dif-chart-${n}`;
    const figure = chartsAvailable()
      ? chartFigure(
          chartId,
          `MH D-DIF by item: ${c.focal} vs ${dif.reference}`,
          `Bar chart of each item\u2019s MH D-DIF for ${c.focal} against ${dif.reference}, with dashed guide lines at \u00B11 and \u00B11.5 (the ETS class boundaries; negative values favour ${dif.reference}). The numbers are in the table.`,
          `${stem}-dif-${baseName(c.focal)}.png`,
        )
      : null;
    return {
      chartId,
      rows,
      element: h(
        'section',
        { class: 'ia-dif-comparison', id: `ia-dif-comparison-${n}`, 'aria-labelledby': `ia-dif-comparison-${n}-title` },
        h('h4', { class: 'panel__subtitle', id: `ia-dif-comparison-${n}-title` }, `${capitalised(c.focal)} vs ${dif.reference} (reference)`),
        h(
          'dl',
          { class: 'summary' },
          stat('Reference (n)', fmtInt(c.n_reference), { id: `ia-dif-${n}-n-reference` }),
          stat('Focal (n)', fmtInt(c.n_focal), { id: `ia-dif-${n}-n-focal` }),
          stat('Flagged items', fmtInt(flagged.length), {
            id: `ia-dif-${n}-flagged`,
            note: flagged.length ? flagged.join(', ') : null,
            title: `Items whose MH chi-square is significant at \u03B1 = ${dif.alpha}`,
            flagged: flagged.length > 0,
          }),
          purification
            ? stat('Purification', `${fmtInt(purification.iterations)} ${purification.iterations === 1 ? 'iteration' : 'iterations'}`, {
                id: `ia-dif-${n}-purification`,
                note: purification.converged ? null : 'not converged',
              })
            : null,
        ),
        table.element,
        figure ? h('div', { class: 'charts' }, figure) : h('p', { class: 'notice' }, 'The charting library could not be loaded; the table above holds all the results.'),
      ),
    };
  });
  container.replaceChildren(
    h('h4', { class: 'panel__subtitle', id: 'ia-dif-results-title' }, 'DIF results'),
    h('p', { class: 'results__meta', id: 'ia-dif-meta' }, meta.join(' \u00B7 ')),
    h('div', { class: 'downloads', role: 'group', 'aria-label': 'DIF downloads' }, h('span', { class: 'downloads__label' }, 'Download:'), csvButton, jsonButton),
    ...[warningsPanel('ia-dif-', dif.warnings), ...parts.map((p) => p.element)].filter(Boolean), // (replaceChildren would print a null)
  );
  if (!chartsAvailable()) return;
  for (const part of parts) {
    const chart = container.querySelector(`#${part.chartId}`);
    if (chart) drawDifChart(chart, part.rows);
  }
}

const GUIDE_COLOR = '#6b7280';

/** MH D-DIF of each item as bars, with dashed guide lines at ±1 and ±1.5. */
function drawDifChart(container, rows) {
  const chart = renderBars(container, {
    categories: rows.map((r) => r.item),
    series: [{ name: 'MH D-DIF', values: rows.map((r) => r.delta_mh) }],
    xName: 'Item',
    yName: 'MH D-DIF',
    yMin: (extent) => Math.min(-2, Math.floor(extent.min)),
    yMax: (extent) => Math.max(2, Math.ceil(extent.max)),
  });
  // renderBars draws one guide; the ETS boundaries need four, added to its series.
  chart?.setOption({
    series: [
      {
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: GUIDE_COLOR, type: 'dashed', width: 1 },
          label: { formatter: '{b}', position: 'insideEndTop', color: GUIDE_COLOR, fontSize: 11 },
          data: [
            { yAxis: 1.5, name: '+1.5' },
            { yAxis: 1, name: '+1' },
            { yAxis: -1, name: '\u22121' },
            { yAxis: -1.5, name: '\u22121.5' },
          ],
        },
      },
    ],
  });
}
