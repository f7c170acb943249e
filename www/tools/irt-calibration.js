// IRT Calibration tool: Rasch, 1PL, 2PL, 3PL and 4PL models for 0/1 items,
// the graded response, (generalized) partial credit and rating scale models
// for items with more than two ordered scores, and mixed-format tests (a
// model per item), in one group or several; fitted by marginal maximum
// likelihood (EM) in the engine's Web Worker.
// Input: a CSV or XLSX file (or a bundled sample), the options and, optionally,
// a small CSV file of per-item models; unlike Item Analysis, a calibration
// starts on Run (it can take a while). During the run a progress bar shows
// the EM iterations; Cancel stops it.
// Results: a summary with the fit statistics, warnings, the groups' latent
// distributions, an item table with both parameterisations and their
// standard errors, curves (expected scores, category response curves,
// information) and downloads.
//
// Every number shown comes from the engine's result; nothing is computed here.

import { analyzeItems, calibrateIrt, cancelCalibration } from '../engine.js';
import { DASH, fmt, fmtInt, fmtSci, h, isNumber } from '../format.js';
import { createTable, ITEM_NAME_COLUMN, ITEM_ROWS, numberCell, staticTable } from '../table.js';
import { chartFigure, chartsAvailable, renderCategoryCurves, renderItemCurves, renderTestInformation } from '../charts.js';
import { baseName, downloadCsv, downloadJson, toCsv } from '../download.js';
import { createDataInput, parseCsv, responseFileHelp } from '../data-input.js';
import { publishCalibration } from '../handoff.js';
import {
  choice,
  clearFieldErrors,
  clearResults,
  createProgress,
  describeStop,
  fieldError as markFieldError,
  labelledField as labelled,
  markBusy,
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

export const id = 'irt-calibration';
export const title = 'IRT Calibration';

const SAMPLES = [
  {
    id: 'run-sample',
    noteId: 'sample-note',
    label: 'Try the sample data',
    note: 'LSAT7: 1,000 persons, 5 right/wrong items; loads and runs with the options below',
    file: 'LSAT7.csv',
  },
  {
    id: 'run-sample-poly',
    noteId: 'sample-poly-note',
    label: 'Rating-scale sample',
    note: 'Science: 392 persons, 4 items scored 1 to 4; runs with the graded response model unless another polytomous model is chosen',
    file: 'Science.csv',
    quiet: true,
    // The model the sample needs when a 0/1 model is selected.
    model: 'grm',
  },
];

const HELP = responseFileHelp(
  'Scores are 0 (wrong) and 1 (right) for right/wrong items, or ordered categories such as 0 to 3 or 1 to 5 for rated items; empty cells are missing responses and are left out of that person\u2019s likelihood.',
  'calibrated (the group column is used by a multiple-group calibration)',
);

// Models for 0/1 items.
const BINARY_MODELS = [
  { value: 'rasch', label: 'Rasch', text: 'All items discriminate equally (slopes fixed at 1); item difficulties and the variance of the latent trait are estimated.' },
  { value: '1pl', label: '1PL', text: 'One slope shared by all items, estimated; the latent trait is standard normal.' },
  { value: '2pl', label: '2PL', text: 'A slope (discrimination) and an intercept (difficulty) for each item. The usual first choice.' },
  { value: '3pl', label: '3PL', text: '2PL plus a lower asymptote (guessing) for each item, for multiple-choice items; needs large samples.' },
  { value: '4pl', label: '4PL', text: '3PL plus an upper asymptote (slipping) for each item; needs very large samples.' },
];
// Models for items with K > 2 ordered categories (a 0/1 item under GRM or GPCM is a 2PL item, under PCM a Rasch item).
const POLY_MODELS = [
  { value: 'grm', label: 'GRM', name: 'graded response', text: 'Graded response (Samejima): a slope and K \u2212 1 ordered category boundaries for each item with K ordered categories, such as rating scales.' },
  { value: 'gpcm', label: 'GPCM', name: 'generalized partial credit', text: 'Generalized partial credit (Muraki): a slope and K \u2212 1 step parameters for each item; the steps need not be in order.' },
  { value: 'pcm', label: 'PCM', name: 'partial credit', text: 'Partial credit (Masters): the Rasch model for ordered categories; slopes fixed at 1, step parameters for each item, the latent variance estimated.' },
  { value: 'rsm', label: 'RSM', name: 'rating scale', text: 'Rating scale (Andrich): like PCM, with one set of thresholds shared by all items and a location for each; all items need the same number of categories.' },
];
const MIXED = {
  value: 'mixed',
  label: 'Mixed',
  text: 'Per item: items with any score above 1 get the polytomous model, 0/1 items the binary model (chosen below).',
};
const MODELS = [...BINARY_MODELS, ...POLY_MODELS, MIXED];
const ITEM_MODEL_NAMES = [...BINARY_MODELS, ...POLY_MODELS].map((m) => m.value);
const modelLabel = (value) => MODELS.find((m) => m.value === value)?.label ?? String(value ?? '').toUpperCase();
const isBinaryModel = (model) => BINARY_MODELS.some((m) => m.value === model);
const isPolyModel = (model) => POLY_MODELS.some((m) => m.value === model);
const hasGuessing = (model) => model === '3pl' || model === '4pl';
const hasUpper = (model) => model === '4pl';
/** Models whose slopes are fixed at 1 (the latent variance is estimated instead). */
const fixedSlope = (model) => model === 'rasch' || model === 'pcm' || model === 'rsm';

const QUADRATURE = {
  rectangular: { label: 'Rectangular', nodes: 61, text: 'equally spaced nodes on [\u22126, 6], as mirt' },
  'gauss-hermite': { label: 'Gauss-Hermite', nodes: 21, text: 'nodes placed for a normal latent trait; fewer are needed' },
};

// Which form control each option named in an engine error belongs to.
const OPTION_FIELDS = {
  quadrature: 'irt-quad-nodes',
  D: 'irt-d-1702',
  tol: 'irt-tol',
  'max-iter': 'irt-max-iter',
  'guessing-prior': 'irt-prior-alpha',
  'm2-max-items': 'irt-m2-max-items',
  'polytomous-model': 'irt-poly-model',
  'binary-model': 'irt-binary-model',
  'item-models': 'irt-item-models-input',
  'reference-group': 'irt-reference-group',
  anchors: 'irt-anchors',
};

// Columns of the CSV download, in the order of the CLI's CSV (item JSON field
// names; on_bound last, joined with ';'). Fields the engine adds later are
// appended after these.
const CSV_FIELDS = ['item', 'model', 'a1', 'd', 'g', 'u', 'a', 'b', 'c', 'se_a1', 'se_d', 'se_g', 'se_u', 'se_a', 'se_b', 'se_c', 'on_bound'];

// Files up to this size are looked at (by the engine's item analysis) for items
// scored above 1 when they load, to warn before a 0/1 model is run on them.
const INSPECT_MAX_BYTES = 32 * 1024 * 1024;

const BOUND = { symbol: '\u25C6', label: 'At bound', text: 'at the bound of its range: the estimate is not interior and its standard error is not reported' };

// ------------------------------------------------------------------ markup

function radio(name, value, idSuffix, label, options = {}) {
  return choice({ id: `irt-${idSuffix}`, name, value, label, ...options });
}

function modelRadio(m) {
  return radio('irt-model', m.value, `model-${m.value}`, m.label, {
    checked: m.value === '2pl',
    describedBy: `irt-model-${m.value}-desc`,
    description: m.text,
  });
}

function template(dataPanel, progressPanel) {
  return toolSection(
    {
      id,
      titleId: 'irt-title',
      title,
      lead: 'Item response theory models for right/wrong items (Rasch, 1PL, 2PL, 3PL, 4PL), for items with ordered categories (graded response, generalized partial credit, partial credit, rating scale) and for tests of both kinds, in one group or several, fitted by marginal maximum likelihood (EM). Item parameters with standard errors, model fit, and item and test curves.',
      resultsId: 'irt-results',
      resultsTitleId: 'irt-results-title',
    },
    dataPanel,
    optionsPanel(progressPanel),
  );
}

/** The model and options panel; `progressPanel` (createProgress) goes under Run. */
function optionsPanel(progressPanel) {
  const quadRule = h(
    'select',
    { id: 'irt-quad-rule', class: 'input', 'aria-describedby': 'irt-quad-rule-help' },
    Object.entries(QUADRATURE).map(([value, q]) => h('option', { value, selected: value === 'rectangular' }, q.label)),
  );
  return h(
    'div',
    { class: 'panel', id: 'irt-options-panel', role: 'group', 'aria-labelledby': 'irt-options-title' },
    h('h2', { class: 'panel__title', id: 'irt-options-title' }, 'Model and options'),
    h(
      'fieldset',
      { class: 'options' },
      h('legend', {}, 'Model'),
      h('p', { class: 'model-group-title', id: 'irt-models-binary-title' }, 'Right/wrong items (scores 0 and 1)'),
      h('div', { class: 'model-choices' }, BINARY_MODELS.map(modelRadio)),
      h(
        'p',
        { class: 'model-group-title', id: 'irt-models-poly-title' },
        'Items with ordered categories (scores 0, 1, 2, \u2026), and tests of both kinds',
      ),
      h('div', { class: 'model-choices' }, [...POLY_MODELS, MIXED].map(modelRadio)),
      h(
        'div',
        { class: 'field-row mixed-models', id: 'irt-mixed-models' },
        labelled(
          'irt-poly-model',
          'Mixed: polytomous model',
          h(
            'select',
            { id: 'irt-poly-model', class: 'input', disabled: true, 'aria-describedby': 'irt-mixed-help irt-poly-model-error' },
            POLY_MODELS.map((m) => h('option', { value: m.value, selected: m.value === 'grm' }, `${m.label} (${m.name})`)),
          ),
        ),
        labelled(
          'irt-binary-model',
          'Mixed: binary model',
          h(
            'select',
            { id: 'irt-binary-model', class: 'input', disabled: true, 'aria-describedby': 'irt-mixed-help irt-binary-model-error' },
            BINARY_MODELS.map((m) => h('option', { value: m.value, selected: m.value === '2pl' }, m.label)),
          ),
        ),
      ),
      h(
        'p',
        { class: 'help', id: 'irt-mixed-help' },
        'Under Mixed, items with any score above 1 get the polytomous model and 0/1 items the binary model. Under GRM and GPCM a 0/1 item is a 2PL item, under PCM a Rasch item.',
      ),
      h('p', { class: 'field__error', id: 'irt-poly-model-error', hidden: true }),
      h('p', { class: 'field__error', id: 'irt-binary-model-error', hidden: true }),
      // Filled in once the loaded file's scores are known (see inspectScores).
      h('div', { class: 'notice score-hint', id: 'irt-score-hint', role: 'status', hidden: true }),
    ),
    h(
      'div',
      { class: 'option-grid' },
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Metric of the discrimination a (D)'),
        h(
          'div',
          { class: 'options__choices' },
          radio('irt-D', '1.702', 'd-1702', 'D = 1.702', { checked: true, describedBy: 'irt-d-help irt-d-1702-error' }),
          radio('irt-D', '1', 'd-1', 'D = 1', { describedBy: 'irt-d-help' }),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-d-help' },
          'The table reports a = a1 / D. 1.702: normal-ogive metric (a close to a probit slope); 1: logistic metric (a = a1, as mirt reports it).',
        ),
        h('p', { class: 'field__error', id: 'irt-d-1702-error', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Quadrature'),
        h(
          'div',
          { class: 'field-row' },
          labelled('irt-quad-rule', 'Rule', quadRule),
          labelled(
            'irt-quad-nodes',
            'Nodes',
            h('input', {
              type: 'number',
              id: 'irt-quad-nodes',
              class: 'input input--short',
              value: '61',
              min: '1',
              step: '1',
              inputmode: 'numeric',
              'aria-describedby': 'irt-quad-rule-help irt-quad-nodes-error',
            }),
          ),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-quad-rule-help' },
          'Points at which the latent trait is integrated out. ',
          h('span', { id: 'irt-quad-rule-text' }, `${QUADRATURE.rectangular.label}: ${QUADRATURE.rectangular.text} (default ${QUADRATURE.rectangular.nodes} nodes).`),
          ' More nodes: more accurate, slower.',
        ),
        h('p', { class: 'field__error', id: 'irt-quad-nodes-error', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Convergence'),
        h(
          'div',
          { class: 'field-row' },
          labelled('irt-tol', 'Tolerance', textInput('irt-tol', '0.0001', { describedBy: [] })),
          labelled(
            'irt-max-iter',
            'Max. iterations',
            h('input', {
              type: 'number',
              id: 'irt-max-iter',
              class: 'input input--short',
              value: '500',
              min: '1',
              step: '1',
              inputmode: 'numeric',
              'aria-describedby': 'irt-tol-help irt-max-iter-error',
            }),
          ),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-tol-help' },
          'EM stops when no parameter changes by more than the tolerance (default 1e-4, as mirt), or after the maximum number of iterations; the result then says it did not converge.',
        ),
        h('p', { class: 'field__error', id: 'irt-tol-error', hidden: true }),
        h('p', { class: 'field__error', id: 'irt-max-iter-error', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Standard errors'),
        h(
          'label',
          { class: 'choice', for: 'irt-se' },
          h('input', { type: 'checkbox', id: 'irt-se', checked: true, 'aria-describedby': 'irt-se-help' }),
          ' Compute standard errors',
        ),
        h('p', { class: 'help', id: 'irt-se-help' }, 'From the observed information matrix at the estimates; takes a little extra time.'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Model fit'),
        labelled(
          'irt-m2-max-items',
          'M2 for tests of up to (items)',
          h('input', {
            type: 'number',
            id: 'irt-m2-max-items',
            class: 'input input--short',
            value: '60',
            min: '0',
            step: '1',
            inputmode: 'numeric',
            'aria-describedby': 'irt-m2-max-items-help irt-m2-max-items-error',
          }),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-m2-max-items-help' },
          'M2, RMSEA and SRMSR (complete data only). Their time grows steeply with the test length: about 1 s at 60 items, 5 s at 80 in a browser. 0 leaves M2 out.',
        ),
        h('p', { class: 'field__error', id: 'irt-m2-max-items-error', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'options', id: 'irt-prior-fieldset', disabled: true },
        h('legend', {}, 'Guessing prior ', h('span', { class: 'legend__note' }, '(3PL and 4PL only)')),
        h(
          'label',
          { class: 'choice', for: 'irt-prior' },
          h('input', { type: 'checkbox', id: 'irt-prior', 'aria-describedby': 'irt-prior-help' }),
          ' Beta(\u03B1, \u03B2) prior on the lower asymptote',
        ),
        h(
          'div',
          { class: 'field-row' },
          labelled('irt-prior-alpha', '\u03B1', textInput('irt-prior-alpha', '5', { size: 5 })),
          labelled('irt-prior-beta', '\u03B2', textInput('irt-prior-beta', '17', { size: 5 })),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-prior-help' },
          'Keeps guessing parameters away from 0 and 1 when the data say little about them. Beta(5, 17) has mean .23, a common choice for items with four or five options.',
        ),
        // Kept for aria-describedby of both inputs (see textInput).
        h('p', { class: 'help visually-hidden', id: 'irt-prior-alpha-help' }, 'Shape \u03B1 of the prior, at least 1.'),
        h('p', { class: 'help visually-hidden', id: 'irt-prior-beta-help' }, 'Shape \u03B2 of the prior, at least 1.'),
        h('p', { class: 'field__error', id: 'irt-prior-alpha-error', hidden: true }),
        h('p', { class: 'field__error', id: 'irt-prior-beta-error', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Per-item models ', h('span', { class: 'legend__note' }, '(optional)')),
        h(
          'div',
          { class: 'item-models' },
          h('input', {
            type: 'file',
            id: 'irt-item-models-input',
            class: 'visually-hidden file-input',
            accept: '.csv,text/csv',
            'aria-describedby': 'irt-item-models-input-help irt-item-models-input-error',
          }),
          h('label', { for: 'irt-item-models-input', class: 'button button--small' }, 'Choose an item-model file\u2026'),
          h(
            'p',
            { class: 'item-models__current', id: 'irt-item-models-current', hidden: true },
            h('span', { id: 'irt-item-models-text' }),
            h('button', { type: 'button', id: 'irt-item-models-remove', class: 'button button--small button--quiet' }, 'Remove'),
          ),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-item-models-input-help' },
          'A CSV file with the columns ',
          h('code', {}, 'item'),
          ' and ',
          h('code', {}, 'model'),
          ', one row per item (e.g. ',
          h('code', {}, 'Q7,gpcm'),
          '); the items it names get that model, whatever the model above. Models: ',
          ITEM_MODEL_NAMES.join(', '),
          '.',
        ),
        h('p', { class: 'field__error', id: 'irt-item-models-input-error', role: 'alert', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Groups'),
        h(
          'label',
          { class: 'choice', for: 'irt-multigroup' },
          h('input', { type: 'checkbox', id: 'irt-multigroup', 'aria-describedby': 'irt-multigroup-help' }),
          h('span', {}, 'Multiple groups (uses the file\u2019s ', h('code', {}, 'group'), ' column)'),
        ),
        h(
          'div',
          { class: 'field-row' },
          labelled('irt-reference-group', 'Reference group', textInput('irt-reference-group', '', { inputmode: 'text', size: 12 })),
          labelled('irt-anchors', 'Anchor items', textInput('irt-anchors', '', { inputmode: 'text', size: 24 }), { wide: true }),
        ),
        h(
          'p',
          { class: 'help', id: 'irt-multigroup-help' },
          'Each group gets its own latent mean and variance; the reference group\u2019s are fixed at 0 and 1 (its variance is estimated under Rasch, PCM and RSM).',
        ),
        h('p', { class: 'help', id: 'irt-reference-group-help' }, 'Reference group: as written in the group column; empty: the first row\u2019s group.'),
        h(
          'p',
          { class: 'help', id: 'irt-anchors-help' },
          'Anchor items, separated by commas, have the same parameters in all groups; the other items are estimated in each group. Empty: all items are anchors.',
        ),
        h('p', { class: 'field__error', id: 'irt-reference-group-error', hidden: true }),
        h('p', { class: 'field__error', id: 'irt-anchors-error', hidden: true }),
      ),
    ),
    h('p', { id: 'irt-options-error', class: 'error-message', role: 'alert', hidden: true }),
    runRow('irt-', 'Run calibration'),
    progressPanel,
  );
}

// ------------------------------------------------------------------- mount

export function mount(container) {
  // The loaded data stays in the data panel on the main thread (the worker
  // gets a copy), so a calibration can be re-run with other options without
  // reloading the file. A sample loads and runs; a file waits for Run.
  const data = createDataInput({
    idPrefix: 'irt-',
    help: HELP,
    samples: SAMPLES,
    onLoadStart: (name) => {
      clearErrors();
      setBusy(true);
      setStatus(status, `Reading ${name}\u2026`, { spinner: true });
    },
    onLoad: (loaded, { sample }) => {
      setBusy(false);
      setStatus(status, sample ? '' : `${loaded.name} is loaded. Choose the model and options, then select Run calibration.`);
      inspectScores(loaded);
      if (!sample) return;
      // A sample of rated items needs a polytomous model (or Mixed).
      if (sample.model && isBinaryModel(selectedModel())) checkModel(sample.model);
      run();
    },
    onLoadError: () => {
      setBusy(false);
      setStatus(status, '');
    },
    // A new file while a calibration runs: keep the run going; the file is
    // used by the next Run.
    queueWhileBusy: true,
    busyDropMessage: 'A calibration is running: cancel it first, or wait for it to finish.',
  });
  const progress = createProgress({ idPrefix: 'irt-', label: 'Calibration progress' });
  const root = template(data.element, progress.element);
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const optionsError = $('#irt-options-error');
  const status = $('#irt-status');
  const results = $('#irt-results');
  const runButton = $('#irt-run');
  const quadRule = $('#irt-quad-rule');
  const quadNodes = $('#irt-quad-nodes');
  const priorFieldset = $('#irt-prior-fieldset');
  const priorCheckbox = $('#irt-prior');
  const priorInputs = [$('#irt-prior-alpha'), $('#irt-prior-beta')];
  const polyModelSelect = $('#irt-poly-model');
  const binaryModelSelect = $('#irt-binary-model');
  const scoreHint = $('#irt-score-hint');
  const itemModelsInput = $('#irt-item-models-input');
  const multigroupCheckbox = $('#irt-multigroup');
  const groupInputs = [$('#irt-reference-group'), $('#irt-anchors')];

  // Every run takes a new number; replies for an older one are ignored.
  let runCounter = 0;
  let nodesEdited = false; // keep the user's node count when the rule changes

  // The per-item models read from the item-model file: { name, models } or { name, error }; null for none.
  let itemModels = null;
  // What the engine's item analysis says about the loaded file's scores: { loaded, polytomous: [item names] }.
  let scoreInfo = null;

  const selectedModel = () => root.querySelector('input[name="irt-model"]:checked').value;
  function checkModel(value) {
    const input = root.querySelector(`#irt-model-${value}`);
    if (!input) return;
    input.checked = true;
    syncOptionControls();
  }
  /** The models the calibration may give 0/1 items (for the guessing prior). */
  function binaryModelsInUse() {
    const model = selectedModel();
    const models = new Set(Object.values(itemModels?.models ?? {}));
    if (isBinaryModel(model)) models.add(model);
    if (model === 'mixed') models.add(binaryModelSelect.value);
    return models;
  }

  // ---- messages
  function clearErrors() {
    data.clearError();
    clearFieldErrors(root, [optionsError]);
    // A bad item-model file stays reported until it is replaced or removed.
    if (itemModels?.error) fieldError('irt-item-models-input', itemModels.error);
  }
  function fieldError(inputId, message) {
    markFieldError(root, inputId, message);
  }
  function setBusy(isBusy) {
    markBusy(root, isBusy, [runButton]);
    data.setBusy(isBusy);
  }

  // ---- options
  function syncOptionControls() {
    const model = selectedModel();
    priorFieldset.disabled = ![...binaryModelsInUse()].some(hasGuessing);
    polyModelSelect.disabled = model !== 'mixed';
    binaryModelSelect.disabled = model !== 'mixed';
    for (const input of groupInputs) input.disabled = !multigroupCheckbox.checked;
    syncScoreHint();
    for (const input of priorInputs) input.disabled = !priorCheckbox.checked;
    const rule = QUADRATURE[quadRule.value];
    $('#irt-quad-rule-text').textContent = `${rule.label}: ${rule.text} (default ${rule.nodes} nodes).`;
    if (!nodesEdited) quadNodes.value = String(rule.nodes);
  }

  /** The engine's options from the form, or null (with the errors shown) when one is invalid. */
  function readOptions(fileName) {
    const model = selectedModel();
    let ok = true;
    const number = (inputId, { integer = false, min = null, text }) => {
      const raw = root.querySelector(`#${inputId}`).value.trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || (min !== null && value < min)) {
        fieldError(inputId, raw === '' ? `Enter ${text}.` : `\u201C${raw}\u201D is not ${text}.`);
        ok = false;
      }
      return value;
    };
    const quadrature = number('irt-quad-nodes', { integer: true, min: 1, text: 'a whole number of nodes (at least 1)' });
    const tol = number('irt-tol', { text: 'a positive number such as 0.0001 or 1e-4' });
    if (ok && !(tol > 0)) {
      fieldError('irt-tol', 'The tolerance must be greater than 0, for example 0.0001 or 1e-4.');
      ok = false;
    }
    const maxIter = number('irt-max-iter', { integer: true, min: 1, text: 'a whole number of iterations (at least 1)' });
    const m2MaxItems = number('irt-m2-max-items', { integer: true, min: 0, text: 'a whole number of items (0 or more)' });
    let guessingPrior;
    if (!priorFieldset.disabled && priorCheckbox.checked) {
      const alpha = number('irt-prior-alpha', { min: 1, text: 'a shape of at least 1' });
      const beta = number('irt-prior-beta', { min: 1, text: 'a shape of at least 1' });
      guessingPrior = [alpha, beta];
    }
    if (itemModels?.error) {
      // A bad item-model file is not silently left out.
      fieldError('irt-item-models-input', itemModels.error);
      ok = false;
    }
    const multigroup = multigroupCheckbox.checked;
    const referenceGroup = $('#irt-reference-group').value.trim();
    const anchors = $('#irt-anchors')
      .value.split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    if (!ok) return null;
    return {
      fileName,
      model,
      quadrature,
      gaussHermite: quadRule.value === 'gauss-hermite',
      D: Number(root.querySelector('input[name="irt-D"]:checked').value),
      tol,
      maxIter,
      se: $('#irt-se').checked,
      m2MaxItems,
      ...(guessingPrior ? { guessingPrior } : {}),
      ...(model === 'mixed' ? { polytomousModel: polyModelSelect.value, binaryModel: binaryModelSelect.value } : {}),
      ...(itemModels?.models ? { itemModels: itemModels.models } : {}),
      ...(multigroup ? { multigroup, ...(referenceGroup ? { referenceGroup } : {}), ...(anchors.length ? { anchors } : {}) } : {}),
    };
  }

  // ---- the loaded file's scores
  /**
   * Asks the engine's item analysis (in its own worker) which items of the
   * loaded file have scores above 1, for the hint beside the models. Its
   * errors are left to the calibration to report.
   */
  async function inspectScores(loaded) {
    scoreInfo = null;
    syncScoreHint();
    // A very large file is not copied to a second worker just for a hint.
    if (loaded.bytes.length > INSPECT_MAX_BYTES) return;
    let analysis;
    try {
      analysis = await analyzeItems(loaded.bytes, { fileName: loaded.name });
    } catch {
      return;
    }
    if (data.current !== loaded) return; // another file came meanwhile
    const polytomous = (analysis.items ?? []).filter((it) => it.max_score > 1).map((it) => it.item);
    scoreInfo = { loaded, polytomous };
    syncScoreHint();
  }

  /** Shows the hint when a 0/1 model is chosen for a file with items scored above 1. */
  function syncScoreHint() {
    const info = scoreInfo && scoreInfo.loaded === data.current ? scoreInfo : null;
    const perItem = itemModels?.models ?? {};
    const uncovered = (info?.polytomous ?? []).filter((item) => !isPolyModel(perItem[item]));
    const model = selectedModel();
    if (!uncovered.length || !isBinaryModel(model)) {
      scoreHint.hidden = true;
      scoreHint.replaceChildren();
      return;
    }
    const shown = uncovered.slice(0, 5).join(', ') + (uncovered.length > 5 ? ` and ${uncovered.length - 5} more` : '');
    const useMixed = h('button', { type: 'button', id: 'irt-use-mixed', class: 'button button--small' }, 'Use Mixed');
    useMixed.addEventListener('click', () => {
      checkModel('mixed');
      $('#irt-model-mixed').focus();
    });
    scoreHint.replaceChildren(
      h(
        'p',
        {},
        h('strong', {}, info.loaded.name),
        ` has ${uncovered.length === 1 ? 'an item' : `${uncovered.length} items`} with scores above 1 (${shown}), which the ${modelLabel(model)} model cannot calibrate. `,
        'Choose a model for items with ordered categories, or Mixed for a test with both kinds of items.',
      ),
      useMixed,
    );
    scoreHint.hidden = false;
  }

  // ---- the item-model file
  async function loadItemModels(file) {
    clearItemModelsError();
    let parsed;
    try {
      if (/\.xlsx$/i.test(file.name)) throw new Error(`${file.name} is an Excel file; save it as CSV (columns item and model) and choose it again.`);
      parsed = { name: file.name, models: parseItemModels(await file.text(), file.name) };
    } catch (error) {
      parsed = { name: file.name, error: error?.message ?? String(error) };
    }
    itemModels = parsed;
    showItemModels();
  }
  function clearItemModelsError() {
    const el = $('#irt-item-models-input-error');
    el.hidden = true;
    el.textContent = '';
    itemModelsInput.removeAttribute('aria-invalid');
  }
  function showItemModels() {
    const current = $('#irt-item-models-current');
    current.hidden = !itemModels;
    if (itemModels?.error) {
      fieldError('irt-item-models-input', itemModels.error);
      $('#irt-item-models-text').textContent = `${itemModels.name}: not used (see the message below).`;
    } else if (itemModels) {
      const entries = Object.entries(itemModels.models);
      const listed = entries
        .slice(0, 6)
        .map(([item, model]) => `${item} ${modelLabel(model)}`)
        .join(', ');
      $('#irt-item-models-text').replaceChildren(
        'Loaded: ',
        h('strong', {}, itemModels.name),
        ` (${entries.length} ${entries.length === 1 ? 'item' : 'items'}: ${listed}${entries.length > 6 ? ', \u2026' : ''})`,
      );
    }
    syncOptionControls();
  }

  // ---- run
  async function run() {
    if (data.busy) return;
    clearErrors();
    const current = data.current;
    if (!current) {
      setStatus(status, '');
      data.showError('Choose a response file first (or try the sample data), then select Run.');
      return;
    }
    const options = readOptions(current.name);
    if (!options) {
      setStatus(status, 'Please correct the highlighted options.');
      root.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    const token = ++runCounter;
    setBusy(true);
    setStatus(status, `Calibrating ${current.name} (${calibrationLabel(options)})\u2026`, { spinner: true });
    progress.start(options.maxIter, options.tol);
    const started = performance.now();
    try {
      const result = await calibrateIrt(current.bytes, options, (report) => {
        if (token === runCounter) progress.show(report);
      });
      if (token !== runCounter) return;
      const seconds = (performance.now() - started) / 1000;
      progress.stop();
      setBusy(false);
      renderResults(results, result, current);
      setStatus(status, `Calibrated ${current.name}: ${calibrationLabel(result.options ?? options)}, ${describeStop(result)} (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      progress.stop();
      setBusy(false);
      if (error?.code === 'cancelled') {
        setStatus(status, 'Cancelled. Select Run to start again.');
        return;
      }
      clearResults(results);
      setStatus(status, 'The calibration did not run; see the message above.');
      const message = error?.message ?? String(error);
      const optionError = error?.code === 'invalid_option' && !error?.file;
      if (optionError && OPTION_FIELDS[error.column]) {
        fieldError(OPTION_FIELDS[error.column], message);
        root.querySelector(`#${OPTION_FIELDS[error.column]}`)?.focus();
      } else if (optionError) {
        showError(optionsError, message);
      } else {
        data.showError(message);
      }
    }
  }

  // ---- events
  runButton.addEventListener('click', () => run());
  progress.cancelButton.addEventListener('click', () => cancelCalibration());

  for (const input of root.querySelectorAll('input[name="irt-model"]')) input.addEventListener('change', syncOptionControls);
  quadRule.addEventListener('change', syncOptionControls);
  quadNodes.addEventListener('input', () => {
    nodesEdited = true;
  });
  priorCheckbox.addEventListener('change', syncOptionControls);
  binaryModelSelect.addEventListener('change', syncOptionControls);
  multigroupCheckbox.addEventListener('change', syncOptionControls);
  itemModelsInput.addEventListener('change', () => {
    const file = itemModelsInput.files?.[0];
    itemModelsInput.value = ''; // choosing the same file again (after fixing it) fires `change`
    if (file) loadItemModels(file);
  });
  $('#irt-item-models-remove').addEventListener('click', () => {
    itemModels = null;
    clearItemModelsError();
    showItemModels();
    itemModelsInput.focus();
  });
  // Options changed after a result: say that Run applies them.
  $('#irt-options-panel').addEventListener('change', (event) => {
    if (data.busy || results.hidden) return;
    setStatus(status, 'Options changed: select Run calibration to apply them.');
  });
  syncOptionControls();
}

// ------------------------------------------------------ item-model file

/**
 * The per-item models of an item-model file (CSV text): columns `item` and
 * `model` (any order, any case; other columns ignored), one row per item.
 * Throws an Error whose message names the file and the row.
 */
function parseItemModels(text, fileName) {
  // Empty lines are kept, so that the messages' row numbers are the file's line numbers.
  const rows = parseCsv(text, { keepEmptyLines: true }).map((cells) => cells.map((cell) => cell.trim()));
  const headerAt = rows.findIndex((cells) => cells.some((cell) => cell !== ''));
  if (headerAt < 0) throw new Error(`${fileName} is empty: it needs a header row item,model and one row per item, e.g. Q7,gpcm.`);
  const header = rows[headerAt].map((cell) => cell.toLowerCase());
  const itemCol = header.indexOf('item');
  const modelCol = header.indexOf('model');
  if (itemCol < 0 || modelCol < 0) {
    throw new Error(
      `${fileName}: the header row needs the columns item and model (it has ${rows[headerAt].filter(Boolean).join(', ') || 'none'}). Write a header row item,model and one row per item, e.g. Q7,gpcm.`,
    );
  }
  // No prototype: an item may be called anything, even __proto__.
  const models = Object.create(null);
  const rowOf = Object.create(null);
  for (let r = headerAt + 1; r < rows.length; r++) {
    const line = r + 1; // as a spreadsheet numbers it
    const item = rows[r][itemCol] ?? '';
    const model = (rows[r][modelCol] ?? '').toLowerCase();
    if (item === '' && model === '') continue;
    if (item === '') throw new Error(`${fileName}, row ${line}: a model but no item name. Name the item as in the response file\u2019s header.`);
    if (model === '') throw new Error(`${fileName}, row ${line}: item ${item} has no model. Use one of ${ITEM_MODEL_NAMES.join(', ')}.`);
    if (!ITEM_MODEL_NAMES.includes(model)) {
      throw new Error(`${fileName}, row ${line}: \u201C${rows[r][modelCol]}\u201D is not a model pacer knows. Use one of ${ITEM_MODEL_NAMES.join(', ')}.`);
    }
    if (Object.hasOwn(models, item)) throw new Error(`${fileName}, row ${line}: item ${item} is listed twice (also in row ${rowOf[item]}). Give each item one row.`);
    models[item] = model;
    rowOf[item] = line;
  }
  if (!Object.keys(models).length) throw new Error(`${fileName} names no items: add one row per item under the header, e.g. Q7,gpcm.`);
  return models;
}

// ----------------------------------------------------------------- results

/** The calibration's model for titles: "2PL", "GRM", "Mixed (GRM and 2PL)", with "per-item models" when a file gave some. */
function calibrationLabel(options) {
  const o = options ?? {};
  const label =
    o.model === 'mixed'
      ? `Mixed (${modelLabel(o.polytomous_model ?? o.polytomousModel ?? 'grm')} and ${modelLabel(o.binary_model ?? o.binaryModel ?? '2pl')})`
      : modelLabel(o.model);
  return Object.keys(o.item_models ?? o.itemModels ?? {}).length ? `${label} with per-item models` : label;
}

function renderResults(results, result, responses) {
  const model = result.options?.model ?? result.items?.[0]?.model ?? '';
  const stem = `${baseName(result.file)}-irt-${String(model).replace(/[^a-z0-9]/gi, '') || 'model'}`;
  const header = resultsHeader({
    titleId: 'irt-results-title',
    title: [`${calibrationLabel(result.options ?? { model })} calibration of `, h('span', { class: 'file-name' }, result.file ?? 'your data')],
    downloads: [
      { id: 'irt-download-csv', label: 'Item parameters (CSV)', onClick: () => downloadCsv(itemsCsv(result.items ?? []), `${stem}.csv`) },
      { id: 'irt-download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}.json`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result)),
    warningsPanel('irt-', result.warnings),
    summarySection(result),
    scoringSection(result, responses, stem),
    groupsSection(result),
    itemsSection(result),
    chartsSection(result, stem),
  ];
  showResults(results, sections, () => drawCharts(results, result));
}

function describeRun(result) {
  const o = result.options ?? {};
  const q = result.quadrature ?? {};
  const rule = QUADRATURE[q.rule ?? o.quadrature_rule];
  const nodes = q.nodes?.length || o.quadrature_nodes || rule?.nodes;
  const parts = [
    `${fmtInt(result.n_persons)} persons`,
    `${fmtInt(result.n_items)} items`,
    isNumber(result.n_patterns) ? `${fmtInt(result.n_patterns)} response patterns` : null,
    (result.groups ?? []).length ? `${fmtInt(result.groups.length)} groups` : null,
    o.multigroup && Array.isArray(o.anchors) ? `anchor items: ${o.anchors.join(', ')}` : null,
    Object.keys(o.item_models ?? {}).length ? `per-item models for ${describeItemModels(o.item_models)}` : null,
    `${fmtInt(nodes)} ${rule ? rule.label.toLowerCase() : String(q.rule ?? o.quadrature_rule ?? '')} quadrature nodes`,
    isNumber(o.D) ? `D = ${o.D}` : null,
    isNumber(o.tolerance) ? `tolerance ${fmtSci(o.tolerance)}` : null,
    o.guessing_prior ? `guessing prior ${describePrior(o.guessing_prior)}` : null,
    o.acceleration && o.acceleration !== 'none' ? `EM acceleration: ${String(o.acceleration).toUpperCase()}` : null,
    result.engine ? `${result.engine.name} ${result.engine.version}` : null,
  ];
  return parts.filter(Boolean).join(' \u00B7 ');
}

function describeItemModels(models) {
  const entries = Object.entries(models);
  const shown = entries.slice(0, 6).map(([item, model]) => `${item} (${modelLabel(model)})`);
  return shown.join(', ') + (entries.length > 6 ? ` and ${entries.length - 6} more` : '');
}

function describePrior(prior) {
  const [a, b] = Array.isArray(prior) ? prior : [prior.alpha, prior.beta];
  return `Beta(${a}, ${b})`;
}

// The limited-information statistics the engine may report as `m2.statistic`.
const M2_TITLES = {
  M2: 'Limited-information goodness of fit M2 (Maydeu-Olivares & Joe), from the univariate and bivariate margins',
  'M2*': 'Limited-information goodness of fit M2* for items with ordered categories, from the item means and their cross-products',
  C2: 'Limited-information goodness of fit C2 (Cai & Monroe), from the category proportions and their cross-products',
};
const m2Name = (m2) => m2?.statistic ?? 'M2';

function summarySection(result) {
  const latent = result.latent ?? {};
  const converged = result.converged === true;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'irt-summary-title' },
    h('h3', { id: 'irt-summary-title', class: 'panel__title' }, 'Model summary'),
    h(
      'dl',
      { class: 'summary' },
      // #irt-loglik holds the number alone (tests read it).
      stat('Log-likelihood', fmt(result.loglik, 3), { id: 'irt-loglik', title: 'Marginal log-likelihood at the estimates' }),
      stat('Parameters', fmtInt(result.npar), { id: 'irt-npar', title: 'Number of estimated parameters (npar)' }),
      stat('AIC', fmt(result.aic, 3), { id: 'irt-aic', title: 'Akaike information criterion: \u22122 logL + 2 npar (smaller is better)' }),
      stat('BIC', fmt(result.bic, 3), { id: 'irt-bic', title: 'Bayesian information criterion: \u22122 logL + npar ln N (smaller is better)' }),
      stat('SABIC', fmt(result.sabic, 3), { id: 'irt-sabic', title: 'Sample-size adjusted BIC: \u22122 logL + npar ln((N + 2) / 24)' }),
      stat('Converged', converged ? 'Yes' : 'No', {
        id: 'irt-converged',
        note: converged ? null : stopReason(result),
        flagged: !converged,
        title: 'Whether EM stopped because the largest parameter change fell below the tolerance',
      }),
      stat('Iterations', fmtInt(result.iterations), {
        id: 'irt-iterations',
        note: isNumber(result.last_change) ? `last change ${fmtSci(result.last_change)}` : null,
        title: 'EM iterations, and the largest absolute parameter change in the last one',
      }),
      result.m2
        ? stat(m2Name(result.m2), fmt(result.m2.m2, 3), {
            id: 'irt-m2',
            note: `df ${fmtInt(result.m2.df)}, p ${fmt(result.m2.p, 4)}`,
            title: `${M2_TITLES[m2Name(result.m2)] ?? 'Limited-information goodness of fit'}: small values relative to df mean good fit`,
          })
        : null,
      result.m2
        ? stat('RMSEA', fmt(result.m2.rmsea, 4), {
            id: 'irt-rmsea',
            note: `90% CI ${fmt(result.m2.rmsea_ci?.[0], 4)} to ${fmt(result.m2.rmsea_ci?.[1], 4)}; SRMSR ${fmt(result.m2.srmsr, 4)}`,
            title: `RMSEA based on ${m2Name(result.m2)}, and the standardised root mean square residual of inter-item correlations (both near 0 for a well-fitting model)`,
          })
        : null,
      latent.variance_estimated
        ? stat('Latent variance', fmt(latent.variance, 3), {
            id: 'irt-latent-variance',
            note: isNumber(latent.se_variance) ? `SE ${fmt(latent.se_variance, 3)}` : null,
            title: `Estimated variance of the latent trait${(result.groups ?? []).length ? ' in the reference group' : ''} (its mean is fixed at 0)`,
          })
        : null,
    ),
    h(
      'p',
      { class: 'help', id: 'irt-se-method' },
      !result.se_method
        ? 'Standard errors were not requested.'
        : hasAnySe(result.items ?? [])
          ? ['Standard errors: ', result.se_method, '.']
          : ['Standard errors were requested, but the engine reports none for these estimates (method: ', result.se_method, ').'],
    ),
    result.fit_note ? h('p', { class: 'help', id: 'irt-fit-note' }, `Model fit: ${result.fit_note}`) : null,
    result.item_fit_note ? h('p', { class: 'help', id: 'irt-item-fit-note' }, `Item fit: ${result.item_fit_note}`) : null,
    latent.variance_estimated
      ? null
      : h(
          'p',
          { class: 'help' },
          `Latent trait${(result.groups ?? []).length ? ' of the reference group' : ''}: mean ${fmt(latent.mean, 0)}, variance ${fmt(latent.variance, 0)} (fixed).`,
        ),
  );
}

// ----------------------------------------------------------------- scoring

/**
 * The button that hands this calibration's parameters (and its response file
 * and D) to the Test Scoring page, and switches to it. Not for results with
 * items estimated in each group: scoring takes one set of parameters per item.
 */
function scoringSection(result, responses, stem) {
  const items = result.items ?? [];
  const perGroup = [...new Set(items.filter((it) => it.group !== null && it.group !== undefined).map((it) => it.item))];
  const button = h(
    'button',
    { type: 'button', id: 'irt-score-examinees', class: 'button', disabled: perGroup.length > 0 || !items.length || !responses, 'aria-describedby': 'irt-score-note' },
    'Score examinees with these parameters',
  );
  const note = perGroup.length
    ? `This calibration estimated ${perGroup.length === 1 ? 'an item' : `${perGroup.length} items`} in each group (${perGroup.slice(0, 6).join(', ')}${perGroup.length > 6 ? ', \u2026' : ''}); Test Scoring takes one set of parameters per item, so these cannot be passed on. Calibrate in one group, or with every item an anchor, to score with them.`
    : `Opens Test Scoring with ${responses?.name ?? 'the response file'} and these item parameters (D = ${result.options?.D ?? DASH}) selected; choose the scoring method there.`;
  button.addEventListener('click', () => {
    if (button.disabled || !responses) return;
    const latent = result.latent ?? {};
    publishCalibration({
      paramsCsv: scoringParametersCsv(items),
      paramsFileName: `${stem}-parameters.csv`,
      label: `${calibrationLabel(result.options)} calibration of ${result.file ?? responses.name}`,
      nItems: items.length,
      D: result.options?.D,
      // The calibration's latent distribution (its variance is estimated under Rasch, PCM and RSM).
      prior: { mean: isNumber(latent.mean) ? latent.mean : 0, sd: isNumber(latent.variance) && latent.variance > 0 ? Math.sqrt(latent.variance) : 1 },
      responses: { name: responses.name, bytes: responses.bytes },
    });
    location.hash = '#/test-scoring';
  });
  return h(
    'section',
    { class: 'panel', id: 'irt-scoring', 'aria-labelledby': 'irt-scoring-title' },
    h('h3', { id: 'irt-scoring-title', class: 'panel__title' }, 'Scoring'),
    h('div', { class: 'run-row run-row--compact' }, button, h('p', { class: 'help', id: 'irt-score-note' }, note)),
  );
}

/**
 * The items' parameters in the Test Scoring page's parameter-file format:
 * item, model, a (the IRT-metric slope a1 / D, which the scoring page
 * multiplies by the same D), b when every item is a 0/1 item, otherwise
 * b1..bk (a 0/1 item's b in b1; graded items' category boundaries; the
 * partial credit family's step parameters -(d_k - d_{k-1}) / a1, which for a
 * rating scale item are its location plus the shared thresholds), c (3PL,
 * 4PL) and u (4PL), scores (';'-separated). Items estimated in each group are
 * left out.
 */
export function scoringParametersCsv(items) {
  const used = items.filter((it) => it.group === null || it.group === undefined);
  const binary = (it) => isBinaryModel(it.model);
  const steps = (it) => {
    if (binary(it)) return [it.b];
    const d = it.intercepts ?? [];
    // Rating scale items: from the intercepts (their thresholds are shared, their location apart).
    if (it.model === 'rsm' && d.length && isNumber(it.a1) && it.a1 > 0) return d.map((dk, k) => -(dk - (k ? d[k - 1] : 0)) / it.a1);
    return it.thresholds ?? [];
  };
  const allBinary = used.every(binary);
  const width = Math.max(1, ...used.map((it) => steps(it).length));
  const stepKeys = allBinary ? ['b'] : Array.from({ length: width }, (_, k) => `b${k + 1}`);
  const anyGuessing = used.some((it) => hasGuessing(it.model));
  const anyUpper = used.some((it) => hasUpper(it.model));
  const header = ['item', 'model', 'a', ...stepKeys, ...(anyGuessing ? ['c'] : []), ...(anyUpper ? ['u'] : []), 'scores'];
  const rows = used.map((it) => [
    it.item,
    it.model,
    it.a,
    ...stepKeys.map((_, k) => steps(it)[k] ?? null),
    ...(anyGuessing ? [hasGuessing(it.model) ? it.c : null] : []),
    ...(anyUpper ? [hasUpper(it.model) ? it.u : null] : []),
    it.scores ?? [],
  ]);
  return toCsv(header, rows);
}

// ------------------------------------------------------------------ groups

/** The groups' latent distributions (multiple-group calibrations), or null. */
function groupsSection(result) {
  const groups = result.groups ?? [];
  if (!groups.length) return null;
  const withSe = groups.some((g) => isNumber(g.se_mean) || isNumber(g.se_variance));
  const head = (label, title, className = null) => h('th', { scope: 'col', title, class: className }, label);
  const reference = groups.find((g) => g.reference);
  return h(
    'section',
    { class: 'panel', id: 'irt-groups', 'aria-labelledby': 'irt-groups-title' },
    h('h3', { id: 'irt-groups-title', class: 'panel__title' }, 'Groups'),
    h(
      'p',
      { class: 'help' },
      `The latent trait\u2019s mean and variance in each group, on the metric of the reference group${reference ? ` (${reference.group})` : ''}, whose mean is fixed at 0 and, unless the model estimates it, its variance at 1. `,
      'SE: standard error (\u2014 for fixed values, or when not requested).',
    ),
    staticTable({
      id: 'irt-group-table',
      caption: 'Latent distribution of each group',
      head: [
        head('Group', 'The group\u2019s value in the file\u2019s group column'),
        head('Persons', 'Examinees in the group', 'num'),
        head('Mean', 'Latent mean', 'num'),
        withSe ? head('SE', 'Standard error of the mean', 'num se') : null,
        head('Variance', 'Latent variance', 'num'),
        withSe ? head('SE', 'Standard error of the variance', 'num se') : null,
      ],
      body: groups.map((g) =>
        h(
          'tr',
          { 'data-group': g.group },
          h('th', { scope: 'row' }, g.group, g.reference ? h('span', { class: 'group-table__reference' }, ' (reference)') : null),
          h('td', { class: 'num' }, fmtInt(g.n)),
          numberCell(g.mean),
          withSe ? numberCell(g.se_mean, 3, 'se') : null,
          numberCell(g.variance),
          withSe ? numberCell(g.se_variance, 3, 'se') : null,
        ),
      ),
    }),
    groupFitTable(result, head),
  );
}

/** S-X2 of each item within each group (multiple-group calibrations), or null. */
function groupFitTable(result, head) {
  const fit = (result.item_fit ?? []).filter((f) => f.group != null);
  if (!fit.length) return null;
  return staticTable({
    id: 'irt-group-fit-table',
    captionId: 'irt-group-fit-caption',
    caption: 'S-X2 item fit within each group (each group\u2019s examinees, its items\u2019 estimates and its latent distribution)',
    head: [
      head('Item', 'Item name'),
      head('Group', 'The group whose examinees the statistic is for'),
      head('S-X2', 'Observed vs expected category counts by summed score (Orlando-Thissen; Kang-Chen for polytomous items)', 'num'),
      head('df', 'Degrees of freedom of S-X2', 'num'),
      head('p', 'p-value of S-X2 (small values point to misfit)', 'num'),
      head('RMSEA', 'RMSEA of S-X2', 'num'),
    ],
    body: fit.map((f) =>
      h(
        'tr',
        { 'data-item': f.item, 'data-group': f.group },
        h('th', { scope: 'row' }, f.item),
        h('td', {}, f.group),
        numberCell(f.s_x2),
        h('td', { class: 'num' }, fmtInt(f.df)),
        numberCell(f.p),
        numberCell(f.rmsea),
      ),
    ),
  });
}

// ------------------------------------------------------------- item table

/** True for an item with more than two categories or a model for them. */
const isPolyItem = (it) => isPolyModel(it.model) || (it.categories ?? 2) > 2;

/** An item's name for lists and legends: with its group when it is estimated per group. */
const itemName = (it, i) => {
  const name = it?.item ?? `Item ${i + 1}`;
  return it?.group !== null && it?.group !== undefined ? `${name} (${it.group})` : name;
};

/** What the item table needs to show for a result. */
function tableLayout(result) {
  const items = result.items ?? [];
  const models = [...new Set(items.map((it) => it.model).filter(Boolean))];
  const overall = result.options?.model ?? items[0]?.model;
  const any = (test) => models.some(test) || test(overall);
  return {
    models,
    single: models.length <= 1 ? (models[0] ?? overall) : null,
    poly: items.some(isPolyItem),
    grouped: items.some((it) => it.group !== null && it.group !== undefined),
    steps: Math.max(1, ...items.map((it) => (it.intercepts ?? []).length)),
    guessing: any(hasGuessing),
    upper: any(hasUpper),
  };
}

/** True when any item has any standard error (lists of SEs included). */
function hasAnySe(items) {
  return items.some((it) =>
    Object.entries(it).some(([key, value]) => key.startsWith('se_') && (Array.isArray(value) ? value.some(isNumber) : isNumber(value))),
  );
}

/** Which parameters of the row are on a bound (c shares g's bound). */
function boundParams(row) {
  const bound = new Set(row.on_bound ?? []);
  if (bound.has('g')) bound.add('c');
  return bound;
}

/** Describes the thresholds b_k of the models in the result. */
function thresholdText(models) {
  const parts = [];
  if (models.includes('grm')) parts.push('graded items: the category boundaries, b_k = \u2212d_k / a1 (the \u03B8 where P(X \u2265 k) = .5)');
  if (models.includes('gpcm') || models.includes('pcm')) parts.push('partial credit items: the step parameters, b_k = \u2212(d_k \u2212 d_{k\u22121}) / a1 (where categories k \u2212 1 and k are equally likely)');
  if (models.includes('rsm')) parts.push('rating scale items: the thresholds \u03C4_k shared by the items');
  if (models.some(isBinaryModel)) parts.push('0/1 items: b1 = b');
  return parts.join('; ');
}

function itemColumns(result) {
  const items = result.items ?? [];
  const layout = tableLayout(result);
  const withSe = hasAnySe(items);
  const num = (key, label, description, extra = {}) => ({
    key,
    label,
    description,
    numeric: true,
    render: (row, cell) => renderNumber(row, cell, key, extra),
    cellClass: (row) => [boundParams(row).has(key) ? 'is-flagged' : '', extra.group ? 'col-group-start' : ''].join(' ').trim(),
    headerClass: extra.group ? 'col-group-start' : null,
  });
  const se = (key, param, extra = {}) => ({
    ...num(key, `SE ${param}`, `Standard error of ${param}`, extra),
    cellClass: () => 'se',
    headerClass: 'se',
  });
  const pair = (key, label, description, extra = {}) => [num(key, label, description, extra), withSe ? se(`se_${key}`, label, { step: extra.step }) : null];
  // One column (and its SE) per intercept d_k or threshold b_k, up to the largest K in the result.
  const steps = (prefix, description, first = {}) =>
    Array.from({ length: layout.steps }, (_, k) => pair(`${prefix}${k + 1}`, `${prefix}${k + 1}`, description(k + 1), { ...(k === 0 ? first : {}), step: true })).flat();
  const fitColumns = [
    ...((result.item_fit ?? []).some((f) => f.group == null)
      ? [
          num('s_x2', 'S-X2', 'Summed-score item fit (Orlando-Thissen; Kang-Chen for polytomous items): observed vs expected category counts by summed score', { group: true }),
          { key: 'sx2_df', label: 'df', description: 'Degrees of freedom of S-X2', numeric: true, render: (row, cell) => cell.append(fmtInt(row.sx2_df)) },
          num('sx2_p', 'p', 'p-value of S-X2 (small values point to misfit)'),
        ]
      : []),
    ...((result.infit_outfit ?? []).length
      ? [
          num('infit', 'Infit', 'Information-weighted mean square at the EAP abilities (Rasch; near 1 fits, above 1.3 underfits, below 0.7 overfits)', { group: true }),
          num('z_infit', 'z', 'Wilson-Hilferty standardised infit (descriptive: EAP abilities from the same responses lean towards overfit)'),
          num('outfit', 'Outfit', 'Unweighted mean square of the standardised residuals at the EAP abilities (Rasch)'),
          num('z_outfit', 'z', 'Wilson-Hilferty standardised outfit (descriptive)'),
        ]
      : []),
  ];
  const bound = {
    key: 'on_bound',
    label: 'Bound',
    description: 'Parameters at the bound of their range',
    value: (row) => (row.on_bound ?? []).length,
    render: renderBound,
    headerClass: 'col-group-start',
    cellClass: () => 'col-group-start',
  };
  const identity = [
    ITEM_NAME_COLUMN,
    layout.grouped
      ? {
          key: 'group',
          label: 'Group',
          description: 'The group an item\u2019s estimates are for, when it is estimated in each group (not an anchor); \u201Call\u201D for anchor items',
          value: (row) => row.group ?? '',
          render: (row, cell) => cell.append(row.group ?? 'all'),
        }
      : null,
    layout.models.length > 1
      ? { key: 'model', label: 'Model', description: 'The item\u2019s model', render: (row, cell) => cell.append(modelLabel(row.model)) }
      : null,
    layout.poly
      ? {
          key: 'scores',
          label: 'Scores',
          description: 'The observed score of each of the item\u2019s K categories (category k is the k-th of them)',
          value: (row) => row.categories ?? null,
          render: (row, cell) => cell.append((row.scores ?? []).join(', ')),
        }
      : null,
  ];
  if (!layout.poly) {
    // 0/1 items only: one intercept and one difficulty per item.
    return [
      ...identity,
      ...pair('a1', 'a1', 'Slope (slope-intercept form)', { group: true }),
      ...pair('d', 'd', 'Intercept (slope-intercept form): P = g + (u \u2212 g) / (1 + exp(\u2212(a1 \u03B8 + d)))'),
      ...(layout.guessing ? pair('g', 'g', 'Lower asymptote (guessing)') : []),
      ...(layout.upper ? pair('u', 'u', 'Upper asymptote') : []),
      ...pair('a', 'a', 'Discrimination in the IRT form: a = a1 / D', { group: true }),
      ...pair('b', 'b', 'Difficulty in the IRT form: b = \u2212d / a1 (the \u03B8 where P is halfway between the asymptotes)'),
      ...(layout.guessing ? pair('c', 'c', 'Lower asymptote in the IRT form (= g)') : []),
      ...fitColumns,
      bound,
    ].filter(Boolean);
  }
  // Items with K categories: K − 1 intercepts and thresholds each (blank beyond an item's K − 1).
  const thresholds = thresholdText(layout.models);
  return [
    ...identity,
    ...pair('a1', 'a1', 'Slope (slope-intercept form)', { group: true }),
    ...steps('d', (k) => `Intercept d${k} (slope-intercept form, as mirt): graded items P(X \u2265 ${k}) = 1 / (1 + exp(\u2212(a1 \u03B8 + d${k}))); partial credit and rating scale items P(X = ${k}) \u221D exp(${k} a1 \u03B8 + d${k}); for a 0/1 item d1 = d`),
    ...(layout.guessing ? pair('g', 'g', 'Lower asymptote of a 0/1 item (guessing)') : []),
    ...(layout.upper ? pair('u', 'u', 'Upper asymptote of a 0/1 item') : []),
    ...pair('a', 'a', 'Discrimination in the IRT form: a = a1 / D', { group: true }),
    ...steps('b', (k) => `Threshold b${k} in the IRT form: ${thresholds}`),
    ...(layout.guessing ? pair('c', 'c', 'Lower asymptote of a 0/1 item in the IRT form (= g)') : []),
    ...pair('location', 'Location', 'The item\u2019s location: the mean of its thresholds (rating scale items: \u03B4, 0 for the first; 0/1 items: b)', { group: true }),
    ...fitColumns,
    bound,
  ].filter(Boolean);
}

function renderNumber(row, cell, key, { step = false } = {}) {
  const value = row[key];
  // A threshold beyond the item's categories: nothing to show.
  if (step && value === undefined) return;
  cell.append(fmt(value, 3));
  if (boundParams(row).has(key)) {
    cell.title = `${key} ${BOUND.text}`;
    cell.prepend(h('span', { class: 'flag-symbol', 'aria-hidden': 'true' }, BOUND.symbol));
    cell.append(h('span', { class: 'visually-hidden' }, ' (at a bound)'));
  }
  if (isNumber(value)) cell.dataset.value = String(value); // full precision, for copy/inspection
}

function renderBound(row, cell) {
  const bound = row.on_bound ?? [];
  if (!bound.length) {
    cell.append(h('span', { class: 'visually-hidden' }, 'none'));
    return;
  }
  cell.append(
    ...bound.map((param) =>
      h('span', { class: 'badge badge--on-bound', title: `${param} ${BOUND.text}` }, h('span', { 'aria-hidden': 'true' }, `${BOUND.symbol} `), `${param} at bound`),
    ),
  );
}

/** The parameters a model fixes, for the note above the table. */
function fixedParameters(model) {
  const fixed = [];
  if (isBinaryModel(model)) {
    if (!hasGuessing(model)) fixed.push('g = c = 0');
    if (!hasUpper(model)) fixed.push('u = 1');
  }
  if (fixedSlope(model)) fixed.push('a1 = 1 (the latent variance is estimated instead)');
  return fixed;
}

function itemsSection(result) {
  const items = result.items ?? [];
  const layout = tableLayout(result);
  const anyBound = items.some((it) => (it.on_bound ?? []).length > 0);
  const boundOnly = h('input', { type: 'checkbox', id: 'irt-bound-only' });
  // S-X2 and infit/outfit come as separate arrays; show them in the item's row (S-X2 by item
  // name; within groups it has its own table in the Groups section).
  // Intercepts and thresholds (and their SEs) get a column each: d1, se_d1, ..., b1, se_b1, ...
  const fit = new Map((result.item_fit ?? []).filter((f) => f.group == null).map((f) => [f.item, f]));
  const ms = result.infit_outfit ?? [];
  const rows = items.map((it, i) => {
    const f = it.group == null ? fit.get(it.item) : undefined;
    const row = {
      ...it,
      ...(f ? { s_x2: f.s_x2, sx2_df: f.df, sx2_p: f.p } : {}),
      ...(ms[i] ? { infit: ms[i].infit, z_infit: ms[i].z_infit, outfit: ms[i].outfit, z_outfit: ms[i].z_outfit } : {}),
    };
    if (layout.poly) {
      (it.intercepts ?? []).forEach((value, k) => {
        row[`d${k + 1}`] = value;
        row[`se_d${k + 1}`] = it.se_intercepts?.[k] ?? null;
      });
      (it.thresholds ?? []).forEach((value, k) => {
        row[`b${k + 1}`] = value;
        row[`se_b${k + 1}`] = it.se_thresholds?.[k] ?? null;
      });
    }
    return row;
  });
  const table = createTable({
    id: 'irt-item-table',
    caption: layout.poly
      ? 'Item parameters: slope-intercept form (a1, d1, \u2026) and IRT form (a, b1, \u2026, location)'
      : 'Item parameters: slope-intercept form (a1, d, \u2026) and IRT form (a, b, \u2026)',
    columns: itemColumns(result),
    rows,
    ...ITEM_ROWS,
    extraControls: anyBound ? [h('label', { class: 'choice', for: 'irt-bound-only' }, boundOnly, ' Items with a parameter at a bound only')] : [],
  });
  boundOnly.addEventListener('change', () => table.setFilter(boundOnly.checked ? (row) => (row.on_bound ?? []).length > 0 : null));
  const fixed = layout.single ? fixedParameters(layout.single) : [];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'irt-items-title' },
    h('h3', { id: 'irt-items-title', class: 'panel__title' }, 'Item parameters'),
    h(
      'p',
      { class: 'help' },
      'Select a column heading to sort; select it again to reverse the order. ',
      fixed.length ? `Fixed in the ${modelLabel(layout.single)} model: ${fixed.join(', ')}. ` : '',
      'SE: standard error (\u2014 when not requested or not available).',
    ),
    layout.poly
      ? h(
          'p',
          { class: 'help', id: 'irt-thresholds-help' },
          'An item with K categories has K \u2212 1 intercepts d1, \u2026 and thresholds b1, \u2026 (blank beyond them). Thresholds: ',
          thresholdText(layout.models),
          '. Location: the mean of an item\u2019s thresholds (rating scale items: their location \u03B4).',
        )
      : null,
    layout.grouped
      ? h('p', { class: 'help' }, 'Items that are not anchors are estimated in each group: one row per group. Anchor items have one row (group \u201Call\u201D).')
      : null,
    anyBound
      ? h(
          'p',
          { class: 'legend-line', id: 'irt-bound-legend' },
          h('span', { class: 'badge badge--on-bound' }, h('span', { 'aria-hidden': 'true' }, `${BOUND.symbol} `), 'at bound'),
          ` A parameter ${BOUND.text}. Consider a guessing prior or a simpler model for these items.`,
        )
      : null,
    table.element,
  );
}

/**
 * CSV of the item table: header = the item JSON field names (the first ones
 * in a fixed order, then the rest as the engine sends them); lists such as
 * scores, intercepts, thresholds and on_bound joined with ';'.
 */
function itemsCsv(items) {
  const keys = [...CSV_FIELDS];
  for (const item of items) for (const key of Object.keys(item)) if (!keys.includes(key)) keys.push(key);
  return toCsv(keys, items.map((item) => keys.map((key) => item[key])));
}

// ----------------------------------------------------------------- charts

function chartsSection(result, stem) {
  const items = result.items ?? [];
  const layout = tableLayout(result);
  const figure = (chartId, caption, description) => chartFigure(chartId, caption, description, `${stem}-${chartId.replace(/^irt-chart-/, '')}.png`);
  const itemSelect = h(
    'select',
    { id: 'irt-curve-item', class: 'input' },
    h('option', { value: '' }, 'All items'),
    items.map((it, i) => h('option', { value: String(i) }, itemName(it, i))),
  );
  const freeVariance = layout.models.some(fixedSlope) || fixedSlope(result.options?.model);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'irt-charts-title' },
    h('h3', { id: 'irt-charts-title', class: 'panel__title' }, 'Curves'),
    chartsAvailable()
      ? h(
          'div',
          { class: 'chart-controls' },
          h('div', { class: 'field field--inline' }, h('label', { for: 'irt-curve-item' }, 'Items in the item curves'), itemSelect),
          h(
            'p',
            { class: 'help' },
            `\u03B8 is the latent trait${freeVariance ? ' on the metric of the estimated latent variance' : ', standard normal in the population'}${(result.groups ?? []).length ? ' of the reference group' : ''}. `,
            layout.poly
              ? 'Expected score: the mean category, 0 to K \u2212 1 (category k is the item\u2019s k-th score); for a 0/1 item it is the probability of a right answer. The category response curves are for the chosen item (the first item with more than two categories when all items are chosen). '
              : '',
            'Select a name in a legend to hide or show its line.',
          ),
        )
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the tables above hold all the estimates.'),
    h(
      'div',
      { class: 'charts' },
      layout.poly
        ? figure('irt-chart-icc', 'Expected score curves', expectedDescription(items, ''))
        : figure('irt-chart-icc', 'Item characteristic curves', iccDescription(items, '')),
      layout.poly ? figure('irt-chart-categories', 'Category response curves', categoryDescription(items, categoryItem(items, ''))) : null,
      figure('irt-chart-info', 'Item information', infoDescription(items, '')),
      figure(
        'irt-chart-test',
        'Test information and standard error',
        'Line chart of the test information (the sum of the item informations) against \u03B8, with the standard error of \u03B8, one over the square root of the information, on a second axis.',
      ),
    ),
  );
}

const whichItems = (items, which) => (which === '' ? `all ${items.length} items` : `item ${itemName(items[Number(which)], Number(which))}`);
const iccDescription = (items, which) =>
  `Line chart of the probability of a right answer against \u03B8 for ${whichItems(items, which)}. The parameters are in the item table.`;
const expectedDescription = (items, which) =>
  `Line chart of the expected item score (0 to K \u2212 1) against \u03B8 for ${whichItems(items, which)}. The parameters are in the item table.`;
const infoDescription = (items, which) => `Line chart of the item information against \u03B8 for ${whichItems(items, which)}.`;
const categoryDescription = (items, index) => {
  const it = items[index];
  if (!it) return 'Line chart of the probability of each response category against \u03B8.';
  return `Line chart of the probability of each response category of item ${itemName(it, index)} against \u03B8, one line per category (scores ${(it.scores ?? []).join(', ')}).`;
};

/** The item whose category curves are shown: the chosen one, or the first polytomous item. */
function categoryItem(items, which) {
  if (which !== '') return Number(which);
  const first = items.findIndex(isPolyItem);
  return first < 0 ? 0 : first;
}

function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  const curves = result.curves ?? {};
  const items = result.items ?? [];
  const theta = curves.theta ?? [];
  if (!theta.length) return;
  const poly = tableLayout(result).poly;
  const select = results.querySelector('#irt-curve-item');
  const drawItemCharts = () => {
    const which = select.value;
    const indexes = which === '' ? items.map((_, i) => i) : [Number(which)];
    const lines = (key) => indexes.map((i) => ({ name: itemName(items[i], i), values: curves[key]?.[i] ?? [] }));
    const icc = results.querySelector('#irt-chart-icc');
    const info = results.querySelector('#irt-chart-info');
    if (poly) {
      const top = Math.max(1, ...indexes.map((i) => (items[i]?.categories ?? 2) - 1));
      renderItemCurves(icc, { theta, lines: lines('icc'), yName: 'Expected score', yMin: 0, yMax: top });
      icc.setAttribute('aria-label', expectedDescription(items, which));
      drawCategoryChart(categoryItem(items, which));
    } else {
      renderItemCurves(icc, { theta, lines: lines('icc'), yName: 'P(right answer)', yMin: 0, yMax: 1 });
      icc.setAttribute('aria-label', iccDescription(items, which));
    }
    renderItemCurves(info, { theta, lines: lines('item_information'), yName: 'Information', yMin: 0 });
    info.setAttribute('aria-label', infoDescription(items, which));
  };
  const drawCategoryChart = (index) => {
    const chart = results.querySelector('#irt-chart-categories');
    const it = items[index];
    if (!chart || !it) return;
    renderCategoryCurves(chart, { theta, scores: it.scores ?? [], curves: curves.category_curves?.[index] ?? [] });
    chart.setAttribute('aria-label', categoryDescription(items, index));
    const caption = chart.closest('figure')?.querySelector('.chart-figure__title');
    if (caption) caption.textContent = `Category response curves: ${itemName(it, index)}`;
  };
  select.addEventListener('change', drawItemCharts);
  drawItemCharts();
  renderTestInformation(results.querySelector('#irt-chart-test'), {
    theta,
    information: curves.test_information ?? [],
    se: curves.test_se ?? [],
  });
}
