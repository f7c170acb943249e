// CDM Calibration tool: cognitive diagnosis models of the G-DINA family
// (G-DINA; DINA, DINO; A-CDM, LLM, R-RUM) for 0/1 items and a Q-matrix,
// fitted by marginal maximum likelihood (EM over the 2^K latent classes,
// several starts) in the engine's Web Worker (calibrate_cdm).
// Input: a response file and a Q-matrix file (chosen or dropped, with a
// preview of their first rows and their sizes), or the bundled fraction
// subtraction sample. A calibration starts on Run; a progress bar shows the
// EM iterations and Cancel stops it.
// Results: fit statistics (M2, RMSEA2, SRMSR) and the starts, warnings, an item
// table (guess, slip, IDI, monotonicity) whose rows expand to the item's
// pattern probabilities and delta coefficients, the Q-matrix validation
// (GDI/PVAF suggestions and a mesa plot), the parameters by attribute pattern,
// attribute prevalences (chart and table), class proportions, downloads, and
// a hand-off of the calibration to the Skill Profiler.
//
// Every number shown comes from the engine's result; nothing is computed here.

import { analyzeItems, calibrateCdm, cancelCdm } from '../engine.js';
import { DASH, fmt, fmtInt, fmtSci, fmtShort, h, isNumber } from '../format.js';
import { createTable, ITEM_NAME_COLUMN, ITEM_ROWS, numberCell, numberColumn, staticTable } from '../table.js';
import { chartFigure, chartsAvailable, renderBars, renderLabelledPoints } from '../charts.js';
import { baseName, cliCsv, downloadCsv, downloadJson } from '../download.js';
import { createDataInput, createFileSlot, csvText, parseCsv, previewTable, responseFileHelp } from '../data-input.js';
import { publishCdmCalibration } from '../handoff.js';
import {
  choice,
  clearFieldErrors,
  createProgress,
  describeStop,
  fieldError,
  fieldErrors as errors,
  hiddenHelp,
  labelledField as labelled,
  markBusy,
  numberStat,
  resultsHeader,
  runRow,
  setStatus,
  showMessage as showError,
  showResults,
  stat,
  stopReason,
  textInput,
  toolSection,
  warningsPanel,
} from '../tool-ui.js';

export const id = 'cdm-calibration';
export const title = 'CDM Calibration';

const SAMPLES = [
  {
    id: 'run-sample',
    noteId: 'sample-note',
    label: 'Try the sample data',
    note: 'Tatsuoka\u2019s fraction subtraction: 536 examinees, 20 items, 8 attributes; loads the responses and the Q-matrix and runs with the model and options below',
    file: 'fraction-subtraction.csv',
    // The sample's Q-matrix (in www/samples/).
    q: 'fraction-subtraction-Q.csv',
  },
];

const HELP = responseFileHelp(
  'Scores are 0 (wrong) and 1 (right); empty cells are missing responses and are left out of that examinee\u2019s likelihood.',
  'calibrated',
);

// The models, in three families; each model's one-line description.
const MODEL_FAMILIES = [
  {
    key: 'general',
    title: 'General',
    models: [
      {
        value: 'gdina',
        label: 'G-DINA',
        text: 'Saturated: a success probability for every pattern of the item\u2019s required attributes. The most general model; needs the most data.',
      },
    ],
  },
  {
    key: 'reduced',
    title: 'Reduced (conjunctive and disjunctive)',
    models: [
      { value: 'dina', label: 'DINA', text: 'Conjunctive: only examinees mastering every required attribute succeed (1 \u2212 slip); all others guess. Two parameters per item.' },
      { value: 'dino', label: 'DINO', text: 'Disjunctive: mastering any one required attribute is enough (1 \u2212 slip); mastering none means guessing. Two parameters per item.' },
    ],
  },
  {
    key: 'additive',
    title: 'Additive',
    models: [
      { value: 'acdm', label: 'A-CDM', text: 'Identity link: each mastered attribute adds its own amount to the success probability.' },
      { value: 'llm', label: 'LLM', text: 'Logit link: each mastered attribute adds its own amount to the log-odds of success (compensatory).' },
      { value: 'rrum', label: 'R-RUM', text: 'Log link: each missing attribute multiplies the success probability by its own penalty (non-compensatory).' },
    ],
  },
];
const MODELS = MODEL_FAMILIES.flatMap((f) => f.models);
const modelLabel = (value) => MODELS.find((m) => m.value === value)?.label ?? String(value ?? '').toUpperCase();

// The scales the delta coefficients can be reported on; the additive models fix theirs.
const LINKS = [
  { value: 'identity', label: 'Identity (probabilities)' },
  { value: 'logit', label: 'Logit (log-odds)' },
  { value: 'log', label: 'Log (log-probabilities)' },
];
const FIXED_LINK = { acdm: 'identity', llm: 'logit', rrum: 'log' };
const linkName = (value) => ({ identity: 'identity', logit: 'logit', log: 'log' })[value] ?? String(value ?? 'identity');

const DISTRIBUTIONS = [
  { value: 'saturated', label: 'Saturated', text: 'A free proportion for every latent class (2^K \u2212 1 parameters). The default, as GDINA.' },
  { value: 'independent', label: 'Independent', text: 'Attributes mastered independently of each other (K parameters).' },
  { value: 'higher-order', label: 'Higher-order', text: 'One latent trait underlies the attributes: an intercept and a slope per attribute (2K parameters; de la Torre & Douglas, 2004).' },
];

// The options' defaults (GDINA's).
const DEFAULTS = { tol: '0.0001', maxIter: '2000', starts: '3', seed: '123456', m2MaxItems: '60' };

// Which form control each option named in an engine error belongs to.
const OPTION_FIELDS = {
  model: 'cdm-model-gdina',
  link: 'cdm-link',
  attributeDistribution: 'cdm-dist-saturated',
  'attribute-distribution': 'cdm-dist-saturated',
  tol: 'cdm-tol',
  maxIter: 'cdm-max-iter',
  'max-iter': 'cdm-max-iter',
  starts: 'cdm-starts',
  seed: 'cdm-seed',
  m2MaxItems: 'cdm-m2-max-items',
  'm2-max-items': 'cdm-m2-max-items',
};

// Files up to this size are looked at (by the engine's item analysis) when they load, for the preview.
const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;
// Rows of a file shown in its preview (under the header).
const PREVIEW_ROWS = 5;
// The tables of patterns and classes render at most this many rows (sorting and searching reach the others).
const MAX_TABLE_ROWS = 1000;

// ------------------------------------------------------------------ markup

/** The tool's section: heading, lead, the data panel (responses and Q-matrix), the options panel and the results region. */
function template(dataPanel) {
  return toolSection(
    {
      id,
      titleId: 'cdm-title',
      title,
      lead: 'Cognitive diagnosis models for right/wrong items and a Q-matrix: G-DINA, DINA, DINO and the additive A-CDM, LLM and R-RUM, fitted by marginal maximum likelihood (EM over the latent classes). Item parameters by attribute pattern with standard errors, delta coefficients, model fit, attribute prevalences and class proportions.',
      resultsId: 'cdm-results',
      resultsTitleId: 'cdm-results-title',
    },
    dataPanel,
    optionsPanel(),
  );
}

/** The Q-matrix's help paragraph (referred to by its file input). */
function qHelp() {
  return h(
    'p',
    { class: 'help', id: 'cdm-q-help' },
    'Q-matrix: a CSV (or Excel) file with a header row; its first column names the items as in the response file\u2019s header, each other column is an attribute (named in the header), with 1 where the item requires the attribute and 0 where it does not. For example ',
    h('code', {}, 'item,A1,A2,A3'),
    ' then ',
    h('code', {}, 'V1,1,0,1'),
    '. At most 12 attributes.',
  );
}

/** A model's radio button with its one-line description. */
function modelRadio(m) {
  return choice({
    id: `cdm-model-${m.value}`,
    name: 'cdm-model',
    value: m.value,
    label: m.label,
    checked: m.value === 'gdina',
    describedBy: `cdm-model-${m.value}-desc`,
    description: m.text,
  });
}

/** The model chooser (three families), the options, Run and its status line. */
function optionsPanel() {
  const whole = (inputId, value) => textInput(inputId, value, { inputmode: 'numeric', size: 8 });
  const link = h(
    'select',
    { id: 'cdm-link', class: 'input', 'aria-describedby': 'cdm-link-help cdm-link-error' },
    LINKS.map((l) => h('option', { value: l.value, selected: l.value === 'identity' }, l.label)),
  );
  return h(
    'div',
    { class: 'panel', id: 'cdm-options-panel', role: 'group', 'aria-labelledby': 'cdm-options-title' },
    h('h2', { class: 'panel__title', id: 'cdm-options-title' }, 'Model and options'),
    h(
      'fieldset',
      { class: 'options' },
      h('legend', {}, 'Model'),
      MODEL_FAMILIES.map((family) => [
        h('p', { class: 'model-group-title', id: `cdm-models-${family.key}-title` }, family.title),
        h('div', { class: 'model-choices' }, family.models.map(modelRadio)),
      ]),
      errors('cdm-model-gdina'),
    ),
    h(
      'div',
      { class: 'option-grid' },
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Delta coefficients'),
        h('div', { class: 'field-row' }, labelled('cdm-link', 'Link', link)),
        h('p', { class: 'help', id: 'cdm-link-help' }, h('span', { id: 'cdm-link-text' })),
        errors('cdm-link'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Attribute distribution'),
        h(
          'div',
          { class: 'options__choices' },
          DISTRIBUTIONS.map((d) =>
            choice({
              id: `cdm-dist-${d.value}`,
              name: 'cdm-dist',
              value: d.value,
              label: d.label,
              checked: d.value === 'saturated',
              describedBy: `cdm-dist-${d.value}-desc cdm-dist-saturated-error`,
              description: d.text,
            }),
          ),
        ),
        errors('cdm-dist-saturated'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Convergence'),
        h('div', { class: 'field-row' }, labelled('cdm-tol', 'Tolerance', textInput('cdm-tol', DEFAULTS.tol)), labelled('cdm-max-iter', 'Max. iterations', whole('cdm-max-iter', DEFAULTS.maxIter))),
        h(
          'p',
          { class: 'help', id: 'cdm-tol-help' },
          'EM stops when no success probability or class proportion changes by more than the tolerance (default 1e-4, as GDINA), or after the maximum number of iterations (default 2000); the result then says it did not converge.',
        ),
        hiddenHelp('cdm-max-iter', 'The iteration limit, a whole number of at least 1.'),
        errors('cdm-tol', 'cdm-max-iter'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Starts'),
        h('div', { class: 'field-row' }, labelled('cdm-starts', 'Starts', whole('cdm-starts', DEFAULTS.starts)), labelled('cdm-seed', 'Seed', whole('cdm-seed', DEFAULTS.seed))),
        h(
          'p',
          { class: 'help', id: 'cdm-starts-help' },
          'The likelihood can have several maxima: EM starts from fixed values and from random ones drawn with the seed, runs each a few iterations and continues the best (default 3 starts, seed 123456, as GDINA).',
        ),
        hiddenHelp('cdm-seed', 'The seed of the random starts, a whole number of 0 or more.'),
        errors('cdm-starts', 'cdm-seed'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Absolute fit'),
        h('div', { class: 'field-row' }, labelled('cdm-m2-max-items', 'M2 up to items', whole('cdm-m2-max-items', DEFAULTS.m2MaxItems))),
        h(
          'p',
          { class: 'help', id: 'cdm-m2-max-items-help' },
          'M2 and RMSEA2 are computed for tests of at most this many items (default 60; 0 leaves them out): their time grows with the sixth power of the number of items.',
        ),
        errors('cdm-m2-max-items'),
      ),
    ),
    h('p', { id: 'cdm-options-error', class: 'error-message', role: 'alert', hidden: true }),
    runRow('cdm-', 'Run calibration'),
  );
}

// ------------------------------------------------------------------- mount

/** Builds the page in `container` and wires its files, options, Run and Cancel. */
export function mount(container) {
  // The loaded files stay on the main thread (the worker gets copies), so a
  // calibration can be re-run with other options without reloading them. A
  // sample loads both files and runs; chosen files wait for Run.
  const data = createDataInput({
    idPrefix: 'cdm-',
    help: HELP,
    samples: SAMPLES,
    onLoadStart: (name) => {
      clearErrors();
      setBusy(true);
      setStatus(status, `Reading ${name}\u2026`, { spinner: true });
    },
    onLoad: (loaded, { sample }) => {
      setBusy(false);
      previewResponses(loaded);
      if (sample?.q) loadSampleQ(sample);
      else setStatus(status, `${loaded.name} is loaded. ${qSlot.ready ? 'Choose the model and options' : 'Choose the Q-matrix'}, then select Run calibration.`);
    },
    onLoadError: () => {
      setBusy(false);
      setStatus(status, '');
    },
    // A new file while a calibration runs: keep the run going; the file is used by the next Run.
    queueWhileBusy: true,
    busyDropMessage: 'A calibration is running: cancel it first, or wait for it to finish.',
  });
  const qSlot = createFileSlot({
    id: 'cdm-q',
    title: 'Q-matrix',
    description: 'Which attributes each item requires.',
    button: 'Choose the Q-matrix\u2026',
    helpId: 'cdm-q-help',
    emptyMessage: 'the file is empty: it needs a header row (item and the attributes) and one row per item.',
    onChange: (file) => {
      if (file?.bytes) previewQ(file);
      if (!busy && file?.bytes) {
        setStatus(status, data.current ? `${file.name} is loaded. Choose the model and options, then select Run calibration.` : `${file.name} is loaded. Choose the response file, then select Run calibration.`);
      }
    },
  });
  data.element.append(
    h('p', { class: 'help', id: 'cdm-data-sizes', role: 'status', hidden: true }),
    h('div', { id: 'cdm-data-preview', class: 'file-preview', hidden: true }),
    h('div', { class: 'form-files' }, qSlot.element),
    qHelp(),
  );
  const progress = createProgress({ idPrefix: 'cdm-', label: 'Calibration progress' });
  const root = template(data.element);
  root.querySelector('#cdm-options-panel').append(progress.element);
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const status = $('#cdm-status');
  const results = $('#cdm-results');
  const runButton = $('#cdm-run');
  const optionsError = $('#cdm-options-error');
  const linkSelect = $('#cdm-link');

  let busy = false;
  let runCounter = 0; // replies for an older run are ignored
  let qCounter = 0; // a later Q-matrix load wins over an earlier one
  let chosenLink = 'identity'; // the link chosen for G-DINA, DINA and DINO

  const selectedModel = () => root.querySelector('input[name="cdm-model"]:checked').value;

  // ---- messages
  /** Clears the messages; an error the engine found in the Q-matrix stays until that file is replaced. */
  function clearErrors() {
    data.clearError();
    clearFieldErrors(root, [optionsError]);
    qSlot.refreshError();
  }
  /** Marks the page busy (a file is read or a calibration runs) or idle. */
  function setBusy(isBusy) {
    busy = isBusy;
    markBusy(root, isBusy, [runButton]);
    data.setBusy(isBusy);
  }

  // ---- previews
  /** The response file's first rows, and its size as the engine's item analysis reads it. */
  async function previewResponses(loaded) {
    const sizes = $('#cdm-data-sizes');
    const previewBox = $('#cdm-data-preview');
    sizes.hidden = true;
    const text = loaded.bytes.length <= PREVIEW_MAX_BYTES ? csvText(loaded.bytes) : null;
    const rows = text === null ? [] : parseCsv(text, { maxRows: PREVIEW_ROWS + 1 });
    previewBox.replaceChildren(...(rows.length ? [previewTable('cdm-data-preview-table', `First rows of ${loaded.name}`, rows)] : []));
    previewBox.hidden = !rows.length;
    if (loaded.bytes.length > PREVIEW_MAX_BYTES) return;
    let analysis;
    try {
      analysis = await analyzeItems(loaded.bytes, { fileName: loaded.name });
    } catch {
      return; // the calibration reports what is wrong with the file
    }
    if (data.current !== loaded) return; // another file came meanwhile
    const nItems = (analysis.items ?? []).length;
    sizes.replaceChildren(
      h('strong', {}, loaded.name),
      `: ${fmtInt(analysis.n_persons)} ${analysis.n_persons === 1 ? 'examinee' : 'examinees'}, ${fmtInt(nItems)} ${nItems === 1 ? 'item' : 'items'}`,
      analysis.id_column ? `; an ${analysis.id_column} column` : '',
      '.',
    );
    sizes.hidden = false;
  }

  /** The Q-matrix's first rows, and its items and attributes as its header and rows name them (CSV files). */
  function previewQ(file) {
    const text = csvText(file.bytes);
    if (text === null) {
      qSlot.preview.replaceChildren(h('p', { class: 'help', id: 'cdm-q-sizes' }, `${file.name} is an Excel file: its items and attributes are read when the calibration runs.`));
      qSlot.preview.hidden = false;
      return;
    }
    const rows = parseCsv(text);
    const attributes = (rows[0] ?? []).slice(1);
    const nItems = Math.max(0, rows.length - 1);
    const shownAttributes = attributes.slice(0, 12).join(', ') + (attributes.length > 12 ? ', \u2026' : '');
    qSlot.preview.replaceChildren(
      h(
        'p',
        { class: 'help', id: 'cdm-q-sizes', role: 'status' },
        h('strong', {}, file.name),
        `: ${fmtInt(nItems)} ${nItems === 1 ? 'item' : 'items'}, ${fmtInt(attributes.length)} ${attributes.length === 1 ? 'attribute' : 'attributes'}${attributes.length ? ` (${shownAttributes})` : ''}.`,
      ),
      rows.length ? previewTable('cdm-q-preview-table', `First rows of ${file.name}`, rows.slice(0, PREVIEW_ROWS + 1)) : null,
    );
    qSlot.preview.hidden = false;
  }

  /** Fetches the sample's Q-matrix, then runs the calibration. */
  async function loadSampleQ(sample) {
    const token = ++qCounter;
    let bytes;
    try {
      const response = await fetch(new URL(`../samples/${sample.q}`, import.meta.url));
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (token !== qCounter) return;
      qSlot.showError(`The sample\u2019s Q-matrix (${sample.q}) could not be read: ${error?.message ?? error}. Please try again.`);
      setStatus(status, '');
      return;
    }
    if (token !== qCounter) return;
    qSlot.set({ name: sample.q, bytes });
    previewQ(qSlot.file);
    run();
  }

  // ---- options
  /**
   * Enables the link for the models that report delta on a chosen link (with
   * the user's last choice there), shows the fixed one of the others, and says
   * what it is.
   */
  function syncOptionControls() {
    const fixed = FIXED_LINK[selectedModel()];
    linkSelect.disabled = Boolean(fixed);
    linkSelect.value = fixed ?? chosenLink;
    $('#cdm-link-text').textContent = fixed
      ? `${modelLabel(selectedModel())} is defined on the ${fixed} link: its delta coefficients are on that scale.`
      : 'The scale of the delta coefficients (G-DINA, DINA, DINO): identity for effects on the success probability (default, as GDINA), logit for log-odds, log for log-probabilities. The model and its fit are the same.';
  }

  /** The engine's options from the form, or null (with the errors shown) when one is invalid. */
  function readOptions(names) {
    let ok = true;
    const invalid = (inputId, message) => {
      fieldError(root, inputId, message);
      ok = false;
    };
    const number = (inputId, { integer = false, min = null, max = null, text }) => {
      const raw = $(`#${inputId}`).value.trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value)) || (min !== null && value < min) || (max !== null && value > max)) {
        invalid(inputId, raw === '' ? `Enter ${text}.` : `\u201C${raw}\u201D is not ${text}.`);
      }
      return value;
    };
    const tol = number('cdm-tol', { text: 'a positive number such as 0.0001 or 1e-4' });
    if (isNumber(tol) && !(tol > 0)) invalid('cdm-tol', 'The tolerance must be greater than 0, for example 0.0001 or 1e-4.');
    const maxIter = number('cdm-max-iter', { integer: true, min: 1, text: 'a whole number of iterations (at least 1)' });
    const starts = number('cdm-starts', { integer: true, min: 1, max: 100, text: 'a whole number of starts from 1 to 100' });
    const seed = number('cdm-seed', { integer: true, min: 0, text: 'a whole number of 0 or more' });
    const m2MaxItems = number('cdm-m2-max-items', { integer: true, min: 0, text: 'a whole number of items (0 or more)' });
    if (!ok) return null;
    const model = selectedModel();
    const link = linkSelect.value;
    return {
      fileName: names.data,
      qFileName: names.q,
      model,
      // Sent only when it is not the default (identity); the additive models fix theirs.
      ...(!FIXED_LINK[model] && link !== 'identity' ? { link } : {}),
      attributeDistribution: root.querySelector('input[name="cdm-dist"]:checked').value,
      tol,
      maxIter,
      starts,
      seed,
      m2MaxItems,
    };
  }

  /** The names the engine gets: the files' own, told apart when both are the same. */
  function engineNames(dataName, qName) {
    if (dataName !== qName) return { data: dataName, q: qName };
    return { data: `${dataName} (responses)`, q: `${qName} (Q-matrix)` };
  }

  // ---- run
  /** Calibrates the loaded files with the chosen model and options, and shows the result or routes the error to its input. */
  async function run() {
    if (busy) return;
    clearErrors();
    const current = data.current;
    const q = qSlot.file;
    if (!current) {
      setStatus(status, '');
      data.showError('Choose a response file first (or try the sample data), then select Run.');
      return;
    }
    if (!qSlot.ready) {
      if (!q) qSlot.showError('Choose the Q-matrix file (or try the sample data), then select Run.');
      setStatus(status, 'Please choose the Q-matrix.');
      return;
    }
    const names = engineNames(current.name, q.name);
    const options = readOptions(names);
    if (!options) {
      setStatus(status, 'Please correct the highlighted options.');
      root.querySelector('[aria-invalid="true"]:not([type="file"])')?.focus();
      return;
    }
    const token = ++runCounter;
    setBusy(true);
    setStatus(status, `Calibrating ${current.name} with ${q.name} (${modelLabel(options.model)})\u2026`, { spinner: true });
    progress.start(options.maxIter, options.tol);
    const started = performance.now();
    try {
      const result = await calibrateCdm(current.bytes, q.bytes, options, (report) => {
        if (token === runCounter) progress.show(report);
      });
      if (token !== runCounter) return;
      const seconds = (performance.now() - started) / 1000;
      progress.stop();
      setBusy(false);
      if (qSlot.file === q) qSlot.clearStoredError();
      renderResults(results, result, { responses: current, q });
      setStatus(status, `Calibrated ${current.name}: ${modelLabel(result.model ?? options.model)}, ${describeStop(result)} (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      progress.stop();
      setBusy(false);
      if (error?.code === 'cancelled') {
        setStatus(status, 'Cancelled. Select Run calibration to start again.');
        return;
      }
      const message = error?.message ?? String(error);
      const optionError = error?.code === 'invalid_option' && !error?.file;
      if (optionError && OPTION_FIELDS[error.column]) {
        fieldError(root, OPTION_FIELDS[error.column], message);
        $(`#${OPTION_FIELDS[error.column]}`)?.focus();
      } else if (optionError) {
        showError(optionsError, message);
      } else if (error?.file && error.file === names.q) {
        // Kept with the Q-matrix until it is replaced (or a run succeeds).
        if (qSlot.file === q) qSlot.fail(message);
      } else {
        data.showError(message);
      }
      setStatus(status, results.hidden ? 'The calibration did not run; see the message above.' : 'The calibration did not run; see the message above. The results below are those of the last run.');
    }
  }

  // ---- events
  runButton.addEventListener('click', () => run());
  progress.cancelButton.addEventListener('click', () => cancelCdm());
  for (const input of root.querySelectorAll('input[name="cdm-model"]')) input.addEventListener('change', syncOptionControls);
  linkSelect.addEventListener('change', () => {
    if (!linkSelect.disabled) chosenLink = linkSelect.value;
  });
  // Options changed after a result: say that Run applies them.
  $('#cdm-options-panel').addEventListener('change', () => {
    if (busy || results.hidden) return;
    setStatus(status, 'Options changed: select Run calibration to apply them.');
  });
  syncOptionControls();
}

// ----------------------------------------------------------------- results

/** The link the result's delta coefficients are on (the engine's `link`; the additive models' own). */
const resultLink = (result) => result.link ?? FIXED_LINK[result.model] ?? 'identity';

/** Download names: "<data>-cdm-<model>". */
const stemOf = (result, responses) => `${baseName(result.file ?? responses?.name)}-cdm-${String(result.model ?? 'model').replace(/[^a-z0-9]/gi, '')}`;

/** Fills the results region with everything the engine reported. */
function renderResults(results, result, { responses, q }) {
  const stem = stemOf(result, responses);
  const header = resultsHeader({
    titleId: 'cdm-results-title',
    title: [`${modelLabel(result.model)} calibration of `, h('span', { class: 'file-name' }, responses.name)],
    downloads: [
      { id: 'cdm-download-params', label: 'Parameters (CSV)', onClick: () => downloadCsv(parametersCsv(result), `${stem}-parameters.csv`) },
      { id: 'cdm-download-classes', label: 'Class proportions (CSV)', onClick: () => downloadCsv(classesCsv(result), `${stem}-classes.csv`) },
      { id: 'cdm-download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}.json`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result, q)),
    warningsPanel('cdm-', result.warnings),
    summarySection(result),
    profilerSection(result, { responses, q, stem }),
    itemsSection(result),
    qValidationSection(result, stem),
    patternsSection(result, stem),
    prevalenceSection(result, stem),
    classesSection(result),
  ];
  showResults(results, sections, () => drawCharts(results, result));
}

/** One line on what was calibrated and how. */
function describeRun(result, q) {
  const parts = [
    `${fmtInt(result.n_persons)} examinees`,
    `${fmtInt(result.n_items)} items`,
    `${fmtInt(result.n_attributes)} attributes (${fmtInt(result.n_classes)} latent classes)`,
    `Q-matrix: ${q.name}`,
    `${result.attribute_distribution ?? 'saturated'} attribute distribution`,
    `delta on the ${linkName(resultLink(result))} link`,
    isNumber(result.tolerance) ? `tolerance ${fmtSci(result.tolerance)}` : null,
    (result.starts ?? []).length ? `${fmtInt(result.starts.length)} ${result.starts.length === 1 ? 'start' : 'starts'}` : null,
    result.engine ? `${result.engine.name} ${result.engine.version}` : null,
  ];
  return parts.filter(Boolean).join(' \u00B7 ');
}

/** Model fit, convergence and the starts. */
function summarySection(result) {
  const converged = result.converged === true;
  const starts = result.starts ?? [];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'cdm-summary-title' },
    h('h3', { id: 'cdm-summary-title', class: 'panel__title' }, 'Model summary'),
    h(
      'dl',
      { class: 'summary' },
      numberStat('Log-likelihood', result.loglik, 3, { id: 'cdm-loglik', title: 'Marginal log-likelihood at the estimates' }),
      numberStat('Deviance', result.deviance, 3, { id: 'cdm-deviance', title: '\u22122 log-likelihood' }),
      stat('Parameters', fmtInt(result.npar), {
        id: 'cdm-npar',
        note: `items ${fmtInt(result.npar_items)}, classes ${fmtInt(result.npar_population)}`,
        title: 'Free parameters (npar): the items\u2019 success probabilities and the class proportions',
      }),
      numberStat('AIC', result.aic, 3, { id: 'cdm-aic', title: 'Akaike information criterion: deviance + 2 npar (smaller is better)' }),
      numberStat('BIC', result.bic, 3, { id: 'cdm-bic', title: 'Bayesian information criterion: deviance + npar ln N (smaller is better)' }),
      numberStat('CAIC', result.caic, 3, { id: 'cdm-caic', title: 'Consistent AIC: deviance + npar (ln N + 1)' }),
      numberStat('AICc', result.aicc, 3, { id: 'cdm-aicc', title: 'AIC with the small-sample correction 2 npar (npar + 1) / (N \u2212 npar \u2212 1); \u2014 when N \u2264 npar + 1' }),
      numberStat('SABIC', result.sabic, 3, { id: 'cdm-sabic', title: 'Sample-size adjusted BIC: deviance + npar ln((N + 2) / 24)' }),
      result.m2
        ? numberStat('M2', result.m2.m2, 3, {
            id: 'cdm-m2',
            note: `df ${fmtInt(result.m2.df)}, p ${fmt(result.m2.p, 4)}`,
            title: 'Limited-information goodness of fit on the items\u2019 and item pairs\u2019 proportions correct (Maydeu-Olivares & Joe; as GDINA\u2019s modelfit): small values relative to df mean good fit',
          })
        : null,
      result.m2
        ? numberStat('RMSEA2', result.m2.rmsea, 4, {
            id: 'cdm-rmsea',
            note: `90% CI ${fmt(result.m2.rmsea_ci[0], 4)} to ${fmt(result.m2.rmsea_ci[1], 4)}`,
            title: 'RMSEA based on M2, \u221A(max(M2 \u2212 df, 0) / (N df)), with its 90% confidence interval (near 0 for a well-fitting model)',
          })
        : null,
      numberStat('SRMSR', result.srmsr, 4, {
        id: 'cdm-srmsr',
        title: 'Standardized root mean squared residual: the root mean square of the differences between the observed and the model-implied correlations of the item pairs (Maydeu-Olivares, 2013); \u2014 when a correlation is undefined',
      }),
      stat('Converged', converged ? 'Yes' : 'No', {
        id: 'cdm-converged',
        note: converged ? null : stopReason(result),
        flagged: !converged,
        title: 'Whether EM stopped because the largest change fell below the tolerance',
      }),
      stat('Iterations', fmtInt(result.iterations), {
        id: 'cdm-iterations',
        note: isNumber(result.last_change) ? `last change ${fmtSci(result.last_change)}` : null,
        title: 'EM iterations of the best start (its screening iterations included), and the largest change in the last one',
      }),
      stat('Best start', isNumber(result.best_start) ? `${fmtInt(result.best_start + 1)} of ${fmtInt(starts.length)}` : DASH, {
        id: 'cdm-best-start',
        title: 'The start with the highest log-likelihood after the screening iterations, run on to convergence',
      }),
    ),
    h(
      'p',
      { class: 'help', id: 'cdm-srmsr-note' },
      'SRMSR: the root mean square of the differences between the observed and the model-implied correlations of the item pairs; values below about 0.05 indicate a close fit of the pairwise correlations.',
    ),
    result.fit_note ? h('p', { class: 'help', id: 'cdm-fit-note' }, `M2: ${result.fit_note}`) : null,
    starts.length ? startsTable(result) : null,
    h('p', { class: 'help', id: 'cdm-se-method' }, result.se_method ? ['Standard errors: ', result.se_method, '.'] : 'No standard errors were reported.'),
  );
}

/** The starts' log-likelihoods after their screening iterations, the kept one marked. */
function startsTable(result) {
  return staticTable({
    id: 'cdm-starts-table',
    captionId: 'cdm-starts-caption',
    caption: 'Starts: log-likelihood after their screening iterations',
    head: [
      h('th', { scope: 'col' }, 'Start'),
      h('th', { scope: 'col', class: 'num' }, 'Log-likelihood'),
      h('th', { scope: 'col', class: 'num' }, 'Iterations'),
      h('th', { scope: 'col' }, 'Converged'),
    ],
    body: (result.starts ?? []).map((s, i) =>
      h(
        'tr',
        { 'data-start': String(i) },
        h(
          'th',
          { scope: 'row' },
          i === 0 ? '1 (fixed values)' : `${i + 1} (random)`,
          i === result.best_start ? [' ', h('span', { class: 'badge badge--current' }, 'kept')] : null,
        ),
        numberCell(s.loglik),
        h('td', { class: 'num' }, fmtInt(s.iterations)),
        h('td', {}, s.converged ? 'yes' : 'no'),
      ),
    ),
  });
}

// ---------------------------------------------------------------- hand-off

/** The button that hands this calibration (parameters, class proportions, Q-matrix, responses) to the Skill Profiler. */
function profilerSection(result, { responses, q, stem }) {
  const button = h('button', { type: 'button', id: 'cdm-profile-examinees', class: 'button', 'aria-describedby': 'cdm-profile-note' }, 'Profile examinees with these parameters');
  button.addEventListener('click', () => {
    publishCdmCalibration({
      label: `${modelLabel(result.model)} calibration of ${responses.name}`,
      model: result.model,
      nItems: result.n_items,
      nAttributes: result.n_attributes,
      params: { name: `${stem}-parameters.csv`, csv: parametersCsv(result) },
      classes: { name: `${stem}-classes.csv`, csv: classesCsv(result) },
      q: { name: q.name, bytes: q.bytes },
      responses: { name: responses.name, bytes: responses.bytes },
    });
    location.hash = '#/skill-profiler';
  });
  return h(
    'section',
    { class: 'panel', id: 'cdm-profiler', 'aria-labelledby': 'cdm-profiler-title' },
    h('h3', { id: 'cdm-profiler-title', class: 'panel__title' }, 'Skill profiles'),
    h(
      'div',
      { class: 'run-row run-row--compact' },
      button,
      h(
        'p',
        { class: 'help', id: 'cdm-profile-note' },
        `Opens the Skill Profiler with ${responses.name}, ${q.name} and these item parameters and class proportions selected, to classify each examinee (EAP, MAP, MLE).`,
      ),
    ),
  );
}

// ------------------------------------------------------------- item table

/** "101" over the required attributes [A4, A6, A7] -> "A4, A7" (or "none"). */
function masteredNames(pattern, attributes) {
  const names = [...String(pattern)].map((bit, k) => (bit === '1' ? (attributes[k] ?? `attribute ${k + 1}`) : null)).filter(Boolean);
  return names.length ? names.join(', ') : 'none';
}

/** The expanded part of an item's row: its pattern probabilities and its delta coefficients, with SEs. */
function itemDetails(item, link) {
  const required = item.required ?? [];
  const key = (prefix) => `cdm-item-${prefix}-${String(item.item).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const numbering = required.map((a, k) => `${k + 1} = ${a}`).join(', ');
  return h(
    'div',
    { class: 'item-details', 'data-item': item.item },
    staticTable({
      id: key('patterns'),
      className: 'cdm-item-patterns',
      caption: `Success probabilities of ${item.item} by pattern of its required attributes (${required.join(', ')})`,
      head: [
        h('th', { scope: 'col' }, 'Pattern'),
        h('th', { scope: 'col' }, 'Mastered'),
        h('th', { scope: 'col', class: 'num' }, 'Probability'),
        h('th', { scope: 'col', class: 'num se' }, 'SE'),
      ],
      body: (item.groups ?? []).map((g) =>
        h('tr', { 'data-pattern': g.pattern }, h('th', { scope: 'row' }, g.pattern), h('td', {}, masteredNames(g.pattern, required)), numberCell(g.prob, 4), numberCell(g.se, 4, 'se')),
      ),
    }),
    staticTable({
      id: key('delta'),
      className: 'cdm-item-delta',
      caption: `Delta coefficients of ${item.item} on the ${linkName(link)} link (attributes: ${numbering})`,
      head: [h('th', { scope: 'col' }, 'Coefficient'), h('th', { scope: 'col', class: 'num' }, 'Value'), h('th', { scope: 'col', class: 'num se' }, 'SE')],
      body: (item.delta ?? []).map((d) => h('tr', { 'data-param': d.param }, h('th', { scope: 'row' }, d.param), numberCell(d.value, 4), numberCell(d.se, 4, 'se'))),
    }),
  );
}

/** The item table: required attributes, guess, slip, IDI with SEs, monotonicity; rows expand to the item's details. */
function itemsSection(result) {
  const items = result.items ?? [];
  const link = resultLink(result);
  const rows = items.map((it) => ({ ...it, violations: it.monotonicity_violations ?? [] }));
  const anyViolation = rows.some((r) => r.violations.length > 0);
  const seColumn = (key, label) => ({ ...numberColumn(key, `SE ${label}`, `Standard error of the ${label}`), cellClass: () => 'se', headerClass: 'se' });
  const violationsOnly = h('input', { type: 'checkbox', id: 'cdm-nonmonotone-only' });
  const table = createTable({
    id: 'cdm-item-table',
    caption: 'Item parameters: guess, slip and discrimination (select \u25B8 to see an item\u2019s pattern probabilities and delta coefficients)',
    columns: [
      ITEM_NAME_COLUMN,
      {
        key: 'required',
        label: 'Required attributes',
        description: 'The attributes the Q-matrix says the item requires',
        value: (row) => (row.required ?? []).join(', '),
        render: (row, cell) => cell.append((row.required ?? []).join(', ')),
      },
      numberColumn('guess', 'Guess', 'Success probability of examinees mastering none of the required attributes'),
      seColumn('guess_se', 'guess'),
      numberColumn('slip', 'Slip', '1 \u2212 the success probability of examinees mastering all of the required attributes'),
      seColumn('slip_se', 'slip'),
      numberColumn('idi', 'IDI', 'Item discrimination index 1 \u2212 slip \u2212 guess: how much mastering all required attributes raises the success probability over mastering none'),
      {
        key: 'monotone',
        label: 'Monotone',
        description: 'Whether mastering one more required attribute never lowers the success probability (pairs of patterns where it does are listed)',
        value: (row) => row.violations.length,
        cellClass: (row) => (row.violations.length ? 'is-flagged' : ''),
        render: (row, cell) => {
          if (!row.violations.length) {
            cell.append('yes');
            return;
          }
          cell.title = 'The success probability falls when one more required attribute is mastered';
          cell.append(`no: ${row.violations.join('; ')}`);
        },
      },
    ],
    rows,
    ...ITEM_ROWS,
    extraControls: anyViolation ? [h('label', { class: 'choice', for: 'cdm-nonmonotone-only' }, violationsOnly, ' Items that are not monotone only')] : [],
    details: {
      render: (row) => itemDetails(row, link),
      label: (row) => `Pattern probabilities and delta coefficients of item ${row.item}`,
    },
  });
  violationsOnly.addEventListener('change', () => table.setFilter(violationsOnly.checked ? (row) => row.violations.length > 0 : null));
  return h(
    'section',
    { class: 'panel', id: 'cdm-items', 'aria-labelledby': 'cdm-items-title' },
    h('h3', { id: 'cdm-items-title', class: 'panel__title' }, 'Item parameters'),
    h(
      'p',
      { class: 'help' },
      'Select a column heading to sort; select it again to reverse the order. Select \u25B8 beside an item (or press Enter on it) to show its success probability for every pattern of its required attributes and its delta coefficients. ',
      `Patterns list the item\u2019s required attributes in the Q-matrix\u2019s column order (\u201C10\u201D: the first mastered, the second not). Delta coefficients on the ${linkName(link)} link: d0 the intercept, d1, d2, \u2026 the main effects of the item\u2019s first, second, \u2026 required attribute, d12, \u2026 their interactions. SE: standard error (\u2014 when not available).`,
    ),
    table.element,
  );
}

// ---------------------------------------------------- Q-matrix validation

/** The Q-matrix validation's items, one per item in the response file's order (none when the result has no validation). */
const qValidationItems = (result) => result.q_validation?.items ?? [];

/** The number of attributes a q-vector ("01101010") requires. */
const qCount = (q) => (String(q ?? '').match(/1/g) ?? []).length;

/** The item the mesa plot shows first: the first with a suggested change, else the first. */
function initialMesaItem(items) {
  const index = items.findIndex((it) => it.changed);
  return index < 0 ? 0 : index;
}

/** A q-vector column: the attributes it names ("A1, A3"); its digits (attribute 1 first) in the title and data-q. */
function qVectorColumn(key, label, description, attributes) {
  return {
    key,
    label,
    description,
    value: (row) => masteredNames(row[key], attributes),
    render: (row, cell) => {
      cell.append(masteredNames(row[key], attributes));
      cell.dataset.q = String(row[key] ?? '');
      cell.title = `q-vector ${row[key]} (attribute 1 first)`;
    },
  };
}

/** One line describing the mesa plot of `item` (the chart's accessible name). */
function mesaDescription(item, attributes, epsilon) {
  if (!item) return 'Mesa plot: the PVAF of the best q-vector with each number of attributes.';
  const mesa = item.mesa ?? [];
  const points = mesa.map((m, k) => `${k + 1}: ${m.q} (${masteredNames(m.q, attributes)}) ${fmt(m.pvaf, 3)}`).join('; ');
  return (
    `Mesa plot of item ${item.item}: the PVAF of the best q-vector with 1 to ${mesa.length} attributes, ${points}. ` +
    `Q-matrix ${item.original}, PVAF ${fmt(item.original_pvaf, 3)}; ` +
    (item.changed ? `suggested ${item.suggested}, PVAF ${fmt(item.suggested_pvaf, 3)}` : 'the suggestion keeps it') +
    `. Dashed line at \u03B5 = ${fmtShort(epsilon, 4)}.`
  );
}

/** The points of `item`'s mesa plot, as a table (the numbers behind the chart), the Q-matrix's and the suggested q-vector marked. */
function mesaTable(item, attributes) {
  if (!item) return null;
  const mesa = item.mesa ?? [];
  const originalOnMesa = mesa.some((m) => m.q === item.original);
  return [
    staticTable({
      id: 'cdm-qval-mesa-table',
      caption: `Best q-vector of ${item.item} with each number of attributes, and its PVAF`,
      head: [
        h('th', { scope: 'col', class: 'num' }, 'Attributes'),
        h('th', { scope: 'col' }, 'q-vector'),
        h('th', { scope: 'col' }, 'Required attributes'),
        h('th', { scope: 'col', class: 'num' }, 'PVAF'),
      ],
      body: mesa.map((m, k) =>
        h(
          'tr',
          { 'data-q': m.q },
          h('th', { scope: 'row', class: 'num' }, String(k + 1)),
          h(
            'td',
            {},
            h('code', {}, m.q),
            m.q === item.original ? [' ', h('span', { class: 'badge badge--constant' }, 'Q-matrix')] : null,
            m.q === item.suggested && item.changed ? [' ', h('span', { class: 'badge' }, 'suggested')] : null,
          ),
          h('td', {}, masteredNames(m.q, attributes)),
          numberCell(m.pvaf, 4),
        ),
      ),
    }),
    originalOnMesa
      ? null
      : h(
          'p',
          { class: 'help', id: 'cdm-qval-mesa-note' },
          `The Q-matrix\u2019s q-vector ${item.original} (${masteredNames(item.original, attributes)}, PVAF ${fmt(item.original_pvaf, 4)}) is not the best one with ${qCount(item.original)} ${qCount(item.original) === 1 ? 'attribute' : 'attributes'}.`,
        ),
  ];
}

/** Draws `item`'s mesa plot: the best q-vectors' PVAF by number of attributes, the Q-matrix's and the suggested q-vector ringed, a dashed line at epsilon. */
function drawMesa(chart, item, attributes, epsilon, nAttributes) {
  if (!chartsAvailable() || !chart || !item) return;
  const mesa = item.mesa ?? [];
  const K = Math.max(nAttributes ?? 0, mesa.length);
  const onMesa = (q) => mesa.some((m) => m.q === q);
  const series = [
    {
      name: 'Best q-vector',
      points: mesa.map((m, k) => ({ x: k + 1, y: m.pvaf, label: m.q, note: masteredNames(m.q, attributes) })),
    },
    {
      name: 'Q-matrix',
      line: false,
      symbol: 'emptyDiamond',
      symbolSize: 20,
      labelPosition: 'bottom',
      // Its q-vector is written beside it only when it is not one of the mesa's points.
      showLabels: !onMesa(item.original),
      points: [{ x: qCount(item.original), y: item.original_pvaf, label: item.original, note: masteredNames(item.original, attributes) }],
    },
  ];
  if (item.changed) {
    series.push({
      name: 'Suggested',
      line: false,
      symbol: 'emptyCircle',
      symbolSize: 22,
      showLabels: !onMesa(item.suggested),
      labelPosition: 'bottom',
      points: [{ x: qCount(item.suggested), y: item.suggested_pvaf, label: item.suggested, note: masteredNames(item.suggested, attributes) }],
    });
  }
  renderLabelledPoints(chart, {
    categories: Array.from({ length: K }, (_, k) => k + 1),
    series,
    xName: 'Number of attributes',
    yName: 'PVAF',
    yMin: 0,
    yMax: 1,
    guide: isNumber(epsilon) ? { value: epsilon, label: `\u03B5 = ${fmtShort(epsilon, 4)}` } : null,
    digits: 4,
  });
}

/**
 * The Q-matrix validation (GDI/PVAF): a table of the Q-matrix's and the
 * suggested q-vectors of every item (changed ones first), its CSV, and the
 * mesa plot of a chosen item (with its points as a table).
 */
function qValidationSection(result, stem) {
  const qv = result.q_validation;
  const items = qValidationItems(result);
  if (!qv || !items.length) return null;
  const attributes = result.attributes ?? [];
  const epsilon = qv.epsilon;
  const eps = fmtShort(epsilon, 4);
  const nChanged = items.filter((it) => it.changed).length;
  // Changed items first, each group in the response file's order.
  const rows = [...items.filter((it) => it.changed), ...items.filter((it) => !it.changed)];
  const changedOnly = h('input', { type: 'checkbox', id: 'cdm-qval-changed-only' });
  const table = createTable({
    id: 'cdm-qval-table',
    caption: 'Q-matrix validation: each item\u2019s q-vector in the Q-matrix and the suggested one, with their PVAF (items with a suggested change first)',
    columns: [
      ITEM_NAME_COLUMN,
      qVectorColumn('original', 'Q-matrix', 'The attributes the Q-matrix says the item requires', attributes),
      numberColumn('original_pvaf', 'PVAF (Q-matrix)', 'Proportion of the variance of the item\u2019s success probabilities that the Q-matrix\u2019s q-vector accounts for'),
      qVectorColumn('suggested', 'Suggested', `The q-vector with the fewest attributes whose PVAF reaches \u03B5 = ${eps}`, attributes),
      numberColumn('suggested_pvaf', 'PVAF (suggested)', 'Proportion of the variance of the item\u2019s success probabilities that the suggested q-vector accounts for'),
      {
        key: 'changed',
        label: 'Suggestion',
        description: 'Whether the suggested q-vector differs from the Q-matrix\u2019s (items with a suggested change sort first)',
        value: (row) => (row.changed ? 0 : 1),
        render: (row, cell) => {
          cell.dataset.changed = String(Boolean(row.changed));
          cell.append(row.changed ? h('span', { class: 'badge' }, 'suggested change') : 'keep');
        },
      },
    ],
    rows,
    searchLabel: 'Search items or attributes',
    searchPlaceholder: 'Item or attribute name',
    searchText: (row) => `${row.item} ${masteredNames(row.original, attributes)} ${masteredNames(row.suggested, attributes)}`,
    noun: ['item', 'items'],
    extraControls: nChanged ? [h('label', { class: 'choice', for: 'cdm-qval-changed-only' }, changedOnly, ' Items with a suggested change only')] : [],
  });
  changedOnly.addEventListener('change', () => table.setFilter(changedOnly.checked ? (row) => row.changed : null));

  const download = h('button', { type: 'button', id: 'cdm-qval-download', class: 'button button--small' }, 'Download this table (CSV)');
  download.addEventListener('click', () => downloadCsv(qValidationCsv(result), `${stem}-qvalidation.csv`));

  // The mesa plot of the chosen item, and its points as a table.
  let current = initialMesaItem(items);
  const select = h(
    'select',
    { id: 'cdm-qval-item', class: 'input', 'aria-describedby': 'cdm-qval-mesa-help' },
    items.map((it, i) => h('option', { value: String(i), selected: i === current }, it.changed ? `${it.item} \u2014 suggested change` : it.item)),
  );
  const figure = chartsAvailable()
    ? chartFigure('cdm-chart-mesa', `Mesa plot: ${items[current].item}`, mesaDescription(items[current], attributes, epsilon), () => `${stem}-mesa-${baseName(items[current]?.item)}.png`)
    : null;
  const points = h('div', { id: 'cdm-qval-mesa' }, mesaTable(items[current], attributes));
  select.addEventListener('change', () => {
    current = Number(select.value);
    const item = items[current];
    if (!item) return;
    points.replaceChildren(...mesaTable(item, attributes).filter(Boolean));
    const chart = figure?.querySelector('#cdm-chart-mesa');
    if (!chart) return;
    chart.setAttribute('aria-label', mesaDescription(item, attributes, epsilon));
    figure.querySelector('.chart-figure__title').textContent = `Mesa plot: ${item.item}`;
    drawMesa(chart, item, attributes, epsilon, result.n_attributes);
  });

  return h(
    'section',
    { class: 'panel', id: 'cdm-qvalidation', 'aria-labelledby': 'cdm-qvalidation-title' },
    h('h3', { id: 'cdm-qvalidation-title', class: 'panel__title' }, 'Q-matrix validation'),
    h(
      'p',
      { class: 'help', id: 'cdm-qval-help' },
      'The GDI/PVAF method of de la Torre & Chiu (2016), on this fit: for each item and candidate q-vector, the PVAF is the proportion of the variance of the item\u2019s success probabilities across the latent classes that the q-vector accounts for, relative to the q-vector requiring every attribute. ',
      `The suggestion is the q-vector with the fewest attributes whose PVAF reaches \u03B5 = ${eps}; the Q-matrix\u2019s own is kept when it reaches \u03B5 with no more attributes. `,
      h('strong', {}, 'Suggestions are a prompt for expert review, not a rule:'),
      ' a wrong entry also distorts the fit the PVAFs are computed from; change the Q-matrix only where the suggestion makes sense for the item\u2019s content, then calibrate again.',
    ),
    h(
      'p',
      { class: 'help', id: 'cdm-qval-count', role: 'status' },
      nChanged
        ? `${fmtInt(nChanged)} of ${fmtInt(items.length)} items have a suggested change.`
        : `No suggested changes: the suggestion keeps every item\u2019s q-vector in the Q-matrix.`,
    ),
    h('div', { class: 'run-row run-row--compact' }, download),
    table.element,
    h('h4', { class: 'panel__subtitle', id: 'cdm-qval-mesa-title' }, 'Mesa plot'),
    h(
      'div',
      { class: 'chart-controls' },
      h('div', { class: 'field field--inline' }, h('label', { for: 'cdm-qval-item' }, 'Item'), select),
      h(
        'p',
        { class: 'help', id: 'cdm-qval-mesa-help' },
        `The PVAF of the best q-vector with 1, 2, \u2026 attributes: it rises, then levels off into a plateau (the mesa). The suggestion is where it first reaches the dashed line at \u03B5 = ${eps}; the Q-matrix\u2019s q-vector is the diamond${nChanged ? ', a suggested change the ring' : ''}. The table under the chart lists its points and their attributes.`,
      ),
    ),
    figure
      ? h('div', { class: 'charts' }, figure)
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the table below holds the points of the mesa plot.'),
    points,
  );
}

// ------------------------------------------------------ patterns, classes

/** One row per item and reduced attribute pattern. */
function patternRows(result) {
  return (result.items ?? []).flatMap((it) => (it.groups ?? []).map((g) => ({ item: it.item, required: it.required ?? [], pattern: g.pattern, prob: g.prob, se: g.se })));
}

/** The "Parameters by Attribute Pattern" table, searchable, with its CSV download. */
function patternsSection(result, stem) {
  const rows = patternRows(result);
  const table = createTable({
    id: 'cdm-pattern-table',
    caption: 'Success probability of each item for each pattern of its required attributes',
    columns: [
      ITEM_NAME_COLUMN,
      { key: 'required', label: 'Required', description: 'The item\u2019s required attributes, in the order of the pattern\u2019s digits', value: (row) => row.required.join(', '), render: (row, cell) => cell.append(row.required.join(', ')) },
      {
        key: 'pattern',
        label: 'Pattern',
        description: 'Mastery (1) or not (0) of each required attribute',
        render: (row, cell) => {
          cell.append(row.pattern);
          cell.title = `Mastered: ${masteredNames(row.pattern, row.required)}`;
        },
      },
      numberColumn('prob', 'Probability', 'Success probability of the examinees with this pattern', { digits: 4 }),
      { ...numberColumn('se', 'SE', 'Standard error of the probability', { digits: 4 }), cellClass: () => 'se', headerClass: 'se' },
    ],
    rows,
    searchLabel: 'Search items or patterns',
    searchPlaceholder: 'Item name or pattern',
    searchText: (row) => `${row.item} ${row.pattern}`,
    noun: ['pattern', 'patterns'],
    maxRows: MAX_TABLE_ROWS,
  });
  const download = h('button', { type: 'button', id: 'cdm-pattern-download', class: 'button button--small' }, 'Download this table (CSV)');
  download.addEventListener('click', () => downloadCsv(parametersCsv(result), `${stem}-parameters.csv`));
  return h(
    'section',
    { class: 'panel', id: 'cdm-patterns', 'aria-labelledby': 'cdm-patterns-title' },
    h('h3', { id: 'cdm-patterns-title', class: 'panel__title' }, 'Parameters by Attribute Pattern'),
    h(
      'p',
      { class: 'help' },
      'One row per item and pattern of its required attributes. The CSV (item, required, pattern, prob, se) is the item-parameter file the Skill Profiler reads, as ',
      h('code', {}, 'pacer cdm --format csv'),
      ' writes it.',
    ),
    h('div', { class: 'run-row run-row--compact' }, download),
    table.element,
  );
}

/** The attributes' prevalences: a bar chart and a table. */
function prevalenceSection(result, stem) {
  // The higher-order distribution's intercept and slope of each attribute, beside its prevalence.
  const higherOrder = new Map((result.higher_order ?? []).map((p) => [p.attribute, p]));
  const table = createTable({
    id: 'cdm-prevalence-table',
    caption: higherOrder.size
      ? 'Attribute prevalence, and the higher-order structure: P(attribute mastered | \u03B8) = logistic(intercept + slope \u03B8), \u03B8 ~ N(0, 1)'
      : 'Attribute prevalence: the proportion of examinees mastering each attribute',
    columns: [
      { key: 'attribute', label: 'Attribute', rowHeader: true, render: (row, cell) => cell.append(row.attribute) },
      numberColumn('prevalence', 'Prevalence', 'P(attribute mastered), from the class proportions', { digits: 4 }),
      ...(higherOrder.size
        ? [
            numberColumn('intercept', 'Intercept \u03BB\u2080', 'Higher-order intercept: the log-odds of mastery at \u03B8 = 0', { digits: 4 }),
            numberColumn('slope', 'Slope \u03BB\u2081', 'Higher-order slope: how strongly mastery depends on the common trait \u03B8', { digits: 4 }),
          ]
        : []),
    ],
    rows: (result.attribute_prevalence ?? []).map((row) => ({ ...row, ...(higherOrder.get(row.attribute) ?? {}) })),
    searchLabel: 'Search attributes',
    searchPlaceholder: 'Attribute',
    searchText: (row) => row.attribute,
    noun: ['attribute', 'attributes'],
  });
  return h(
    'section',
    { class: 'panel', id: 'cdm-prevalence', 'aria-labelledby': 'cdm-prevalence-title' },
    h('h3', { id: 'cdm-prevalence-title', class: 'panel__title' }, 'Attribute prevalence'),
    chartsAvailable()
      ? h('div', { class: 'charts' }, chartFigure('cdm-chart-prevalence', 'Prevalence by attribute', 'Bar chart of the estimated proportion of examinees mastering each attribute; the numbers are in the table beside it.', `${stem}-prevalence.png`))
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the table holds the prevalences.'),
    table.element,
  );
}

/** The latent classes' proportions, sortable and searchable. */
function classesSection(result) {
  const attributes = result.attributes ?? [];
  const table = createTable({
    id: 'cdm-class-table',
    caption: 'Latent class proportions (patterns list the attributes in the Q-matrix\u2019s column order)',
    columns: [
      { key: 'pattern', label: 'Pattern', rowHeader: true, render: (row, cell) => cell.append(row.pattern) },
      {
        key: 'mastered',
        label: 'Attributes mastered',
        description: 'The attributes the class masters',
        value: (row) => (row.pattern.match(/1/g) ?? []).length,
        render: (row, cell) => cell.append(masteredNames(row.pattern, attributes)),
      },
      numberColumn('proportion', 'Proportion', 'Estimated proportion of examinees in the class', { digits: 4 }),
    ],
    rows: result.classes ?? [],
    searchLabel: 'Search classes',
    searchPlaceholder: 'Pattern or attribute',
    searchText: (row) => `${row.pattern} ${masteredNames(row.pattern, attributes)}`,
    noun: ['class', 'classes'],
    maxRows: MAX_TABLE_ROWS,
  });
  return h(
    'section',
    { class: 'panel', id: 'cdm-classes', 'aria-labelledby': 'cdm-classes-title' },
    h('h3', { id: 'cdm-classes-title', class: 'panel__title' }, 'Class proportions'),
    h(
      'p',
      { class: 'help' },
      `${fmtInt((result.classes ?? []).length)} latent classes (${result.attribute_distribution ?? 'saturated'} distribution). The CSV download (pattern, proportion) is the class-proportion file the Skill Profiler reads.`,
    ),
    table.element,
  );
}

/** Draws the charts (the mesa plot of the chosen item, the prevalences) once the results are laid out. */
function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  const items = qValidationItems(result);
  const select = results.querySelector('#cdm-qval-item');
  if (select && items.length) {
    drawMesa(results.querySelector('#cdm-chart-mesa'), items[Number(select.value)], result.attributes ?? [], result.q_validation?.epsilon, result.n_attributes);
  }
  const prevalence = result.attribute_prevalence ?? [];
  const chart = results.querySelector('#cdm-chart-prevalence');
  if (!chart || !prevalence.length) return;
  renderBars(chart, {
    categories: prevalence.map((p) => p.attribute),
    series: [{ name: 'Prevalence', values: prevalence.map((p) => p.prevalence) }],
    xName: 'Attribute',
    yName: 'Proportion mastering',
    yMin: 0,
    yMax: 1,
  });
}

// -------------------------------------------------------------- downloads

/**
 * The parameters by attribute pattern as `pacer cdm --format csv` writes
 * them: item, required (the item's attributes joined with ';'), pattern,
 * prob, se (empty when there is none); one row per item and pattern.
 */
export function parametersCsv(result) {
  return cliCsv(
    ['item', 'required', 'pattern', 'prob', 'se'],
    patternRows(result).map((r) => [r.item, r.required.join(';'), r.pattern, r.prob, r.se]),
  );
}

/**
 * The Q-matrix validation, one row per item in the response file's order:
 * item, original, original_pvaf, suggested, suggested_pvaf, changed
 * (q-vectors as digits, attribute 1 first; changed true/false).
 */
export function qValidationCsv(result) {
  return cliCsv(
    ['item', 'original', 'original_pvaf', 'suggested', 'suggested_pvaf', 'changed'],
    qValidationItems(result).map((it) => [it.item, it.original, it.original_pvaf, it.suggested, it.suggested_pvaf, Boolean(it.changed)]),
  );
}

/** The class proportions (pattern, proportion): the class-proportion file the Skill Profiler reads. */
export function classesCsv(result) {
  return cliCsv(
    ['pattern', 'proportion'],
    (result.classes ?? []).map((c) => [c.pattern, c.proportion]),
  );
}
