// IRT Calibration tool: Rasch, 1PL, 2PL, 3PL and 4PL models for 0/1 items,
// fitted by marginal maximum likelihood (EM) in the engine's Web Worker.
// Input: a CSV or XLSX file (or the bundled LSAT7 sample) and the options;
// unlike Item Analysis, a calibration starts on Run (it can take a while).
// During the run a progress bar shows the EM iterations; Cancel stops it.
// Results: a summary with the fit statistics, warnings, an item table with
// both parameterisations and their standard errors, curves and downloads.
//
// Every number shown comes from the engine's result; nothing is computed here.

import { calibrateIrt, cancelCalibration } from '../engine.js';
import { DASH, fmt, fmtInt, fmtSci, h, isNumber } from '../format.js';
import { createTable, ITEM_NAME_COLUMN, ITEM_ROWS } from '../table.js';
import { chartFigure, chartsAvailable, renderItemCurves, renderTestInformation } from '../charts.js';
import { baseName, downloadCsv, downloadJson, toCsv } from '../download.js';
import { createDataInput, responseFileHelp } from '../data-input.js';
import { clearResults, markBusy, resultsHeader, setStatus, showResults, stat, toolSection } from '../tool-ui.js';

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
];

const HELP = responseFileHelp(
  'Scores must be 0 (wrong) or 1 (right); empty cells are missing responses and are left out of that person\u2019s likelihood.',
  'calibrated',
);

const MODELS = [
  { value: 'rasch', label: 'Rasch', text: 'All items discriminate equally (slopes fixed at 1); item difficulties and the variance of the latent trait are estimated.' },
  { value: '1pl', label: '1PL', text: 'One slope shared by all items, estimated; the latent trait is standard normal.' },
  { value: '2pl', label: '2PL', text: 'A slope (discrimination) and an intercept (difficulty) for each item. The usual first choice.' },
  { value: '3pl', label: '3PL', text: '2PL plus a lower asymptote (guessing) for each item, for multiple-choice items; needs large samples.' },
  { value: '4pl', label: '4PL', text: '3PL plus an upper asymptote (slipping) for each item; needs very large samples.' },
];
const modelLabel = (value) => MODELS.find((m) => m.value === value)?.label ?? String(value ?? '').toUpperCase();
const hasGuessing = (model) => model === '3pl' || model === '4pl';
const hasUpper = (model) => model === '4pl';

const QUADRATURE = {
  rectangular: { label: 'Rectangular', nodes: 61, text: 'equally spaced nodes on [\u22126, 6], as mirt' },
  'gauss-hermite': { label: 'Gauss-Hermite', nodes: 21, text: 'nodes placed for a normal latent trait; fewer are needed' },
};

const STOP_REASONS = {
  converged: 'converged',
  iteration_limit: 'iteration limit reached',
  cancelled: 'cancelled',
};

// Which form control each option named in an engine error belongs to.
const OPTION_FIELDS = {
  quadrature: 'irt-quad-nodes',
  D: 'irt-d-1702',
  tol: 'irt-tol',
  'max-iter': 'irt-max-iter',
  'guessing-prior': 'irt-prior-alpha',
  'm2-max-items': 'irt-m2-max-items',
};

// Columns of the CSV download, in the order of the CLI's CSV (item JSON field
// names; on_bound last, joined with ';'). Fields the engine adds later are
// appended after these.
const CSV_FIELDS = ['item', 'model', 'a1', 'd', 'g', 'u', 'a', 'b', 'c', 'se_a1', 'se_d', 'se_g', 'se_u', 'se_a', 'se_b', 'se_c', 'on_bound'];

const BOUND = { symbol: '\u25C6', label: 'At bound', text: 'at the bound of its range: the estimate is not interior and its standard error is not reported' };

// ------------------------------------------------------------------ markup

function radio(name, value, idSuffix, label, { checked = false, describedBy = null, description = null } = {}) {
  const inputId = `irt-${idSuffix}`;
  return h(
    'label',
    { class: description ? 'choice choice--described' : 'choice', for: inputId },
    h('input', { type: 'radio', name, value, id: inputId, checked, 'aria-describedby': describedBy }),
    h('span', { class: 'choice__text' }, h('span', { class: 'choice__label' }, label), description ? h('span', { class: 'choice__description', id: `${inputId}-desc` }, description) : null),
  );
}

function field({ id: fieldId, label, input, help }) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: fieldId, class: 'field__label' }, label),
    input,
    help ? h('p', { class: 'help', id: `${fieldId}-help` }, help) : null,
    h('p', { class: 'field__error', id: `${fieldId}-error`, hidden: true }),
  );
}

function textInput(inputId, value, { inputmode = 'decimal', size = 8, describedBy = [] } = {}) {
  return h('input', {
    type: 'text',
    id: inputId,
    class: 'input',
    value,
    inputmode,
    size: String(size),
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': [`${inputId}-help`, `${inputId}-error`, ...describedBy].join(' '),
  });
}

function template(dataPanel) {
  return toolSection(
    {
      id,
      titleId: 'irt-title',
      title,
      lead: 'Item response theory models (Rasch, 1PL, 2PL, 3PL, 4PL) for right/wrong items, fitted by marginal maximum likelihood (EM). Item parameters with standard errors, model fit, and item and test information curves.',
      resultsId: 'irt-results',
      resultsTitleId: 'irt-results-title',
    },
    dataPanel,
    optionsPanel(),
  );
}

function optionsPanel() {
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
      h(
        'div',
        { class: 'model-choices' },
        MODELS.map((m) =>
          radio('irt-model', m.value, `model-${m.value}`, m.label, {
            checked: m.value === '2pl',
            describedBy: `irt-model-${m.value}-desc`,
            description: m.text,
          }),
        ),
      ),
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
          h('div', { class: 'field' }, h('label', { for: 'irt-quad-rule', class: 'field__label' }, 'Rule'), quadRule),
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'irt-quad-nodes', class: 'field__label' }, 'Nodes'),
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
          h('div', { class: 'field' }, h('label', { for: 'irt-tol', class: 'field__label' }, 'Tolerance'), textInput('irt-tol', '0.0001', { describedBy: [] })),
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'irt-max-iter', class: 'field__label' }, 'Max. iterations'),
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
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'irt-m2-max-items', class: 'field__label' }, 'M2 for tests of up to (items)'),
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
          h('div', { class: 'field' }, h('label', { for: 'irt-prior-alpha', class: 'field__label' }, '\u03B1'), textInput('irt-prior-alpha', '5', { size: 5 })),
          h('div', { class: 'field' }, h('label', { for: 'irt-prior-beta', class: 'field__label' }, '\u03B2'), textInput('irt-prior-beta', '17', { size: 5 })),
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
    ),
    h('p', { id: 'irt-options-error', class: 'error-message', role: 'alert', hidden: true }),
    h(
      'div',
      { class: 'run-row' },
      h('button', { type: 'button', id: 'irt-run', class: 'button button--primary button--large' }, 'Run calibration'),
      h('p', { id: 'irt-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    ),
    h(
      'div',
      { id: 'irt-progress', class: 'progress-panel', hidden: true },
      h(
        'div',
        { class: 'progress-panel__bar-row' },
        h('progress', { id: 'irt-progress-bar', class: 'progress', max: '1', 'aria-label': 'Calibration progress', 'aria-describedby': 'irt-progress-text' }),
        h('button', { type: 'button', id: 'irt-cancel', class: 'button button--small button--quiet' }, 'Cancel'),
      ),
      h(
        'p',
        { id: 'irt-progress-text', class: 'progress-panel__text' },
        h('span', { class: 'progress-panel__item' }, 'Iteration ', h('strong', { id: 'irt-progress-iteration' }, DASH)),
        h('span', { class: 'progress-panel__item' }, 'largest change ', h('strong', { id: 'irt-progress-change' }, DASH)),
        h('span', { class: 'progress-panel__item' }, 'log-likelihood ', h('strong', { id: 'irt-progress-loglik' }, DASH)),
      ),
    ),
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
    onLoad: ({ name }, { sample }) => {
      setBusy(false);
      setStatus(status, sample ? '' : `${name} is loaded. Choose the model and options, then select Run calibration.`);
      if (sample) run();
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
  const root = template(data.element);
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const optionsError = $('#irt-options-error');
  const status = $('#irt-status');
  const results = $('#irt-results');
  const runButton = $('#irt-run');
  const cancelButton = $('#irt-cancel');
  const progressPanel = $('#irt-progress');
  const progressBar = $('#irt-progress-bar');
  const quadRule = $('#irt-quad-rule');
  const quadNodes = $('#irt-quad-nodes');
  const priorFieldset = $('#irt-prior-fieldset');
  const priorCheckbox = $('#irt-prior');
  const priorInputs = [$('#irt-prior-alpha'), $('#irt-prior-beta')];

  // Every run takes a new number; replies for an older one are ignored.
  let runCounter = 0;
  let nodesEdited = false; // keep the user's node count when the rule changes

  const selectedModel = () => root.querySelector('input[name="irt-model"]:checked').value;

  // ---- messages
  function showError(target, message) {
    target.hidden = false;
    target.textContent = message;
  }
  function clearErrors() {
    data.clearError();
    for (const el of [optionsError, ...root.querySelectorAll('.field__error')]) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }
  function fieldError(inputId, message) {
    const input = root.querySelector(`#${inputId}`);
    input?.setAttribute('aria-invalid', 'true');
    const el = root.querySelector(`#${inputId}-error`);
    if (el) showError(el, message);
  }
  function setBusy(isBusy) {
    markBusy(root, isBusy, [runButton]);
    data.setBusy(isBusy);
  }

  // ---- options
  function syncOptionControls() {
    const model = selectedModel();
    priorFieldset.disabled = !hasGuessing(model);
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
    if (hasGuessing(model) && priorCheckbox.checked) {
      const alpha = number('irt-prior-alpha', { min: 1, text: 'a shape of at least 1' });
      const beta = number('irt-prior-beta', { min: 1, text: 'a shape of at least 1' });
      guessingPrior = [alpha, beta];
    }
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
    };
  }

  // ---- progress
  let progressState = null;
  function startProgress(maxIter, tol) {
    progressState = { maxIter, tol, first: null, fraction: 0 };
    progressBar.removeAttribute('value'); // indeterminate until the first iteration
    $('#irt-progress-iteration').textContent = DASH;
    $('#irt-progress-change').textContent = DASH;
    $('#irt-progress-loglik').textContent = DASH;
    progressPanel.hidden = false;
    // The sample button is far above: bring the progress (and Cancel) into view.
    progressPanel.scrollIntoView({ block: 'nearest' });
  }
  function showProgress({ iteration, change, loglik }) {
    const state = progressState;
    if (!state) return;
    // How far the largest change has come down towards the tolerance, on a log
    // scale (EM's progress is roughly geometric), or the share of the
    // iteration limit used, whichever is further; never moving backwards.
    if (state.first === null && isNumber(change) && change > 0) state.first = Math.max(change, state.tol * 10);
    let towardsTol = 0;
    if (state.first !== null && isNumber(change) && change > 0) {
      towardsTol = Math.log(state.first / change) / Math.log(state.first / state.tol);
    }
    const fraction = Math.min(0.99, Math.max(state.fraction, towardsTol, iteration / state.maxIter));
    state.fraction = fraction;
    progressBar.value = fraction;
    $('#irt-progress-iteration').textContent = `${fmtInt(iteration)} of at most ${fmtInt(state.maxIter)}`;
    $('#irt-progress-change').textContent = `${fmtSci(change)} (stops below ${fmtSci(state.tol)})`;
    $('#irt-progress-loglik').textContent = fmt(loglik, 3);
  }
  function stopProgress() {
    progressState = null;
    progressPanel.hidden = true;
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
    setStatus(status, `Calibrating ${current.name} (${modelLabel(options.model)})\u2026`, { spinner: true });
    startProgress(options.maxIter, options.tol);
    const started = performance.now();
    try {
      const result = await calibrateIrt(current.bytes, options, (progress) => {
        if (token === runCounter) showProgress(progress);
      });
      if (token !== runCounter) return;
      const seconds = (performance.now() - started) / 1000;
      stopProgress();
      setBusy(false);
      renderResults(results, result);
      setStatus(status, `Calibrated ${current.name}: ${modelLabel(result.options?.model ?? options.model)}, ${describeStop(result)} (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      stopProgress();
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
  cancelButton.addEventListener('click', () => cancelCalibration());

  for (const input of root.querySelectorAll('input[name="irt-model"]')) input.addEventListener('change', syncOptionControls);
  quadRule.addEventListener('change', syncOptionControls);
  quadNodes.addEventListener('input', () => {
    nodesEdited = true;
  });
  priorCheckbox.addEventListener('change', syncOptionControls);
  // Options changed after a result: say that Run applies them.
  $('#irt-options-panel').addEventListener('change', (event) => {
    if (data.busy || results.hidden) return;
    setStatus(status, 'Options changed: select Run calibration to apply them.');
  });
  syncOptionControls();
}

function describeStop(result) {
  const n = fmtInt(result.iterations);
  const its = result.iterations === 1 ? 'iteration' : 'iterations';
  if (result.converged) return `converged in ${n} ${its}`;
  return `not converged: ${STOP_REASONS[result.stop_reason] ?? result.stop_reason} after ${n} ${its}`;
}

// ----------------------------------------------------------------- results

function renderResults(results, result) {
  const model = result.options?.model ?? result.items?.[0]?.model ?? '';
  const stem = `${baseName(result.file)}-irt-${String(model).replace(/[^a-z0-9]/gi, '') || 'model'}`;
  const header = resultsHeader({
    titleId: 'irt-results-title',
    title: [`${modelLabel(model)} calibration of `, h('span', { class: 'file-name' }, result.file ?? 'your data')],
    downloads: [
      { id: 'irt-download-csv', label: 'Item parameters (CSV)', onClick: () => downloadCsv(itemsCsv(result.items ?? []), `${stem}.csv`) },
      { id: 'irt-download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}.json`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result)),
    warningsSection(result),
    summarySection(result),
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
    `${fmtInt(nodes)} ${rule ? rule.label.toLowerCase() : String(q.rule ?? o.quadrature_rule ?? '')} quadrature nodes`,
    isNumber(o.D) ? `D = ${o.D}` : null,
    isNumber(o.tolerance) ? `tolerance ${fmtSci(o.tolerance)}` : null,
    o.guessing_prior ? `guessing prior ${describePrior(o.guessing_prior)}` : null,
    o.acceleration && o.acceleration !== 'none' ? `EM acceleration: ${String(o.acceleration).toUpperCase()}` : null,
    result.engine ? `${result.engine.name} ${result.engine.version}` : null,
  ];
  return parts.filter(Boolean).join(' \u00B7 ');
}

function describePrior(prior) {
  const [a, b] = Array.isArray(prior) ? prior : [prior.alpha, prior.beta];
  return `Beta(${a}, ${b})`;
}

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
        note: converged ? null : (STOP_REASONS[result.stop_reason] ?? result.stop_reason ?? null),
        flagged: !converged,
        title: 'Whether EM stopped because the largest parameter change fell below the tolerance',
      }),
      stat('Iterations', fmtInt(result.iterations), {
        id: 'irt-iterations',
        note: isNumber(result.last_change) ? `last change ${fmtSci(result.last_change)}` : null,
        title: 'EM iterations, and the largest absolute parameter change in the last one',
      }),
      result.m2
        ? stat('M2', fmt(result.m2.m2, 3), {
            id: 'irt-m2',
            note: `df ${fmtInt(result.m2.df)}, p ${fmt(result.m2.p, 4)}`,
            title: 'Limited-information goodness of fit (Maydeu-Olivares & Joe): small M2 relative to df means good fit',
          })
        : null,
      result.m2
        ? stat('RMSEA', fmt(result.m2.rmsea, 4), {
            id: 'irt-rmsea',
            note: `SRMSR ${fmt(result.m2.srmsr, 4)}`,
            title: 'RMSEA based on M2, and the standardised root mean square residual of inter-item correlations (both near 0 for a well-fitting model)',
          })
        : null,
      latent.variance_estimated
        ? stat('Latent variance', fmt(latent.variance, 3), {
            id: 'irt-latent-variance',
            note: isNumber(latent.se_variance) ? `SE ${fmt(latent.se_variance, 3)}` : null,
            title: 'Estimated variance of the latent trait (its mean is fixed at 0)',
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
    latent.variance_estimated
      ? null
      : h('p', { class: 'help' }, `Latent trait: mean ${fmt(latent.mean, 0)}, variance ${fmt(latent.variance, 0)} (fixed).`),
  );
}

function warningsSection(result) {
  const warnings = result.warnings ?? [];
  if (!warnings.length) return null;
  return h(
    'section',
    { class: 'panel panel--warning', id: 'irt-warnings', 'aria-labelledby': 'irt-warnings-title' },
    h('h3', { id: 'irt-warnings-title', class: 'panel__title' }, `Warnings (${warnings.length})`),
    h(
      'ul',
      { class: 'warnings' },
      warnings.map((w) =>
        h(
          'li',
          { 'data-code': w.code ?? null },
          // The engine's messages usually name the item already.
          w.item && !String(w.message ?? '').includes(w.item) ? h('strong', {}, `${w.item}: `) : null,
          w.message ?? w.code,
        ),
      ),
    ),
  );
}

// ------------------------------------------------------------- item table

/** True when any item has any standard error. */
function hasAnySe(items) {
  return items.some((it) => Object.keys(it).some((key) => key.startsWith('se_') && isNumber(it[key])));
}

/** Which parameters of the row are on a bound (c shares g's bound). */
function boundParams(row) {
  const bound = new Set(row.on_bound ?? []);
  if (bound.has('g')) bound.add('c');
  return bound;
}

function itemColumns(result) {
  const items = result.items ?? [];
  const model = result.options?.model ?? items[0]?.model;
  const withSe = hasAnySe(items);
  const num = (key, label, description, extra = {}) => ({
    key,
    label,
    description,
    numeric: true,
    render: (row, cell) => renderNumber(row, cell, key),
    cellClass: (row) => [boundParams(row).has(key) ? 'is-flagged' : '', extra.group ? 'col-group-start' : ''].join(' ').trim(),
    headerClass: extra.group ? 'col-group-start' : null,
  });
  const se = (key, param) => ({
    ...num(key, `SE ${param}`, `Standard error of ${param}`),
    cellClass: () => 'se',
    headerClass: 'se',
  });
  const pair = (key, label, description, extra) => [num(key, label, description, extra), withSe ? se(`se_${key}`, label) : null];
  const cols = [
    ITEM_NAME_COLUMN,
    ...pair('a1', 'a1', 'Slope (slope-intercept form)', { group: true }),
    ...pair('d', 'd', 'Intercept (slope-intercept form): P = g + (u \u2212 g) / (1 + exp(\u2212(a1 \u03B8 + d)))'),
    ...(hasGuessing(model) ? pair('g', 'g', 'Lower asymptote (guessing)') : []),
    ...(hasUpper(model) ? pair('u', 'u', 'Upper asymptote') : []),
    ...pair('a', 'a', 'Discrimination in the IRT form: a = a1 / D', { group: true }),
    ...pair('b', 'b', 'Difficulty in the IRT form: b = \u2212d / a1 (the \u03B8 where P is halfway between the asymptotes)'),
    ...(hasGuessing(model) ? pair('c', 'c', 'Lower asymptote in the IRT form (= g)') : []),
    ...((result.item_fit ?? []).length
      ? [
          num('s_x2', 'S-X2', 'Orlando-Thissen item fit: observed vs expected proportion correct by summed score', { group: true }),
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
    {
      key: 'on_bound',
      label: 'Bound',
      description: 'Parameters at the bound of their range',
      value: (row) => (row.on_bound ?? []).length,
      render: renderBound,
      headerClass: 'col-group-start',
      cellClass: () => 'col-group-start',
    },
  ];
  return cols.filter(Boolean);
}

function renderNumber(row, cell, key) {
  const value = row[key];
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

function itemsSection(result) {
  const items = result.items ?? [];
  const model = result.options?.model ?? items[0]?.model;
  const anyBound = items.some((it) => (it.on_bound ?? []).length > 0);
  const boundOnly = h('input', { type: 'checkbox', id: 'irt-bound-only' });
  // S-X2 and infit/outfit come as separate arrays in item order; show them in the item's row.
  const fit = result.item_fit ?? [];
  const ms = result.infit_outfit ?? [];
  const rows = items.map((it, i) => ({
    ...it,
    ...(fit[i] ? { s_x2: fit[i].s_x2, sx2_df: fit[i].df, sx2_p: fit[i].p } : {}),
    ...(ms[i] ? { infit: ms[i].infit, z_infit: ms[i].z_infit, outfit: ms[i].outfit, z_outfit: ms[i].z_outfit } : {}),
  }));
  const table = createTable({
    id: 'irt-item-table',
    caption: 'Item parameters: slope-intercept form (a1, d, \u2026) and IRT form (a, b, \u2026)',
    columns: itemColumns(result),
    rows,
    ...ITEM_ROWS,
    extraControls: anyBound ? [h('label', { class: 'choice', for: 'irt-bound-only' }, boundOnly, ' Items with a parameter at a bound only')] : [],
  });
  boundOnly.addEventListener('change', () => table.setFilter(boundOnly.checked ? (row) => (row.on_bound ?? []).length > 0 : null));
  const fixed = [];
  if (!hasGuessing(model)) fixed.push('g = c = 0');
  if (!hasUpper(model)) fixed.push('u = 1');
  if (model === 'rasch') fixed.push('a1 = 1 (the latent variance is estimated instead)');
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'irt-items-title' },
    h('h3', { id: 'irt-items-title', class: 'panel__title' }, 'Item parameters'),
    h(
      'p',
      { class: 'help' },
      'Select a column heading to sort; select it again to reverse the order. ',
      fixed.length ? `Fixed in the ${modelLabel(model)} model: ${fixed.join(', ')}. ` : '',
      'SE: standard error (\u2014 when not requested or not available).',
    ),
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

/** CSV of the item table: header = the item JSON field names, on_bound joined with ';'. */
function itemsCsv(items) {
  const keys = [...CSV_FIELDS];
  for (const item of items) for (const key of Object.keys(item)) if (!keys.includes(key)) keys.push(key);
  return toCsv(keys, items.map((item) => keys.map((key) => item[key])));
}

// ----------------------------------------------------------------- charts

function chartsSection(result, stem) {
  const items = result.items ?? [];
  const figure = (chartId, caption, description) => chartFigure(chartId, caption, description, `${stem}-${chartId.replace(/^irt-chart-/, '')}.png`);
  const itemSelect = h(
    'select',
    { id: 'irt-curve-item', class: 'input' },
    h('option', { value: '' }, 'All items'),
    items.map((it, i) => h('option', { value: String(i) }, it.item)),
  );
  const rasch = (result.options?.model ?? items[0]?.model) === 'rasch';
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
            `\u03B8 is the latent trait${rasch ? ' on the metric of the estimated latent variance' : ', standard normal in the population'}. Select a name in a legend to hide or show its line.`,
          ),
        )
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the tables above hold all the estimates.'),
    h(
      'div',
      { class: 'charts' },
      figure('irt-chart-icc', 'Item characteristic curves', iccDescription(items, '')),
      figure('irt-chart-info', 'Item information', infoDescription(items, '')),
      figure(
        'irt-chart-test',
        'Test information and standard error',
        'Line chart of the test information (the sum of the item informations) against \u03B8, with the standard error of \u03B8, one over the square root of the information, on a second axis.',
      ),
    ),
  );
}

const iccDescription = (items, which) =>
  `Line chart of the probability of a right answer against \u03B8 for ${which === '' ? `all ${items.length} items` : `item ${items[Number(which)]?.item}`}. The parameters are in the item table.`;
const infoDescription = (items, which) =>
  `Line chart of the item information against \u03B8 for ${which === '' ? `all ${items.length} items` : `item ${items[Number(which)]?.item}`}.`;

function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  const curves = result.curves ?? {};
  const items = result.items ?? [];
  const theta = curves.theta ?? [];
  if (!theta.length) return;
  const select = results.querySelector('#irt-curve-item');
  const drawItemCharts = () => {
    const which = select.value;
    const indexes = which === '' ? items.map((_, i) => i) : [Number(which)];
    const lines = (key) => indexes.map((i) => ({ name: items[i]?.item ?? `Item ${i + 1}`, values: curves[key]?.[i] ?? [] }));
    const icc = results.querySelector('#irt-chart-icc');
    const info = results.querySelector('#irt-chart-info');
    renderItemCurves(icc, { theta, lines: lines('icc'), yName: 'P(right answer)', yMin: 0, yMax: 1 });
    renderItemCurves(info, { theta, lines: lines('item_information'), yName: 'Information', yMin: 0 });
    icc.setAttribute('aria-label', iccDescription(items, which));
    info.setAttribute('aria-label', infoDescription(items, which));
  };
  select.addEventListener('change', drawItemCharts);
  drawItemCharts();
  renderTestInformation(results.querySelector('#irt-chart-test'), {
    theta,
    information: curves.test_information ?? [],
    se: curves.test_se ?? [],
  });
}
