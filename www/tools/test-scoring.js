// Test Scoring tool: scores examinees with known item parameters (IRT),
// by EAP, MAP, ML, WLE or EAP of the sum score, in the engine's Web Worker.
// Input: a response file (CSV or XLSX, or the bundled sample) and the item
// parameters: a parameter CSV file, or the parameters of the last IRT
// calibration on this site (handed over by the IRT page's "Score examinees
// with these parameters", see handoff.js). Like a calibration, scoring
// starts on Run.
// Results: a summary (marginal reliability, θ's mean and SD, extreme
// patterns), warnings, a histogram of the scores, the test characteristic,
// information and standard-error curves, the sum-score conversion table, the
// classification into levels, a table of persons and downloads.
//
// Every number shown comes from the engine's result; nothing is computed
// here except the histogram's bins.

import { analyzeItems, scoreIrt } from '../engine.js';
import { DASH, fmt, fmtInt, fmtShort, h, isNumber } from '../format.js';
import { createTable, intColumn, numberColumn, staticTable } from '../table.js';
import { chartFigure, chartsAvailable, renderHistogram, renderItemCurves } from '../charts.js';
import { baseName, downloadCsv, downloadJson, toCsv } from '../download.js';
import { acceptDrops, createDataInput, formatSize, readFile, responseFileHelp } from '../data-input.js';
import {
  choice,
  clearFieldErrors,
  clearResults,
  fieldError,
  fieldErrors as errors,
  hiddenHelp,
  labelledField as labelled,
  markBusy,
  resultsHeader,
  runRow,
  setStatus,
  showMessage as showError,
  showResults,
  stat,
  textInput,
  toolSection,
  warningsPanel,
} from '../tool-ui.js';
import { latestCalibration, onCalibration } from '../handoff.js';

export const id = 'test-scoring';
export const title = 'Test Scoring';

const SAMPLES = [
  {
    id: 'run-sample',
    noteId: 'sample-note',
    label: 'Try the sample data',
    note: 'LSAT7: 1,000 persons, 5 right/wrong items, with mirt\u2019s 2PL parameters (D = 1); loads and runs with the options below',
    file: 'LSAT7.csv',
    // The parameter file (in www/samples/) and the D it needs.
    params: 'LSAT7-2PL-parameters.csv',
    D: '1',
  },
];

const HELP = responseFileHelp(
  'Scores as the item parameters expect them (0, 1, \u2026 for an item\u2019s categories unless the parameter file\u2019s scores column says otherwise); empty cells are missing responses and are left out of that person\u2019s likelihood.',
  'scored',
);

const METHODS = [
  { value: 'eap', label: 'EAP', text: 'Expected a posteriori: the mean of \u03B8 given the responses and the prior. Always finite; the usual choice.' },
  { value: 'map', label: 'MAP', text: 'Maximum a posteriori: the most likely \u03B8 given the responses and the prior. Always finite.' },
  { value: 'ml', label: 'ML', text: 'Maximum likelihood, without a prior. No finite \u03B8 for all-lowest or all-highest response patterns.' },
  { value: 'wle', label: 'WLE', text: 'Warm\u2019s weighted likelihood: less biased than ML, and finite for extreme patterns.' },
  { value: 'eapsum', label: 'EAP sum score', text: 'EAP of the sum score: one \u03B8 per sum score (the conversion table), the same for everyone with that sum.' },
];
const methodLabel = (value) => METHODS.find((m) => m.value === value)?.label ?? String(value ?? '').toUpperCase();

const PARAM_MODELS = ['rasch', '1pl', '2pl', '3pl', '4pl', 'grm', 'gpcm', 'pcm', 'rsm'];

// Which form control each option named in an engine error belongs to.
const OPTION_FIELDS = {
  method: 'scoring-method-eap',
  D: 'scoring-d-1702',
  'prior-mean': 'scoring-prior-mean',
  priorMean: 'scoring-prior-mean',
  prior_mean: 'scoring-prior-mean',
  'prior-sd': 'scoring-prior-sd',
  priorSd: 'scoring-prior-sd',
  prior_sd: 'scoring-prior-sd',
  scale: 'scoring-scale-slope',
  'scale-slope': 'scoring-scale-slope',
  'scale-intercept': 'scoring-scale-intercept',
  'scale-decimals': 'scoring-scale-decimals',
  'scale-min': 'scoring-scale-min',
  'scale-max': 'scoring-scale-max',
  cuts: 'scoring-cuts',
  levels: 'scoring-levels',
};

// Files up to this size are looked at (by the engine's item analysis) when they load, for the preview line.
const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;
// The person table renders at most this many rows (sorting and searching reach the others).
const PERSON_ROWS = 1000;

const NO_CALIBRATION = 'None yet: after an IRT calibration on this site, select \u201CScore examinees with these parameters\u201D under its results.';

// ------------------------------------------------------------------ markup

function template(dataPanel) {
  return toolSection(
    {
      id,
      titleId: 'scoring-title',
      title,
      lead: 'Scores for each examinee from known item parameters (IRT): EAP, MAP, ML, WLE or EAP of the sum score, with standard errors, scale scores, performance levels and the test\u2019s characteristic, information and standard-error curves.',
      resultsId: 'scoring-results',
      resultsTitleId: 'scoring-results-title',
    },
    dataPanel,
    paramsPanel(),
    optionsPanel(),
  );
}

function paramsPanel() {
  return h(
    'div',
    { class: 'panel', id: 'scoring-params-panel', role: 'group', 'aria-labelledby': 'scoring-params-title' },
    h('h2', { class: 'panel__title', id: 'scoring-params-title' }, 'Item parameters'),
    h(
      'fieldset',
      { class: 'options' },
      h('legend', { class: 'visually-hidden' }, 'Where the item parameters come from'),
      h(
        'div',
        { class: 'model-choices' },
        choice({
          id: 'scoring-params-source-file',
          name: 'scoring-params-source',
          value: 'file',
          label: 'A parameter file (CSV)',
          checked: true,
          describedBy: 'scoring-params-source-file-desc',
          description: 'One row per item; the columns are described below the file button.',
        }),
        choice({
          id: 'scoring-params-source-calibration',
          name: 'scoring-params-source',
          value: 'calibration',
          label: 'Use the parameters of the last calibration',
          disabled: true,
          describedBy: 'scoring-params-source-calibration-desc',
          description: NO_CALIBRATION,
        }),
      ),
    ),
    h(
      'div',
      { class: 'item-models params-file', id: 'scoring-params-drop' },
      h('input', {
        type: 'file',
        id: 'scoring-params-input',
        class: 'visually-hidden file-input',
        accept: '.csv,text/csv',
        'aria-describedby': 'scoring-params-help scoring-params-error',
      }),
      h('label', { for: 'scoring-params-input', class: 'button button--small' }, 'Choose a parameter file\u2026'),
      h('span', { class: 'dropzone__or' }, 'or drop it here'),
      h('p', { class: 'item-models__current', id: 'scoring-params-current', hidden: true }),
    ),
    h(
      'p',
      { class: 'help', id: 'scoring-params-help' },
      'A CSV file with a header row and one row per item: ',
      h('code', {}, 'item'),
      ' (as in the response file), ',
      h('code', {}, 'model'),
      ` (${PARAM_MODELS.join(', ')}), `,
      h('code', {}, 'a'),
      ' (the slope on the IRT metric of D; 1 when left out for rasch, 1pl, pcm, rsm), ',
      h('code', {}, 'b'),
      ' for right/wrong items or ',
      h('code', {}, 'b1'),
      ', ',
      h('code', {}, 'b2'),
      ', \u2026 for items with more categories (GRM category boundaries; GPCM, PCM, RSM step parameters), or ',
      h('code', {}, 'd'),
      ' / ',
      h('code', {}, 'd1'),
      ', \u2026 instead (slope-intercept form, D a \u03B8 + d), ',
      h('code', {}, 'c'),
      ' and ',
      h('code', {}, 'u'),
      ' (3PL, 4PL asymptotes), and optionally ',
      h('code', {}, 'scores'),
      ' (each category\u2019s observed score, separated by ;). For example ',
      h('code', {}, 'Item.1,2pl,0.99,-1.88'),
      '.',
    ),
    h(
      'div',
      { class: 'run-row run-row--compact', id: 'scoring-calibration-box', hidden: true },
      h('button', { type: 'button', id: 'scoring-calibration-download', class: 'button button--small button--quiet' }, 'Download these parameters (CSV)'),
    ),
    h('p', { id: 'scoring-params-error', class: 'error-message', role: 'alert', hidden: true }),
  );
}

function optionsPanel() {
  const short = (inputId, value = '', size = 6) => textInput(inputId, value, { size });
  // Help paragraphs that several inputs share are referred to through describedBy; each
  // input's own `<id>-help` (hiddenHelp) is a visually hidden name of what it holds.
  return h(
    'div',
    { class: 'panel', id: 'scoring-options-panel', role: 'group', 'aria-labelledby': 'scoring-options-title' },
    h('h2', { class: 'panel__title', id: 'scoring-options-title' }, 'Method and options'),
    h(
      'fieldset',
      { class: 'options' },
      h('legend', {}, 'Method'),
      h(
        'div',
        { class: 'model-choices' },
        METHODS.map((m) =>
          choice({
            id: `scoring-method-${m.value}`,
            name: 'scoring-method',
            value: m.value,
            label: m.label,
            checked: m.value === 'eap',
            describedBy: `scoring-method-${m.value}-desc`,
            description: m.text,
          }),
        ),
      ),
      errors('scoring-method-eap'),
    ),
    h(
      'div',
      { class: 'option-grid' },
      h(
        'fieldset',
        { class: 'options', id: 'scoring-d-fieldset' },
        h('legend', {}, 'Metric of the slopes a (D)'),
        h(
          'div',
          { class: 'options__choices' },
          choice({ id: 'scoring-d-1702', name: 'scoring-D', value: '1.702', label: 'D = 1.702', checked: true, describedBy: 'scoring-d-help scoring-d-1702-error' }),
          choice({ id: 'scoring-d-1', name: 'scoring-D', value: '1', label: 'D = 1', describedBy: 'scoring-d-help' }),
        ),
        h(
          'p',
          { class: 'help', id: 'scoring-d-help' },
          h('span', { id: 'scoring-d-text' }, 'The D of the parameter file\u2019s a: 1.702 for pacer\u2019s default (normal-ogive metric), 1 for logistic slopes (mirt\u2019s a1).'),
        ),
        errors('scoring-d-1702'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Prior of \u03B8'),
        h(
          'div',
          { class: 'field-row' },
          labelled('scoring-prior-mean', 'Mean', short('scoring-prior-mean', '0')),
          labelled('scoring-prior-sd', 'SD', short('scoring-prior-sd', '1')),
        ),
        h('p', { class: 'help', id: 'scoring-prior-mean-help' }, 'Normal prior of \u03B8 for EAP, MAP and EAP sum score (default N(0, 1)); ML and WLE use none.'),
        hiddenHelp('scoring-prior-sd', 'Standard deviation of the prior, greater than 0.'),
        errors('scoring-prior-mean', 'scoring-prior-sd'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Scale scores ', h('span', { class: 'legend__note' }, '(optional)')),
        h(
          'div',
          { class: 'field-row' },
          labelled('scoring-scale-slope', 'Slope', short('scoring-scale-slope', '', 5)),
          labelled('scoring-scale-intercept', 'Intercept', short('scoring-scale-intercept', '', 5)),
          labelled('scoring-scale-decimals', 'Decimals', textInput('scoring-scale-decimals', '', { inputmode: 'numeric', size: 3 })),
        ),
        h(
          'div',
          { class: 'field-row' },
          labelled('scoring-scale-min', 'Lowest', short('scoring-scale-min', '', 5)),
          labelled('scoring-scale-max', 'Highest', short('scoring-scale-max', '', 5)),
        ),
        h(
          'p',
          { class: 'help', id: 'scoring-scale-slope-help' },
          'Scale score = slope \u00D7 \u03B8 + intercept (empty: 1 and 0), rounded to the decimals (empty: 0) and kept between the lowest and highest; all empty: no scale scores.',
        ),
        hiddenHelp('scoring-scale-intercept', 'Intercept of the scale transformation.'),
        hiddenHelp('scoring-scale-decimals', 'Decimals of the scale scores, a whole number.'),
        hiddenHelp('scoring-scale-min', 'Lowest scale score.'),
        hiddenHelp('scoring-scale-max', 'Highest scale score.'),
        errors('scoring-scale-slope', 'scoring-scale-intercept', 'scoring-scale-decimals', 'scoring-scale-min', 'scoring-scale-max'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Performance levels ', h('span', { class: 'legend__note' }, '(optional)')),
        labelled('scoring-cuts', 'Cut scores', textInput('scoring-cuts', '', { inputmode: 'text', size: 24 }), { wide: true }),
        labelled('scoring-levels', 'Level names', textInput('scoring-levels', '', { inputmode: 'text', size: 24 }), { wide: true }),
        h(
          'p',
          { class: 'help', id: 'scoring-cuts-help' },
          'Cut scores on the reported scale (scale scores when set, \u03B8 otherwise), in increasing order, separated by commas, e.g. -0.5, 0.8.',
        ),
        h('p', { class: 'help', id: 'scoring-levels-help' }, 'Optional names of the levels, one more than the cut scores, separated by commas, e.g. Basic, Proficient, Advanced.'),
        errors('scoring-cuts', 'scoring-levels'),
      ),
    ),
    h('p', { id: 'scoring-options-error', class: 'error-message', role: 'alert', hidden: true }),
    runRow('scoring-', 'Run scoring'),
  );
}

// ------------------------------------------------------------------- mount

export function mount(container) {
  // The loaded response file stays in the data panel (the worker gets a
  // copy), so scoring can be re-run with other parameters or options. The
  // sample loads its parameters and runs; a file waits for Run.
  const data = createDataInput({
    idPrefix: 'scoring-',
    help: HELP,
    samples: SAMPLES,
    onLoadStart: (name) => {
      clearErrors();
      setBusy(true);
      setStatus(status, `Reading ${name}\u2026`, { spinner: true });
    },
    onLoad: (loaded, { sample }) => {
      setBusy(false);
      previewData(loaded);
      if (sample?.handoff) {
        setStatus(status, `${loaded.name} and the parameters of the ${sample.handoff.label} are selected. Choose the method and options, then select Run scoring.`);
      } else if (sample?.params) {
        runSample(sample);
      } else {
        setStatus(status, `${loaded.name} is loaded. ${currentParamsReady() ? 'Choose the method and options' : 'Choose the item parameters'}, then select Run scoring.`);
      }
    },
    onLoadError: () => {
      setBusy(false);
      setStatus(status, '');
    },
    // A new file while scoring runs is used by the next Run.
    queueWhileBusy: true,
    busyDropMessage: 'Scoring is running: wait for it to finish, then drop the file again.',
  });
  data.element.append(h('p', { class: 'help', id: 'scoring-data-preview', role: 'status', hidden: true }));
  const root = template(data.element);
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const status = $('#scoring-status');
  const results = $('#scoring-results');
  const runButton = $('#scoring-run');
  const optionsError = $('#scoring-options-error');
  const paramsError = $('#scoring-params-error');
  const paramsInput = $('#scoring-params-input');
  const paramsDrop = $('#scoring-params-drop');
  const preview = $('#scoring-data-preview');
  const sourceCalibration = $('#scoring-params-source-calibration');
  const dFieldset = $('#scoring-d-fieldset');

  let runCounter = 0; // replies for an older run are ignored
  let paramsFile = null; // { name, bytes } or { name, error }
  let calibration = null; // the latest calibration handed over (handoff.js)
  let appliedSerial = 0;

  const selectedSource = () => root.querySelector('input[name="scoring-params-source"]:checked').value;
  const selectedMethod = () => root.querySelector('input[name="scoring-method"]:checked').value;

  // ---- messages
  function clearErrors() {
    data.clearError();
    clearFieldErrors(root, [optionsError, paramsError]);
    // A bad parameter file stays reported until it is replaced.
    if (paramsFile?.error && selectedSource() === 'file') showError(paramsError, paramsFile.error);
  }
  function setBusy(isBusy) {
    markBusy(root, isBusy, [runButton]);
    data.setBusy(isBusy);
  }

  // ---- the response file's preview
  async function previewData(loaded) {
    preview.hidden = true;
    if (loaded.bytes.length > PREVIEW_MAX_BYTES) return;
    let analysis;
    try {
      analysis = await analyzeItems(loaded.bytes, { fileName: loaded.name });
    } catch {
      return; // the scoring run reports what is wrong with the file
    }
    if (data.current !== loaded) return;
    const items = (analysis.items ?? []).map((it) => it.item);
    const shown = items.slice(0, 8).join(', ') + (items.length > 8 ? `, \u2026 (${fmtInt(items.length - 8)} more)` : '');
    preview.replaceChildren(
      h('strong', {}, loaded.name),
      `: ${fmtInt(analysis.n_persons)} ${analysis.n_persons === 1 ? 'person' : 'persons'}, ${fmtInt(items.length)} ${items.length === 1 ? 'item' : 'items'} (${shown})`,
      analysis.id_column ? `; an ${analysis.id_column} column` : '',
      '.',
    );
    preview.hidden = false;
  }

  // ---- the item parameters
  function currentParamsReady() {
    return selectedSource() === 'calibration' ? Boolean(calibration) : Boolean(paramsFile && !paramsFile.error);
  }

  /** The parameters for a run, { name, bytes }, or null (with the message shown). */
  function currentParams() {
    if (selectedSource() === 'calibration') {
      if (calibration) return { name: calibration.paramsFileName, bytes: new TextEncoder().encode(calibration.paramsCsv) };
      showError(paramsError, 'No calibration has been handed over yet: choose a parameter file instead.');
      return null;
    }
    if (!paramsFile) {
      showError(paramsError, 'Choose an item-parameter file (CSV), or use the parameters of the last calibration, then select Run.');
      paramsInput.setAttribute('aria-invalid', 'true');
      return null;
    }
    if (paramsFile.error) {
      showError(paramsError, paramsFile.error);
      return null;
    }
    return paramsFile;
  }

  async function loadParamsFile(file) {
    paramsError.hidden = true;
    paramsInput.removeAttribute('aria-invalid');
    let loaded;
    try {
      if (/\.xlsx$/i.test(file.name)) throw new Error(`${file.name} is an Excel file; save it as CSV and choose it again.`);
      const bytes = await readFile(file).catch((err) => {
        throw new Error(`${file.name}: ${err?.message ?? err}.`);
      });
      if (!bytes.length) throw new Error(`${file.name} is empty: it needs a header row (item, model, a, b, \u2026) and one row per item.`);
      loaded = { name: file.name, bytes };
    } catch (error) {
      loaded = { name: file.name, error: error?.message ?? String(error) };
    }
    useParamsFile(loaded);
  }

  function useParamsFile(loaded) {
    paramsFile = loaded;
    root.querySelector('#scoring-params-source-file').checked = true;
    const current = $('#scoring-params-current');
    current.hidden = false;
    if (loaded.error) {
      current.textContent = `${loaded.name}: not used (see the message below).`;
      paramsInput.setAttribute('aria-invalid', 'true');
      showError(paramsError, loaded.error);
    } else {
      current.replaceChildren('Loaded: ', h('strong', {}, loaded.name), ` (${formatSize(loaded.bytes.length)})`);
      paramsError.hidden = true;
    }
    syncControls();
    if (!data.busy && !loaded.error) {
      setStatus(status, data.current ? `${loaded.name} is loaded. Choose the method and options, then select Run scoring.` : `${loaded.name} is loaded. Choose the response file, then select Run scoring.`);
    }
  }

  async function runSample(sample) {
    let bytes;
    try {
      const response = await fetch(new URL(`../samples/${sample.params}`, import.meta.url));
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      showError(paramsError, `The sample\u2019s parameters (${sample.params}) could not be read: ${error?.message ?? error}. Please try again.`);
      setStatus(status, '');
      return;
    }
    useParamsFile({ name: sample.params, bytes });
    root.querySelector(`input[name="scoring-D"][value="${sample.D}"]`).checked = true;
    run();
  }

  // ---- a calibration handed over by the IRT page
  function showCalibration() {
    const desc = $('#scoring-params-source-calibration-desc');
    sourceCalibration.disabled = !calibration;
    desc.textContent = calibration
      ? `${calibration.label}: ${fmtInt(calibration.nItems)} ${calibration.nItems === 1 ? 'item' : 'items'}, D = ${calibration.D}.`
      : NO_CALIBRATION;
  }

  function applyCalibration(handed) {
    if (!handed || handed.serial === appliedSerial) return;
    appliedSerial = handed.serial;
    calibration = handed;
    showCalibration();
    sourceCalibration.checked = true;
    // The prior: the calibration's latent distribution (N(0, 1) unless its variance was estimated).
    $('#scoring-prior-mean').value = String(Number((handed.prior?.mean ?? 0).toPrecision(6)));
    $('#scoring-prior-sd').value = String(Number((handed.prior?.sd ?? 1).toPrecision(6)));
    syncControls();
    clearErrors();
    clearResults(results);
    data.load(handed.responses.name, Promise.resolve(handed.responses.bytes), { sample: { handoff: handed } });
  }

  // ---- options
  function syncControls() {
    const fromCalibration = selectedSource() === 'calibration' && calibration;
    paramsDrop.hidden = Boolean(fromCalibration);
    $('#scoring-calibration-box').hidden = !fromCalibration;
    // The calibration's slopes are on its D: scoring must use the same.
    dFieldset.disabled = Boolean(fromCalibration);
    if (fromCalibration) {
      const radio = root.querySelector(`input[name="scoring-D"][value="${calibration.D}"]`);
      if (radio) radio.checked = true;
      $('#scoring-d-text').textContent = `Set to the calibration\u2019s D = ${calibration.D}, the metric of its slopes a.`;
    } else {
      $('#scoring-d-text').textContent = 'The D of the parameter file\u2019s a: 1.702 for pacer\u2019s default (normal-ogive metric), 1 for logistic slopes (mirt\u2019s a1).';
    }
  }

  /** The engine's options from the form, or null (with the errors shown) when one is invalid. */
  function readOptions(fileName, paramsFileName) {
    let ok = true;
    const invalid = (inputId, message) => {
      fieldError(root, inputId, message);
      ok = false;
    };
    const number = (inputId, { integer = false, optional = false, text }) => {
      const raw = $(`#${inputId}`).value.trim();
      if (raw === '' && optional) return undefined;
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        invalid(inputId, raw === '' ? `Enter ${text}.` : `\u201C${raw}\u201D is not ${text}.`);
        return undefined;
      }
      return value;
    };
    const priorMean = number('scoring-prior-mean', { text: 'a number such as 0' });
    const priorSd = number('scoring-prior-sd', { text: 'a positive number such as 1' });
    if (isNumber(priorSd) && !(priorSd > 0)) invalid('scoring-prior-sd', 'The prior SD must be greater than 0, for example 1.');

    const scale = {};
    const slope = number('scoring-scale-slope', { optional: true, text: 'a number such as 10' });
    if (slope === 0) invalid('scoring-scale-slope', 'A slope of 0 would give everyone the same scale score.');
    const intercept = number('scoring-scale-intercept', { optional: true, text: 'a number such as 50' });
    const decimals = number('scoring-scale-decimals', { optional: true, integer: true, text: 'a whole number of decimals such as 0' });
    if (isNumber(decimals) && (decimals < 0 || decimals > 10)) invalid('scoring-scale-decimals', 'Use 0 to 10 decimals.');
    const min = number('scoring-scale-min', { optional: true, text: 'a number' });
    const max = number('scoring-scale-max', { optional: true, text: 'a number' });
    if (isNumber(min) && isNumber(max) && !(min < max)) invalid('scoring-scale-max', 'The highest scale score must be above the lowest.');
    for (const [key, value] of Object.entries({ slope, intercept, decimals, min, max })) if (isNumber(value)) scale[key] = value;
    // Any of the five sets a scale; the engine needs its slope and intercept.
    if (Object.keys(scale).length) {
      scale.slope ??= 1;
      scale.intercept ??= 0;
    }

    const cutsRaw = $('#scoring-cuts').value.trim();
    const cuts = [];
    if (cutsRaw !== '') {
      for (const part of cutsRaw.split(',').map((p) => p.trim())) {
        const value = part === '' ? NaN : Number(part);
        if (!Number.isFinite(value)) {
          invalid('scoring-cuts', part === '' ? 'An empty cut score: separate the numbers with single commas, e.g. -0.5, 0.8.' : `\u201C${part}\u201D is not a number: write the cut scores as numbers separated by commas, e.g. -0.5, 0.8.`);
          break;
        }
        cuts.push(value);
      }
      if (ok && cuts.some((c, i) => i > 0 && !(c > cuts[i - 1]))) invalid('scoring-cuts', 'Write the cut scores in increasing order, each once.');
    }
    const levelsRaw = $('#scoring-levels').value.trim();
    const levels = levelsRaw === '' ? [] : levelsRaw.split(',').map((p) => p.trim());
    if (levels.length) {
      if (!cutsRaw) invalid('scoring-levels', 'Level names need cut scores: enter the cut scores too, or leave the names empty.');
      else if (levels.some((name) => name === '')) invalid('scoring-levels', 'A level name is empty: separate the names with single commas.');
      else if (cuts.length && levels.length !== cuts.length + 1) {
        invalid('scoring-levels', `${cuts.length} cut ${cuts.length === 1 ? 'score makes' : 'scores make'} ${cuts.length + 1} levels, but ${levels.length} ${levels.length === 1 ? 'name is' : 'names are'} given.`);
      }
    }
    if (!ok) return null;
    return {
      fileName,
      paramsFileName,
      method: selectedMethod(),
      D: Number(root.querySelector('input[name="scoring-D"]:checked').value),
      priorMean,
      priorSd,
      ...(Object.keys(scale).length ? { scale } : {}),
      ...(cuts.length ? { cuts } : {}),
      ...(levels.length ? { levels } : {}),
    };
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
    const params = currentParams();
    if (!params) {
      setStatus(status, 'Please choose the item parameters.');
      return;
    }
    const options = readOptions(current.name, params.name);
    if (!options) {
      setStatus(status, 'Please correct the highlighted options.');
      root.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    const token = ++runCounter;
    setBusy(true);
    setStatus(status, `Scoring ${current.name} with ${params.name} (${methodLabel(options.method)})\u2026`, { spinner: true });
    const started = performance.now();
    try {
      const result = await scoreIrt(current.bytes, params.bytes, options);
      if (token !== runCounter) return;
      const seconds = (performance.now() - started) / 1000;
      setBusy(false);
      renderResults(results, result);
      const n = result.n_persons;
      setStatus(status, `Scored ${current.name}: ${methodLabel(result.options?.method ?? options.method)}, ${fmtInt(n)} ${n === 1 ? 'person' : 'persons'} (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      setBusy(false);
      clearResults(results);
      setStatus(status, 'Scoring did not run; see the message above.');
      const message = error?.message ?? String(error);
      const optionError = error?.code === 'invalid_option' && !error?.file;
      if (optionError && OPTION_FIELDS[error.column]) {
        fieldError(root, OPTION_FIELDS[error.column], message);
        $(`#${OPTION_FIELDS[error.column]}`)?.focus();
      } else if (optionError) {
        showError(optionsError, message);
      } else if (error?.file && error.file === params.name) {
        showError(paramsError, message);
      } else {
        data.showError(message);
      }
    }
  }

  // ---- events
  runButton.addEventListener('click', () => run());
  for (const input of root.querySelectorAll('input[name="scoring-params-source"]')) {
    input.addEventListener('change', () => {
      clearErrors();
      syncControls();
    });
  }
  paramsInput.addEventListener('change', () => {
    const file = paramsInput.files?.[0];
    paramsInput.value = ''; // choosing the same file again (after fixing it) fires `change`
    if (file) loadParamsFile(file);
  });
  acceptDrops(paramsDrop, (files) => {
    if (files.length > 1) showError(paramsError, 'Please drop a single parameter file.');
    else loadParamsFile(files[0]);
  });
  $('#scoring-calibration-download').addEventListener('click', () => {
    if (calibration) downloadCsv(calibration.paramsCsv, calibration.paramsFileName);
  });
  // Options changed after a result: say that Run applies them.
  for (const panel of [$('#scoring-options-panel'), $('#scoring-params-panel')]) {
    panel.addEventListener('change', () => {
      if (data.busy || results.hidden) return;
      setStatus(status, 'Options changed: select Run scoring to apply them.');
    });
  }
  syncControls();
  // A calibration handed over before this page was first shown, and later ones.
  applyCalibration(latestCalibration());
  onCalibration(applyCalibration);
}

// ----------------------------------------------------------------- results

/** What the result reports: scale scores (when a transformation was set), levels (when cut scores were). */
function layoutOf(result) {
  const options = result.options ?? {};
  const cuts = result.classification?.cuts ?? options.cuts ?? [];
  const hasScale = options.scale !== null && options.scale !== undefined && (result.persons ?? []).some((p) => p.scale_score !== null && p.scale_score !== undefined);
  return { cuts, hasScale, scaleName: hasScale ? 'scale score' : '\u03B8' };
}

function levelName(result, index) {
  if (index === null || index === undefined) return null;
  return result.classification?.levels?.[index]?.name ?? result.options?.levels?.[index] ?? `Level ${index + 1}`;
}

function renderResults(results, result) {
  const method = result.options?.method ?? '';
  const stem = `${baseName(result.file)}-scores-${String(method).replace(/[^a-z0-9]/gi, '') || 'irt'}`;
  const header = resultsHeader({
    titleId: 'scoring-results-title',
    title: [`${methodLabel(method)} scores of `, h('span', { class: 'file-name' }, result.file ?? 'your data')],
    downloads: [
      { id: 'scoring-download-csv', label: 'Person scores (CSV)', onClick: () => downloadCsv(personsCsv(result), `${stem}.csv`) },
      { id: 'scoring-download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}.json`) },
      { id: 'scoring-download-table', label: 'Conversion table (CSV)', onClick: () => downloadCsv(conversionCsv(result), `${baseName(result.file)}-conversion-table.csv`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result)),
    warningsPanel('scoring-', result.warnings),
    summarySection(result),
    classificationSection(result),
    chartsSection(result, stem),
    conversionSection(result),
    personsSection(result),
  ];
  showResults(results, sections, () => drawCharts(results, result));
}

function describeRun(result) {
  const o = result.options ?? {};
  const parts = [
    `${fmtInt(result.n_persons)} persons`,
    `${fmtInt(result.n_items)} items`,
    result.params_file ? `parameters: ${result.params_file}` : null,
    isNumber(o.d_constant) ? `D = ${o.d_constant}` : null,
    ['eap', 'map', 'eapsum'].includes(o.method) && isNumber(o.prior_mean) && isNumber(o.prior_sd) ? `prior N(${fmtShort(o.prior_mean, 4)}, ${fmtShort(o.prior_sd, 4)}\u00B2)` : null,
    isNumber(o.quadrature_nodes) ? `${fmtInt(o.quadrature_nodes)} quadrature nodes` : null,
    o.scale ? `scale ${describeScale(o.scale)}` : null,
    result.engine ? `${result.engine.name} ${result.engine.version}` : null,
  ];
  return parts.filter(Boolean).join(' \u00B7 ');
}

function describeScale(scale) {
  const slope = isNumber(scale.slope) ? scale.slope : 1;
  const intercept = isNumber(scale.intercept) ? scale.intercept : 0;
  const bounds = isNumber(scale.min) || isNumber(scale.max) ? `, ${isNumber(scale.min) ? scale.min : '\u2212\u221E'} to ${isNumber(scale.max) ? scale.max : '\u221E'}` : '';
  const decimals = isNumber(scale.decimals) ? `, ${scale.decimals} decimals` : '';
  return `${slope} \u00D7 \u03B8 + ${intercept}${bounds}${decimals}`;
}

function summarySection(result) {
  const s = result.summary ?? {};
  const method = result.options?.method;
  const persons = result.persons ?? [];
  const extremes = persons.filter((p) => p.extreme);
  const unscored = extremes.filter((p) => !isNumber(p.theta)).length;
  const extremeNote = !extremes.length ? null : unscored ? `${fmtInt(unscored)} without a finite \u03B8` : 'all scored';
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'scoring-summary-title' },
    h('h3', { id: 'scoring-summary-title', class: 'panel__title' }, 'Summary'),
    h(
      'dl',
      { class: 'summary' },
      stat('Persons', fmtInt(result.n_persons), { id: 'scoring-n', note: `${fmtInt(s.n_scored)} with a \u03B8`, title: 'Examinees in the response file, and how many got a finite \u03B8' }),
      stat('Method', methodLabel(method), { id: 'scoring-method', title: METHODS.find((m) => m.value === method)?.text ?? null }),
      stat('Marginal reliability', fmt(result.marginal_reliability, 3), {
        id: 'scoring-reliability',
        title: 'Reliability of the \u03B8 scores averaged over the population: the share of the variance of \u03B8 that the scores capture',
      }),
      stat('Mean \u03B8', fmt(s.mean, 3), { id: 'scoring-mean', title: 'Mean of the finite \u03B8 estimates' }),
      stat('SD \u03B8', fmt(s.sd, 3), { id: 'scoring-sd', title: 'Standard deviation of the finite \u03B8 estimates' }),
      stat('Range of \u03B8', `${fmt(s.min, 2)} to ${fmt(s.max, 2)}`, { id: 'scoring-range', title: 'Lowest and highest finite \u03B8 estimate' }),
      stat('Extreme patterns', fmtInt(s.n_extreme ?? extremes.length), {
        id: 'scoring-extreme',
        note: extremeNote,
        flagged: unscored > 0,
        title: 'Examinees with the lowest or the highest score on every item they answered',
      }),
    ),
    h(
      'p',
      { class: 'help', id: 'scoring-extreme-help' },
      'Extreme patterns (all lowest or all highest scores) have no finite maximum likelihood estimate: under ML their \u03B8 and SE are left empty, and they are left out of the mean and SD of \u03B8. EAP, MAP and EAP sum score (through the prior) and WLE (through its weighting) give them a finite \u03B8.',
    ),
  );
}

function classificationSection(result) {
  const c = result.classification;
  if (!c) return null;
  const { hasScale } = layoutOf(result);
  const cuts = c.cuts ?? [];
  const total = (c.levels ?? []).reduce((sum, l) => sum + (l.n ?? 0), 0);
  const range = (k) => {
    if (!cuts.length) return 'all';
    if (k === 0) return `below ${cuts[0]}`;
    if (k === cuts.length) return `${cuts[k - 1]} and above`;
    return `${cuts[k - 1]} to below ${cuts[k]}`;
  };
  return h(
    'section',
    { class: 'panel', id: 'scoring-classification', 'aria-labelledby': 'scoring-classification-title' },
    h('h3', { id: 'scoring-classification-title', class: 'panel__title' }, 'Performance levels'),
    h(
      'dl',
      { class: 'summary' },
      stat('Classification accuracy', fmt(c.accuracy, 3), {
        id: 'scoring-accuracy',
        title: 'Expected share of examinees whose level is their true level (from the scores\u2019 posterior or sampling distributions)',
      }),
      stat('Classification consistency', fmt(c.consistency, 3), {
        id: 'scoring-consistency',
        title: 'Expected share of examinees who would get the same level on two parallel forms of the test',
      }),
    ),
    staticTable({
      id: 'scoring-level-table',
      caption: `Examinees in each level (cut scores on the ${hasScale ? 'scale-score' : '\u03B8'} scale: ${cuts.join(', ')})`,
      head: [
        h('th', { scope: 'col' }, 'Level'),
        h('th', { scope: 'col' }, hasScale ? 'Scale scores' : '\u03B8'),
        h('th', { scope: 'col', class: 'num' }, 'Persons'),
        h('th', { scope: 'col', class: 'num' }, 'Percent'),
      ],
      body: (c.levels ?? []).map((level, k) =>
        h(
          'tr',
          { 'data-level': String(k) },
          h('th', { scope: 'row' }, level.name ?? levelName(result, k)),
          h('td', {}, range(k)),
          h('td', { class: 'num' }, fmtInt(level.n)),
          h('td', { class: 'num' }, total ? `${((100 * level.n) / total).toFixed(1)}%` : DASH),
        ),
      ),
    }),
  );
}

// ----------------------------------------------------------------- charts

function chartsSection(result, stem) {
  const { hasScale } = layoutOf(result);
  const figure = (chartId, caption, description) => chartFigure(chartId, caption, description, `${stem}-${chartId.replace(/^scoring-chart-/, '')}.png`);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'scoring-charts-title' },
    h('h3', { id: 'scoring-charts-title', class: 'panel__title' }, 'Charts'),
    chartsAvailable()
      ? h(
          'p',
          { class: 'help' },
          'The curves are those of the item parameters, against \u03B8: the expected sum score (test characteristic curve), the test information and the conditional standard error of measurement, 1 / \u221AI(\u03B8).',
        )
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the tables below hold all the scores.'),
    h(
      'div',
      { class: 'charts' },
      figure(
        'scoring-chart-histogram',
        hasScale ? 'Distribution of the scale scores' : 'Distribution of \u03B8',
        `Histogram of the examinees\u2019 ${hasScale ? 'scale scores' : '\u03B8 estimates'}${layoutOf(result).cuts.length ? ', with the cut scores as dashed lines' : ''}.`,
      ),
      figure('scoring-chart-tcc', 'Test characteristic curve', 'Line chart of the expected sum score against \u03B8.'),
      figure('scoring-chart-tif', 'Test information', 'Line chart of the test information (the sum of the item informations) against \u03B8.'),
      figure('scoring-chart-csem', 'Conditional standard error', 'Line chart of the conditional standard error of measurement of \u03B8, one over the square root of the test information, against \u03B8.'),
    ),
  );
}

/**
 * Bins for the histogram of `values`: one per integer when they are integers
 * over a short range, otherwise about √n (10 to 40) bins of a round width.
 */
function histogramBins(values) {
  if (!values.length) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let start;
  let width;
  let count;
  if (values.every(Number.isInteger) && hi - lo <= 60) {
    start = lo - 0.5;
    width = 1;
    count = hi - lo + 1;
  } else {
    const target = Math.min(40, Math.max(10, Math.round(Math.sqrt(values.length))));
    const raw = (hi - lo || 1) / target;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    width = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((w) => w >= raw) ?? 10 * magnitude;
    start = Math.floor(lo / width) * width;
    count = Math.max(1, Math.floor((hi - start) / width) + 1);
  }
  const counts = new Array(count).fill(0);
  for (const v of values) counts[Math.min(count - 1, Math.floor((v - start) / width))]++;
  return counts.map((n, i) => ({ from: start + i * width, to: start + (i + 1) * width, count: n }));
}

function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  const { cuts, hasScale } = layoutOf(result);
  const values = (result.persons ?? []).map((p) => (hasScale ? p.scale_score : p.theta)).filter(isNumber);
  renderHistogram(results.querySelector('#scoring-chart-histogram'), {
    bins: histogramBins(values),
    xName: hasScale ? 'Scale score' : 'Latent trait \u03B8',
    marks: cuts.map((cut, k) => ({ value: cut, label: `cut ${k + 1}: ${cut}` })),
  });
  const ch = result.characteristics ?? {};
  const theta = ch.theta ?? [];
  if (!theta.length) return;
  renderItemCurves(results.querySelector('#scoring-chart-tcc'), {
    theta,
    lines: [{ name: 'Expected sum score', values: ch.tcc ?? [] }],
    yName: 'Expected sum score',
    yMin: 0,
    yMax: isNumber(ch.max_score) ? ch.max_score : undefined,
  });
  renderItemCurves(results.querySelector('#scoring-chart-tif'), {
    theta,
    lines: [{ name: 'Test information', values: ch.tif ?? [] }],
    yName: 'Information',
    yMin: 0,
  });
  // Very large standard errors far from the items would flatten the rest of the curve.
  const csemMax = Math.max(0, ...(ch.csem ?? []).filter(isNumber));
  renderItemCurves(results.querySelector('#scoring-chart-csem'), {
    theta,
    lines: [{ name: 'Standard error', values: ch.csem ?? [] }],
    yName: 'Standard error of \u03B8',
    yMin: 0,
    yMax: csemMax > 5 ? 5 : undefined,
  });
}

// ----------------------------------------------------------------- tables


function conversionSection(result) {
  const { hasScale } = layoutOf(result);
  const table = createTable({
    id: 'scoring-conversion-table',
    caption: `Sum score to \u03B8 conversion (EAP of the sum score${hasScale ? ', with scale scores' : ''})`,
    columns: [
      {
        key: 'sum_score',
        label: 'Sum score',
        rowHeader: true,
        numeric: true,
        render: (row, cell) => {
          cell.textContent = fmtShort(row.sum_score, 3);
        },
      },
      numberColumn('theta', '\u03B8', 'EAP of \u03B8 given the sum score'),
      numberColumn('se', 'SE', 'Posterior standard deviation of \u03B8 given the sum score'),
      hasScale ? numberColumn('scale_score', 'Scale score', 'The scale score of that \u03B8', { digits: scaleDigits(result) }) : null,
      intColumn('n', 'Persons', 'Examinees with that sum score who answered every item'),
      (result.eapsum_table ?? []).some((r) => isNumber(r.expected))
        ? numberColumn('expected', 'Expected', 'The number of them the model and the prior expect (examinees who answered every item \u00D7 the probability of the sum score)', { digits: 1 })
        : null,
    ].filter(Boolean),
    rows: result.eapsum_table ?? [],
    searchLabel: 'Search sum scores',
    searchPlaceholder: 'Sum score',
    searchText: (row) => String(row.sum_score),
    noun: ['sum score', 'sum scores'],
  });
  return h(
    'section',
    { class: 'panel', id: 'scoring-conversion', 'aria-labelledby': 'scoring-conversion-title' },
    h('h3', { id: 'scoring-conversion-title', class: 'panel__title' }, 'Conversion table'),
    h(
      'p',
      { class: 'help' },
      'The EAP of \u03B8 for each possible sum score (from the Lord-Wingersky summed-score likelihoods and the prior), whatever the method chosen: a sum score can be reported as a \u03B8 without scoring the responses item by item. Persons: examinees with that sum score among those who answered every item; Expected: how many the model expects.',
    ),
    table.element,
  );
}

/** Decimals of the scale scores: the transformation's (the engine rounds to 0 by default). */
function scaleDigits(result) {
  const decimals = result.options?.scale?.decimals;
  return Number.isInteger(decimals) && decimals >= 0 && decimals <= 10 ? decimals : 0;
}

function personsSection(result) {
  const { cuts, hasScale } = layoutOf(result);
  const persons = result.persons ?? [];
  const anyMissing = persons.some((p) => p.answered !== result.n_items);
  const anyExtreme = persons.some((p) => p.extreme);
  const rows = persons.map((p) => {
    const row = { ...p, level_name: levelName(result, p.level) };
    (p.p_above ?? []).forEach((value, k) => {
      row[`p_above_${k}`] = value;
    });
    return row;
  });
  const columns = [
    {
      key: 'row',
      label: 'Row',
      description: 'The examinee\u2019s data row in the response file (1 = the first row under the header)',
      rowHeader: true,
      numeric: true,
      render: (row, cell) => {
        cell.textContent = String(row.row);
      },
    },
    {
      key: 'sum_score',
      label: 'Sum score',
      description: 'Sum of the item scores (over the items answered)',
      numeric: true,
      render: (row, cell) => cell.append(fmtShort(row.sum_score, 3)),
    },
    anyMissing ? intColumn('answered', 'Answered', 'Items answered') : null,
    numberColumn('theta', '\u03B8', `${methodLabel(result.options?.method)} estimate of \u03B8 (empty when there is no finite estimate)`),
    numberColumn('se', 'SE', 'Standard error of \u03B8'),
    hasScale ? numberColumn('scale_score', 'Scale score', 'The scale score of \u03B8', { digits: scaleDigits(result) }) : null,
    cuts.length
      ? { key: 'level', label: 'Level', description: 'Performance level', value: (row) => row.level, render: (row, cell) => cell.append(row.level_name ?? DASH) }
      : null,
    ...cuts.map((cut, k) =>
      numberColumn(`p_above_${k}`, `P(above ${cut})`, `Probability that the examinee\u2019s true ${hasScale ? 'scale score' : '\u03B8'} is above the cut score ${cut}`),
    ),
    anyExtreme
      ? {
          key: 'extreme',
          label: 'Extreme',
          description: 'All lowest (minimum) or all highest (maximum) scores on the items answered',
          render: (row, cell) => cell.append(row.extreme ?? ''),
        }
      : null,
  ].filter(Boolean);
  const table = createTable({
    id: 'scoring-person-table',
    caption: `Scores of the examinees (${methodLabel(result.options?.method)})`,
    columns,
    rows,
    searchLabel: 'Search rows',
    searchPlaceholder: 'Row number',
    searchText: (row) => String(row.row),
    noun: ['person', 'persons'],
    maxRows: PERSON_ROWS,
  });
  return h(
    'section',
    { class: 'panel', id: 'scoring-persons', 'aria-labelledby': 'scoring-persons-title' },
    h('h3', { id: 'scoring-persons-title', class: 'panel__title' }, 'Persons'),
    h(
      'p',
      { class: 'help' },
      'Select a column heading to sort; select it again to reverse the order. ',
      persons.length > PERSON_ROWS ? `The table shows the first ${fmtInt(PERSON_ROWS)} rows of the current order; the CSV download has every examinee. ` : '',
      'SE: standard error (\u2014 when there is no finite estimate).',
    ),
    table.element,
  );
}

// -------------------------------------------------------------- downloads

/**
 * CSV of the persons, with the columns of the CLI's CSV (row, theta, se,
 * sum_score, answered, extreme, scale_score, level as the 0-based index,
 * p_above_<cut> per cut score; empty cells for null), and level_name last
 * when there are cut scores.
 */
function personsCsv(result) {
  const { cuts } = layoutOf(result);
  const header = ['row', 'theta', 'se', 'sum_score', 'answered', 'extreme', 'scale_score', 'level', ...cuts.map((cut) => `p_above_${cut}`), ...(cuts.length ? ['level_name'] : [])];
  const rows = (result.persons ?? []).map((p) => [
    p.row,
    p.theta,
    p.se,
    p.sum_score,
    p.answered,
    p.extreme,
    p.scale_score,
    p.level,
    ...cuts.map((_, k) => p.p_above?.[k] ?? null),
    ...(cuts.length ? [levelName(result, p.level)] : []),
  ]);
  return toCsv(header, rows);
}

/** CSV of the conversion table: sum_score, theta, se, scale_score (when reported), n, expected. */
function conversionCsv(result) {
  const { hasScale } = layoutOf(result);
  const header = ['sum_score', 'theta', 'se', ...(hasScale ? ['scale_score'] : []), 'n', 'expected'];
  const rows = (result.eapsum_table ?? []).map((r) => [r.sum_score, r.theta, r.se, ...(hasScale ? [r.scale_score] : []), r.n, r.expected]);
  return toCsv(header, rows);
}
