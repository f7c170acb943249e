// Equating tool: links a new form's item parameters to a base (bank) scale
// through common items (mean-mean, mean-sigma, Haebara, Stocking-Lord), with
// drift diagnostics of the common items, and equates the new form's summed
// scores to the base form's by IRT true-score and observed-score equating,
// in the engine's Web Worker (equate_forms).
// Input: three files (base form parameters, new form parameters, anchor file
// new_item,base_item), or the bundled KB04 sample. Equating starts on Run.
// Results: the constants and their convergence, the constants of all four
// methods, the common items' drift table (with "Exclude" boxes and a re-run
// without the checked ones), curves, equated scores, score distributions,
// the conversion table, the moments, the linked parameters and downloads.
//
// Every number shown comes from the engine's result; nothing is computed
// here except the criterion's θ points and weights asked for in the options
// (input, not statistics).

import { equateForms } from '../engine.js';
import { DASH, fmt, fmtInt, fmtSci, fmtShort, h, isNumber } from '../format.js';
import { createTable, ITEM_NAME_COLUMN, ITEM_ROWS, numberCell, numberColumn, staticTable } from '../table.js';
import { chartFigure, chartsAvailable, renderItemCurves, renderLines } from '../charts.js';
import { baseName, cliCsv, downloadCsv, downloadJson } from '../download.js';
import { createFileSlot } from '../data-input.js';
import {
  choice,
  clearFieldErrors,
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
  textInput,
  toolSection,
  warningsPanel,
} from '../tool-ui.js';

export const id = 'equating';
export const title = 'Equating';

// The three input files: key, heading, what it is, its description, the chooser's label, the help paragraph.
const FILES = [
  {
    key: 'base',
    label: 'Base form',
    noun: 'base form\u2019s parameter file',
    description: 'Item parameters of the base (bank) form: the scale the new form is placed on.',
    button: 'Choose the base form\u2019s parameters\u2026',
    help: 'eq-params-help',
    engineName: 'base form',
  },
  {
    key: 'new',
    label: 'New form',
    noun: 'new form\u2019s parameter file',
    description: 'Item parameters of the new form, on its own scale: they are linked to the base scale.',
    button: 'Choose the new form\u2019s parameters\u2026',
    help: 'eq-params-help',
    engineName: 'new form',
  },
  {
    key: 'anchors',
    label: 'Common items',
    noun: 'anchor file',
    description: 'Which new-form item is which base-form item.',
    button: 'Choose the anchor file\u2026',
    help: 'eq-anchors-help',
    engineName: 'anchor file',
  },
];

const SAMPLE = {
  base: 'KB04-base-form-Y-parameters.csv',
  new: 'KB04-new-form-X-parameters.csv',
  anchors: 'KB04-anchors.csv',
  D: '1.7',
};

const METHODS = [
  { value: 'mean-mean', label: 'Mean-mean', text: 'A from the mean slopes, B from the mean locations of the common items. Closed form.' },
  { value: 'mean-sigma', label: 'Mean-sigma', text: 'A from the standard deviations of the common items\u2019 locations, B from their means. Closed form.' },
  { value: 'haebara', label: 'Haebara', text: 'Minimises the squared differences of the common items\u2019 curves, item by item, over the \u03B8 points.' },
  { value: 'stocking-lord', label: 'Stocking-Lord', text: 'Minimises the squared difference of the common items\u2019 test characteristic curves over the \u03B8 points. The usual choice.' },
];
const methodLabel = (value) => METHODS.find((m) => m.value === value)?.label ?? String(value ?? '');
const CURVE_METHODS = ['haebara', 'stocking-lord'];

// The defaults of the options (plink's, except D).
const DEFAULTS = { D: '1.702', points: '40', from: '-4', to: '4', pop1Mean: '0', pop1Sd: '1', pop2Mean: '0', pop2Sd: '1', weight: '0.5', popPoints: '40' };

// Which form control each option named in an engine error belongs to.
const OPTION_FIELDS = {
  method: 'eq-method-stocking-lord',
  D: 'eq-d',
  symmetric: 'eq-symmetric',
  thetaPoints: 'eq-points',
  'theta-points': 'eq-points',
  theta_points: 'eq-points',
  weights: 'eq-points',
  pop1Mean: 'eq-pop1-mean',
  'pop1-mean': 'eq-pop1-mean',
  pop1_mean: 'eq-pop1-mean',
  pop1Sd: 'eq-pop1-sd',
  'pop1-sd': 'eq-pop1-sd',
  pop1_sd: 'eq-pop1-sd',
  pop2Mean: 'eq-pop2-mean',
  'pop2-mean': 'eq-pop2-mean',
  pop2_mean: 'eq-pop2-mean',
  pop2Sd: 'eq-pop2-sd',
  'pop2-sd': 'eq-pop2-sd',
  pop2_sd: 'eq-pop2-sd',
  syntheticWeight: 'eq-weight',
  'synthetic-weight': 'eq-weight',
  synthetic_weight: 'eq-weight',
  populationPoints: 'eq-pop-points',
  'population-points': 'eq-pop-points',
  population_points: 'eq-pop-points',
};

// ------------------------------------------------------------------ markup

function template(slots) {
  return toolSection(
    {
      id,
      titleId: 'eq-title',
      title,
      lead: 'Links a new form\u2019s item parameters to a base (bank) scale through common items (mean-mean, mean-sigma, Haebara, Stocking-Lord), with drift diagnostics of the common items, and equates the new form\u2019s summed scores to the base form\u2019s by IRT true-score and observed-score equating.',
      resultsId: 'eq-results',
      resultsTitleId: 'eq-results-title',
    },
    filesPanel(slots),
    optionsPanel(),
  );
}

/** The files' panel: the three file slots (createFileSlot), their help and the sample. */
function filesPanel(slots) {
  return h(
    'div',
    { class: 'panel input-panel', id: 'eq-files-panel', role: 'group', 'aria-labelledby': 'eq-files-title' },
    h('h2', { class: 'panel__title', id: 'eq-files-title' }, 'Forms and common items'),
    h('div', { class: 'form-files' }, slots.map((slot) => slot.element)),
    h('p', { id: 'eq-files-error', class: 'error-message', role: 'alert', hidden: true }),
    h(
      'p',
      { class: 'help', id: 'eq-params-help' },
      'Parameter files as on Test Scoring: a CSV file with a header row and one row per item: ',
      h('code', {}, 'item'),
      ', ',
      h('code', {}, 'model'),
      ' (rasch, 1pl, 2pl, 3pl, 4pl, grm, gpcm, pcm, rsm), ',
      h('code', {}, 'a'),
      ' (the slope on the IRT metric of D), ',
      h('code', {}, 'b'),
      ' or ',
      h('code', {}, 'b1'),
      ', ',
      h('code', {}, 'b2'),
      ', \u2026 (or ',
      h('code', {}, 'd'),
      ' / ',
      h('code', {}, 'd1'),
      ', \u2026 in slope-intercept form), ',
      h('code', {}, 'c'),
      ' and ',
      h('code', {}, 'u'),
      ' (3PL, 4PL asymptotes). For example ',
      h('code', {}, '1,3pl,0.8704,-1.4507,0.1576'),
      '.',
    ),
    h(
      'p',
      { class: 'help', id: 'eq-anchors-help' },
      'Anchor file: a CSV (or Excel) file with the columns ',
      h('code', {}, 'new_item'),
      ' and ',
      h('code', {}, 'base_item'),
      ', one row per common item, naming the item as in each form\u2019s parameter file. For example ',
      h('code', {}, '27,27'),
      '.',
    ),
    h(
      'div',
      { class: 'samples' },
      h('span', { class: 'samples__label' }, 'No data at hand?'),
      h(
        'span',
        { class: 'sample' },
        h('button', { type: 'button', id: 'eq-run-sample', class: 'button', 'aria-describedby': 'eq-sample-note' }, 'Try the sample data'),
        h(
          'span',
          { class: 'samples__note', id: 'eq-sample-note' },
          'Kolen & Brennan\u2019s (2004, Table 6.5) forms X (new) and Y (base): 36 3PL items each, 12 common, D = 1.7; loads the three files, sets D = 1.7 and runs with the options below',
        ),
      ),
    ),
  );
}

function optionsPanel() {
  const short = (inputId, value, size = 6) => textInput(inputId, value, { size });
  const whole = (inputId, value) => textInput(inputId, value, { inputmode: 'numeric', size: 4 });
  // Each input's own `<id>-help` (hiddenHelp) is a visually hidden name of what it holds; the
  // visible help of a group is the first input's.
  return h(
    'div',
    { class: 'panel', id: 'eq-options-panel', role: 'group', 'aria-labelledby': 'eq-options-title' },
    h('h2', { class: 'panel__title', id: 'eq-options-title' }, 'Method and options'),
    h(
      'fieldset',
      { class: 'options' },
      h('legend', {}, 'Linking method'),
      h(
        'div',
        { class: 'model-choices' },
        METHODS.map((m) =>
          choice({
            id: `eq-method-${m.value}`,
            name: 'eq-method',
            value: m.value,
            label: m.label,
            checked: m.value === 'stocking-lord',
            describedBy: `eq-method-${m.value}-desc`,
            description: m.text,
          }),
        ),
      ),
      h('p', { class: 'help' }, 'Default Stocking-Lord. The constants place the new form on the base scale: \u03B8 base = A \u00B7 \u03B8 new + B. All four methods are computed and compared in the results; the one chosen here is applied.'),
      errors('eq-method-stocking-lord'),
    ),
    h(
      'div',
      { class: 'option-grid' },
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Metric of the slopes a (D)'),
        h('div', { class: 'field-row' }, labelled('eq-d', 'D', short('eq-d', DEFAULTS.D))),
        h(
          'p',
          { class: 'help', id: 'eq-d-help' },
          'The D of both files\u2019 slopes, default 1.702: 1.702 for pacer\u2019s calibrations (normal-ogive metric), 1.7 as in Kolen & Brennan, 1 for logistic slopes such as mirt\u2019s a1 or plink\u2019s default.',
        ),
        errors('eq-d'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Characteristic-curve criteria'),
        choice({
          id: 'eq-symmetric',
          name: 'eq-symmetric',
          value: 'symmetric',
          type: 'checkbox',
          label: 'Symmetric criteria',
          describedBy: 'eq-symmetric-desc eq-symmetric-error',
          description: 'Haebara and Stocking-Lord also compare the curves in the other direction (base items on the new scale). Off by default, as plink.',
        }),
        errors('eq-symmetric'),
        h(
          'div',
          { class: 'field-row' },
          labelled('eq-points', '\u03B8 points', whole('eq-points', DEFAULTS.points)),
          labelled('eq-from', 'From', short('eq-from', DEFAULTS.from, 5)),
          labelled('eq-to', 'To', short('eq-to', DEFAULTS.to, 5)),
        ),
        h(
          'div',
          { class: 'options__choices', role: 'radiogroup', 'aria-labelledby': 'eq-weights-label' },
          h('span', { class: 'field__label', id: 'eq-weights-label' }, 'Weights:'),
          choice({ id: 'eq-weights-equal', name: 'eq-weights', value: 'equal', label: 'Equal', checked: true, describedBy: 'eq-points-help' }),
          choice({ id: 'eq-weights-normal', name: 'eq-weights', value: 'normal', label: 'Normal density', describedBy: 'eq-points-help' }),
        ),
        h(
          'p',
          { class: 'help', id: 'eq-points-help' },
          'Equally spaced \u03B8 points (base scale) at which Haebara and Stocking-Lord compare the curves and the drift d\u00B2 is averaged; default 40 points from \u22124 to 4 with equal weights, as plink.',
        ),
        hiddenHelp('eq-from', 'The lowest \u03B8 point.'),
        hiddenHelp('eq-to', 'The highest \u03B8 point, above the lowest.'),
        errors('eq-points', 'eq-from', 'eq-to'),
      ),
      h(
        'fieldset',
        { class: 'options' },
        h('legend', {}, 'Observed-score equating'),
        h(
          'div',
          { class: 'field-row' },
          labelled('eq-pop1-mean', 'Population 1 mean', short('eq-pop1-mean', DEFAULTS.pop1Mean)),
          labelled('eq-pop1-sd', 'Population 1 SD', short('eq-pop1-sd', DEFAULTS.pop1Sd)),
        ),
        h(
          'div',
          { class: 'run-row run-row--compact' },
          h(
            'button',
            { type: 'button', id: 'eq-pop1-from-link', class: 'button button--small button--quiet', disabled: true, 'aria-describedby': 'eq-pop1-from-link-help' },
            'Use N(B, A) for population 1',
          ),
          h(
            'p',
            { class: 'help', id: 'eq-pop1-from-link-help' },
            'After a run: the last link\u2019s B and A, the new form\u2019s group on the base scale if the new form was calibrated with its group at N(0, 1).',
          ),
        ),
        h(
          'div',
          { class: 'field-row' },
          labelled('eq-pop2-mean', 'Population 2 mean', short('eq-pop2-mean', DEFAULTS.pop2Mean)),
          labelled('eq-pop2-sd', 'Population 2 SD', short('eq-pop2-sd', DEFAULTS.pop2Sd)),
        ),
        h(
          'div',
          { class: 'field-row' },
          labelled('eq-weight', 'Weight of population 1', short('eq-weight', DEFAULTS.weight, 5)),
          labelled('eq-pop-points', '\u03B8 points', whole('eq-pop-points', DEFAULTS.popPoints)),
        ),
        h(
          'p',
          { class: 'help', id: 'eq-pop1-mean-help' },
          'Normal \u03B8 distributions on the base scale of population 1 (the new form\u2019s examinees) and population 2 (the base form\u2019s), mixed into a synthetic population with population 1\u2019s weight; default N(0, 1) for both, weight 0.5 and 40 points, as plink.',
        ),
        hiddenHelp('eq-pop1-sd', 'Standard deviation of population 1\u2019s \u03B8, greater than 0.'),
        hiddenHelp('eq-pop2-mean', 'Mean of population 2\u2019s \u03B8 on the base scale.'),
        hiddenHelp('eq-pop2-sd', 'Standard deviation of population 2\u2019s \u03B8, greater than 0.'),
        hiddenHelp('eq-weight', 'Weight of population 1 in the synthetic population, from 0 to 1.'),
        hiddenHelp('eq-pop-points', 'Number of \u03B8 points of the populations\u2019 distributions, at least 2.'),
        errors('eq-pop1-mean', 'eq-pop1-sd', 'eq-pop2-mean', 'eq-pop2-sd', 'eq-weight', 'eq-pop-points'),
      ),
    ),
    h(
      'div',
      { class: 'run-row run-row--compact', id: 'eq-excluded-box', hidden: true },
      h('p', { class: 'help', id: 'eq-excluded-text' }),
      h('button', { type: 'button', id: 'eq-include-all', class: 'button button--small button--quiet' }, 'Use all common items'),
    ),
    h('p', { id: 'eq-options-error', class: 'error-message', role: 'alert', hidden: true }),
    runRow('eq-', 'Run equating'),
  );
}

// ------------------------------------------------------------------- mount

export function mount(container) {
  // Each slot keeps its latest file: { name, bytes } (loaded), { name, bytes, error } (the engine
  // found a problem in it; still used, the message stays until the file is replaced or a run
  // succeeds) or { name, error } (could not be read).
  const slots = Object.fromEntries(
    FILES.map((f) => [
      f.key,
      createFileSlot({
        id: `eq-${f.key}`,
        title: f.label,
        description: f.description,
        button: f.button,
        helpId: f.help,
        emptyMessage: (name) => `${name} is empty: it needs a header row and one row per ${f.key === 'anchors' ? 'common item' : 'item'}.`,
        singleFileMessage: `Please drop a single file: the ${f.noun}.`,
        onChange: (file) => fileChanged(f, file),
      }),
    ]),
  );
  const root = template(Object.values(slots));
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const status = $('#eq-status');
  const results = $('#eq-results');
  const runButton = $('#eq-run');
  const sampleButton = $('#eq-run-sample');
  const pop1Button = $('#eq-pop1-from-link');
  const optionsError = $('#eq-options-error');
  const filesError = $('#eq-files-error');

  let busy = false;
  let runCounter = 0; // replies for an older run are ignored
  let excluded = []; // common items (new-form names) left out of the link
  let lastResult = null;

  const selectedMethod = () => root.querySelector('input[name="eq-method"]:checked').value;

  // ---- messages
  /** Clears the option errors; a file's error stays until that file is replaced. */
  function clearErrors() {
    clearFieldErrors(root, [optionsError, filesError]);
    for (const slot of Object.values(slots)) slot.refreshError();
  }
  function setBusy(isBusy) {
    busy = isBusy;
    markBusy(root, isBusy, [runButton, sampleButton, ...results.querySelectorAll('#eq-rerun')]);
  }

  // ---- files
  /** A file was chosen or dropped (read into its slot). */
  function fileChanged(f, loaded) {
    // The left-out common items are names of the new form's items in the anchor file.
    if (f.key !== 'base' && excluded.length) setExcluded([]);
    if (busy || loaded.error) return;
    const missing = FILES.filter((g) => !slots[g.key].ready).map((g) => g.noun);
    setStatus(
      status,
      missing.length
        ? `${loaded.name} is loaded. Choose the ${missing.join(' and the ')}, then select Run equating.`
        : `${loaded.name} is loaded. Choose the method and options, then select Run equating.`,
    );
  }

  async function runSample() {
    if (busy) return;
    clearErrors();
    setBusy(true);
    setStatus(status, 'Reading the sample files\u2026', { spinner: true });
    let loaded;
    try {
      loaded = await Promise.all(
        FILES.map(async ({ key }) => {
          const response = await fetch(new URL(`../samples/${SAMPLE[key]}`, import.meta.url));
          if (!response.ok) throw new Error(`${SAMPLE[key]}: the server answered ${response.status}`);
          return [key, { name: SAMPLE[key], bytes: new Uint8Array(await response.arrayBuffer()) }];
        }),
      );
    } catch (error) {
      setBusy(false);
      showError(filesError, `The sample files could not be read (${error?.message ?? error}). Please try again.`);
      setStatus(status, '');
      return;
    }
    setBusy(false);
    for (const [key, file] of loaded) slots[key].set(file);
    setExcluded([]);
    $('#eq-d').value = SAMPLE.D;
    run();
  }

  // ---- common items left out
  function setExcluded(items) {
    excluded = [...items];
    $('#eq-excluded-box').hidden = !excluded.length;
    $('#eq-excluded-text').textContent = excluded.length
      ? `Left out of the link: ${excluded.join(', ')} (checked in the common items\u2019 table of the results). Run equating leaves them out too.`
      : '';
  }

  // ---- options
  /** The engine's options from the form, or null (with the errors shown) when one is invalid. */
  function readOptions(names) {
    let ok = true;
    const invalid = (inputId, message) => {
      fieldError(root, inputId, message);
      ok = false;
    };
    const number = (inputId, { integer = false, text }) => {
      const raw = $(`#${inputId}`).value.trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        invalid(inputId, raw === '' ? `Enter ${text}.` : `\u201C${raw}\u201D is not ${text}.`);
        return undefined;
      }
      return value;
    };
    const D = number('eq-d', { text: 'a number such as 1.702' });
    if (isNumber(D) && !(D > 0)) invalid('eq-d', 'D must be greater than 0: 1.702, 1.7 or 1.');

    const points = number('eq-points', { integer: true, text: 'a whole number of points such as 40' });
    if (isNumber(points) && (points < 2 || points > 10000)) invalid('eq-points', 'Use 2 to 10,000 points (40 is plink\u2019s default).');
    const from = number('eq-from', { text: 'a number such as -4' });
    const to = number('eq-to', { text: 'a number such as 4' });
    if (isNumber(from) && isNumber(to) && !(from < to)) invalid('eq-to', 'The last \u03B8 point must be above the first.');
    const normal = root.querySelector('input[name="eq-weights"]:checked').value === 'normal';

    const pop1Mean = number('eq-pop1-mean', { text: 'a number such as 0' });
    const pop1Sd = number('eq-pop1-sd', { text: 'a positive number such as 1' });
    if (isNumber(pop1Sd) && !(pop1Sd > 0)) invalid('eq-pop1-sd', 'The SD of population 1 must be greater than 0, for example 1.');
    const pop2Mean = number('eq-pop2-mean', { text: 'a number such as 0' });
    const pop2Sd = number('eq-pop2-sd', { text: 'a positive number such as 1' });
    if (isNumber(pop2Sd) && !(pop2Sd > 0)) invalid('eq-pop2-sd', 'The SD of population 2 must be greater than 0, for example 1.');
    const syntheticWeight = number('eq-weight', { text: 'a number from 0 to 1 such as 0.5' });
    if (isNumber(syntheticWeight) && !(syntheticWeight >= 0 && syntheticWeight <= 1)) invalid('eq-weight', 'The weight of population 1 must be from 0 to 1 (0.5: both populations alike).');
    const populationPoints = number('eq-pop-points', { integer: true, text: 'a whole number of points such as 40' });
    if (isNumber(populationPoints) && (populationPoints < 2 || populationPoints > 10000)) invalid('eq-pop-points', 'Use 2 to 10,000 points (40 is plink\u2019s default).');
    if (!ok) return null;

    // The engine's own default grid (40 equally spaced points on [-4, 4], equal weights) unless
    // the fields ask for another one.
    const defaultGrid = points === 40 && from === -4 && to === 4 && !normal;
    const grid = defaultGrid ? null : Array.from({ length: points }, (_, i) => (i === points - 1 ? to : from + ((to - from) * i) / (points - 1)));
    return {
      baseFileName: names.base,
      newFileName: names.new,
      anchorsFileName: names.anchors,
      method: selectedMethod(),
      D,
      symmetric: $('#eq-symmetric').checked,
      ...(grid ? { thetaPoints: grid, weights: grid.map((t) => (normal ? Math.exp((-t * t) / 2) : 1)) } : {}),
      pop1Mean,
      pop1Sd,
      pop2Mean,
      pop2Sd,
      syntheticWeight,
      populationPoints,
    };
  }

  /** The names the engine gets: the files' own, told apart when two are the same. */
  function engineNames() {
    const names = {};
    for (const f of FILES) {
      const name = slots[f.key].file.name;
      const same = FILES.filter((g) => slots[g.key].file.name === name).length > 1;
      names[f.key] = same ? `${name} (${f.engineName})` : name;
    }
    return names;
  }

  // ---- run
  async function run({ exclude = excluded, fromRerun = false } = {}) {
    if (busy) return;
    clearErrors();
    const rerunError = results.querySelector('#eq-rerun-error');
    if (rerunError) rerunError.hidden = true;
    let missing = false;
    for (const f of FILES) {
      const slot = slots[f.key];
      if (!slot.file) slot.showError(`Choose the ${f.noun} (or try the sample data), then select Run.`);
      if (!slot.ready) missing = true;
    }
    if (missing) {
      setStatus(status, 'Please choose the three files.');
      return;
    }
    const names = engineNames();
    const options = readOptions(names);
    if (!options) {
      setStatus(status, 'Please correct the highlighted options.');
      root.querySelector('[aria-invalid="true"]:not([type="file"])')?.focus();
      return;
    }
    if (exclude.length) options.exclude = [...exclude];
    const token = ++runCounter;
    const used = { base: slots.base.file, new: slots.new.file, anchors: slots.anchors.file };
    setBusy(true);
    setStatus(status, `Linking ${used.new.name} to the scale of ${used.base.name} and equating (${methodLabel(options.method)})\u2026`, { spinner: true });
    const started = performance.now();
    try {
      const result = await equateForms(used.base.bytes, used.new.bytes, used.anchors.bytes, options);
      if (token !== runCounter) return;
      const seconds = (performance.now() - started) / 1000;
      setBusy(false);
      // A successful run: none of the files is at fault any more.
      for (const f of FILES) if (slots[f.key].file === used[f.key]) slots[f.key].clearStoredError();
      setExcluded(exclude);
      lastResult = result;
      pop1Button.disabled = false;
      renderResults(results, result, { names: { base: used.base.name, new: used.new.name, anchors: used.anchors.name }, run });
      const L = result.linking ?? {};
      setStatus(
        status,
        `Equated ${used.new.name} to ${used.base.name}: ${methodLabel(L.method)}, A = ${fmt(L.A, 4)}, B = ${fmt(L.B, 4)}, ${fmtInt(L.n_anchors)} common items (${seconds.toFixed(2)} s).`,
      );
      if (fromRerun) results.querySelector('#eq-rerun')?.focus();
    } catch (error) {
      if (token !== runCounter) return;
      setBusy(false);
      const message = error?.message ?? String(error);
      const optionError = error?.code === 'invalid_option' && !error?.file;
      const fileKeys = error?.file ? FILES.filter((f) => names[f.key] === error.file).map((f) => f.key) : [];
      if (optionError && OPTION_FIELDS[error.column]) {
        fieldError(root, OPTION_FIELDS[error.column], message);
        $(`#${OPTION_FIELDS[error.column]}`)?.focus();
      } else if (optionError) {
        showError(optionsError, message);
        if (fromRerun && results.querySelector('#eq-rerun-error')) showError(results.querySelector('#eq-rerun-error'), message);
      } else if (fileKeys.length === 1) {
        const key = fileKeys[0];
        if (slots[key].file === used[key]) slots[key].fail(message);
      } else {
        showError(filesError, message);
      }
      setStatus(status, results.hidden ? 'Equating did not run; see the message above.' : 'Equating did not run; see the message above. The results below are those of the last run.');
    }
  }

  // ---- events
  runButton.addEventListener('click', () => run());
  sampleButton.addEventListener('click', () => runSample());
  pop1Button.addEventListener('click', () => {
    const L = lastResult?.linking;
    if (!L || !isNumber(L.A) || !isNumber(L.B)) return;
    $('#eq-pop1-mean').value = String(Number(L.B.toPrecision(12)));
    $('#eq-pop1-sd').value = String(Number(L.A.toPrecision(12)));
    setStatus(status, `Population 1 is now N(${fmt(L.B, 4)}, ${fmt(L.A, 4)}) on the base scale: select Run equating to apply it.`);
  });
  $('#eq-include-all').addEventListener('click', () => {
    setExcluded([]);
    runButton.focus();
    setStatus(status, 'All common items will be used: select Run equating to apply.');
  });
  // Options changed after a result: say that Run applies them.
  $('#eq-options-panel').addEventListener('change', () => {
    if (busy || results.hidden) return;
    setStatus(status, 'Options changed: select Run equating to apply them.');
  });
}

// ----------------------------------------------------------------- results

function renderResults(results, result, { names, run }) {
  const stem = baseName(names.new);
  const header = resultsHeader({
    titleId: 'eq-results-title',
    title: ['Equating of ', h('span', { class: 'file-name' }, names.new), ' to ', h('span', { class: 'file-name' }, names.base)],
    downloads: [
      { id: 'eq-download-linked', label: 'Linked parameters (CSV)', onClick: () => downloadCsv(linkedParamsCsv(result), `${stem}-linked-parameters.csv`) },
      { id: 'eq-download-conversion', label: 'Conversion table (CSV)', onClick: () => downloadCsv(conversionCsv(result), `${stem}-conversion.csv`) },
      { id: 'eq-download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}-equating.json`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result, names)),
    warningsPanel('eq-', result.linking?.warnings),
    summarySection(result),
    methodsSection(result),
    anchorsSection(result, run),
    chartsSection(result, stem),
    conversionSection(result),
    momentsSection(result),
    linkedSection(result),
  ];
  showResults(results, sections, () => drawCharts(results, result));
}

function describeRun(result, names) {
  const L = result.linking ?? {};
  const O = result.observed_score ?? {};
  const points = L.theta_points ?? [];
  const equalWeights = (L.weights ?? []).every((w) => w === L.weights[0]);
  const population = (p) => (p ? `N(${fmtShort(p.mean, 4)}, ${fmtShort(p.sd, 4)})` : DASH);
  const parts = [
    `${fmtInt((L.linked_items ?? []).length)} new-form items`,
    `anchors: ${names.anchors}`,
    `${fmtInt(L.n_anchors)} of ${fmtInt((L.anchors ?? []).length)} common items used`,
    isNumber(L.D) ? `D = ${L.D}` : null,
    points.length ? `${fmtInt(points.length)} \u03B8 points from ${fmtShort(points[0], 3)} to ${fmtShort(points[points.length - 1], 3)}${equalWeights ? ', equal weights' : ', weighted'}` : null,
    L.symmetric ? 'symmetric criteria' : null,
    `populations ${population(O.pop1)} and ${population(O.pop2)}, weight ${O.synthetic_weight}`,
    result.engine ? `${result.engine.name} ${result.engine.version}` : null,
  ];
  return parts.filter(Boolean).join(' \u00B7 ');
}

function convergence(L) {
  if (!CURVE_METHODS.includes(L.method)) return 'closed form';
  return L.converged ? `converged in ${fmtInt(L.iterations)} iterations` : `not converged after ${fmtInt(L.iterations)} iterations`;
}

function summarySection(result) {
  const L = result.linking ?? {};
  const anchors = L.anchors ?? [];
  const flagged = anchors.filter((a) => a.flagged).length;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'eq-summary-title' },
    h('h3', { id: 'eq-summary-title', class: 'panel__title' }, 'Linking'),
    h(
      'dl',
      { class: 'summary' },
      stat('Method', methodLabel(L.method), { id: 'eq-method-used', title: METHODS.find((m) => m.value === L.method)?.text ?? null }),
      numberStat('A (slope)', L.A, 6, { id: 'eq-A', title: '\u03B8 base = A \u00B7 \u03B8 new + B' }),
      numberStat('B (intercept)', L.B, 6, { id: 'eq-B', title: '\u03B8 base = A \u00B7 \u03B8 new + B' }),
      stat('Minimisation', convergence(L), {
        id: 'eq-convergence',
        flagged: CURVE_METHODS.includes(L.method) && !L.converged,
        title: 'Haebara and Stocking-Lord minimise their criterion (Levenberg-Marquardt); mean-mean and mean-sigma are closed-form',
      }),
      stat('Criterion', isNumber(L.criterion) ? fmtSci(L.criterion, 4) : DASH, { id: 'eq-criterion', title: 'The curve criterion at (A, B); none for the moment methods' }),
      stat('Common items', `${fmtInt(L.n_anchors)} of ${fmtInt(anchors.length)}`, {
        id: 'eq-n-anchors',
        note: flagged ? `${fmtInt(flagged)} flagged` : null,
        flagged: flagged > 0,
        title: 'Common items used in the link (the others are excluded), and how many show drift',
      }),
      stat('D', isNumber(L.D) ? String(L.D) : DASH, { id: 'eq-D', title: 'The scaling constant of both forms\u2019 slopes' }),
    ),
    h(
      'p',
      { class: 'help' },
      'The constants place the new form on the base scale: \u03B8 base = A \u00B7 \u03B8 new + B. A new-form item on the base scale has slope a / A and locations A \u00B7 b + B; c and u are unchanged.',
    ),
  );
}

function methodsSection(result) {
  const L = result.linking ?? {};
  const table = createTable({
    id: 'eq-methods-table',
    caption: 'Linking constants of the four methods on the same common items',
    columns: [
      {
        key: 'method',
        label: 'Method',
        rowHeader: true,
        value: (row) => METHODS.findIndex((m) => m.value === row.method),
        render: (row, cell) => {
          cell.dataset.method = row.method;
          cell.append(methodLabel(row.method));
          if (row.method === L.method) cell.append(' ', h('span', { class: 'badge badge--current' }, 'applied'));
        },
      },
      numberColumn('A', 'A', 'Slope of the linear transformation', { digits: 6 }),
      numberColumn('B', 'B', 'Intercept of the linear transformation', { digits: 6 }),
      numberColumn('criterion', 'Criterion', 'The curve criterion at (A, B); none for the moment methods', { format: (v) => fmtSci(v, 4) }),
      { key: 'iterations', label: 'Iterations', description: 'Minimisation iterations (0 for the moment methods)', numeric: true, render: (row, cell) => cell.append(fmtInt(row.iterations)) },
      {
        key: 'converged',
        label: 'Converged',
        description: 'Whether the minimisation converged',
        render: (row, cell) => cell.append(CURVE_METHODS.includes(row.method) ? (row.converged ? 'yes' : 'no') : 'closed form'),
        cellClass: (row) => (row.converged ? '' : 'is-flagged'),
      },
    ],
    rows: L.methods ?? [],
    searchLabel: 'Search methods',
    searchPlaceholder: 'Method',
    searchText: (row) => methodLabel(row.method),
    noun: ['method', 'methods'],
  });
  return h(
    'section',
    { class: 'panel', id: 'eq-methods', 'aria-labelledby': 'eq-methods-title' },
    h('h3', { id: 'eq-methods-title', class: 'panel__title' }, 'Linking constants of all methods'),
    h('p', { class: 'help' }, 'The four methods on the same common items, for comparison; the applied one is marked. Large differences between them are a reason to look at the common items below.'),
    table.element,
  );
}

const joinLocations = (values) => (values ?? []).map((v) => fmt(v, 3)).join(', ') || DASH;

function anchorFlags(a) {
  return [a.largest ? 'largest' : null, a.flagged ? 'flagged' : null, a.excluded ? 'excluded' : null].filter(Boolean);
}

function anchorsSection(result, run) {
  const L = result.linking ?? {};
  const rows = (L.anchors ?? []).map((a, index) => ({ ...a, index, flags: anchorFlags(a).join(', ') }));
  // Which boxes are checked (by new-form name): kept across re-renders of the table (sorting, searching).
  const checked = new Set(rows.filter((r) => r.excluded).map((r) => r.new_item));
  const rowClass = (row) => [row.flagged ? 'is-flagged-row' : '', row.excluded ? 'is-excluded-row' : ''].join(' ').trim();
  const locationColumn = (key, label, description) => ({
    key,
    label,
    description,
    numeric: true,
    value: (row) => row[key]?.[0] ?? null,
    cellClass: rowClass,
    render: (row, cell) => {
      cell.append(joinLocations(row[key]));
      if ((row[key] ?? []).length === 1 && isNumber(row[key][0])) cell.dataset.value = String(row[key][0]);
    },
  });
  const table = createTable({
    id: 'eq-anchors-table',
    caption: 'Common items: parameters on the base scale and drift',
    columns: [
      {
        key: 'exclude',
        label: 'Exclude',
        description: 'Check the common items to leave out, then select \u201CRe-run without the checked common items\u201D',
        sortable: false,
        cellClass: rowClass,
        render: (row, cell) => {
          const box = h('input', {
            type: 'checkbox',
            id: `eq-exclude-${row.index}`,
            class: 'exclude-box',
            'data-item': row.new_item,
            checked: checked.has(row.new_item),
            'aria-label': `Exclude common item ${row.new_item}`,
          });
          box.addEventListener('change', () => {
            if (box.checked) checked.add(row.new_item);
            else checked.delete(row.new_item);
          });
          cell.append(box);
        },
      },
      {
        key: 'new_item',
        label: 'New item',
        description: 'The common item\u2019s name in the new form',
        rowHeader: true,
        cellClass: rowClass,
        render: (row, cell) => {
          cell.textContent = row.new_item;
        },
      },
      { key: 'base_item', label: 'Base item', description: 'Its name in the base form', cellClass: rowClass, render: (row, cell) => cell.append(row.base_item) },
      numberColumn('a_base', 'a base', 'The base form\u2019s slope', { cellClass: rowClass }),
      numberColumn('a_linked', 'a linked', 'The new form\u2019s slope on the base scale (a / A)', { cellClass: rowClass }),
      locationColumn('b_base', 'b base', 'The base form\u2019s locations'),
      locationColumn('b_linked', 'b linked', 'The new form\u2019s locations on the base scale (A \u00B7 b + B)'),
      numberColumn('d2', 'd\u00B2', 'Weighted mean squared difference of the item\u2019s expected score curves after linking, over the \u03B8 points', { digits: 5, cellClass: rowClass }),
      numberColumn('rmsd', 'RMSD', 'Square root of d\u00B2', { digits: 4, cellClass: rowClass }),
      numberColumn('standardized', 'Standardized', '(d\u00B2 \u2212 mean) / SD over the common items used', { digits: 2, cellClass: rowClass }),
      {
        key: 'flags',
        label: 'Flags',
        description: 'largest: the largest d\u00B2 of the items used; flagged: standardized d\u00B2 above 2; excluded: left out of the link',
        cellClass: rowClass,
        value: (row) => row.flags || null,
        render: (row, cell) => cell.append(row.flags),
      },
    ],
    rows,
    searchLabel: 'Search common items',
    searchPlaceholder: 'Item name',
    searchText: (row) => `${row.new_item} ${row.base_item}`,
    noun: ['common item', 'common items'],
  });
  const rerun = h('button', { type: 'button', id: 'eq-rerun', class: 'button' }, 'Re-run without the checked common items');
  const rerunError = h('p', { id: 'eq-rerun-error', class: 'error-message', role: 'alert', hidden: true });
  rerun.addEventListener('click', () => {
    if (rerun.getAttribute('aria-disabled') === 'true') return;
    const exclude = rows.filter((r) => checked.has(r.new_item)).map((r) => r.new_item);
    if (rows.length && exclude.length === rows.length) {
      rerunError.hidden = false;
      rerunError.textContent = 'Every common item is checked: leave at least two of them in the link.';
      return;
    }
    run({ exclude, fromRerun: true });
  });
  return h(
    'section',
    { class: 'panel', id: 'eq-anchors', 'aria-labelledby': 'eq-anchors-title' },
    h('h3', { id: 'eq-anchors-title', class: 'panel__title' }, 'Common items'),
    h(
      'p',
      { class: 'help' },
      'd\u00B2 is the weighted mean squared difference of the item\u2019s expected score curves (base, and new after linking) over the \u03B8 points; flagged = standardized d\u00B2 above 2 (a candidate to leave out). Excluded items keep their diagnostics under the constants of the others.',
    ),
    table.element,
    h('div', { class: 'run-row run-row--compact' }, rerun, h('p', { class: 'help' }, 'Links again with the same files and options, leaving out the checked common items (none checked: all of them).')),
    rerunError,
  );
}

// ----------------------------------------------------------------- charts

const curveName = (c) => (c.base_item !== undefined && c.base_item !== c.new_item ? `${c.new_item} (base ${c.base_item})` : String(c.new_item));

function chartsSection(result, stem) {
  const L = result.linking ?? {};
  const anchors = L.anchors ?? [];
  const items = L.curves?.items ?? [];
  const figure = (chartId, caption, description) => chartFigure(chartId, caption, description, `${stem}-${chartId.replace(/^eq-chart-/, '')}.png`);
  const start = initialCurveItem(result);
  const select = h(
    'select',
    { id: 'eq-curve-item', class: 'input' },
    items.map((it, i) => {
      const anchor = anchors.find((a) => a.new_item === it.new_item) ?? {};
      const notes = [anchor.largest ? 'largest d\u00B2' : null, anchor.flagged ? 'flagged' : null, anchor.excluded ? 'excluded' : null].filter(Boolean);
      return h('option', { value: String(i), selected: i === start }, `${curveName({ ...anchor, new_item: it.new_item })}${notes.length ? ` \u2014 ${notes.join(', ')}` : ''}`);
    }),
  );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'eq-charts-title' },
    h('h3', { id: 'eq-charts-title', class: 'panel__title' }, 'Charts'),
    chartsAvailable()
      ? h(
          'div',
          { class: 'chart-controls' },
          h('div', { class: 'field field--inline' }, h('label', { for: 'eq-curve-item' }, 'Common item in the item curves'), select),
          h(
            'p',
            { class: 'help' },
            '\u03B8 on the base scale (the new form before linking: on its own scale). Select a name in a legend to hide or show its line.',
          ),
        )
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the tables below hold all the numbers.'),
    h(
      'div',
      { class: 'charts' },
      figure(
        'eq-chart-tcc',
        'Common items\u2019 test characteristic curves',
        'Line chart of the expected summed score of the common items used against \u03B8: base form, new form before linking and new form after linking.',
      ),
      figure('eq-chart-item', `Common item curves: ${items[start] ? curveName(anchors.find((a) => a.new_item === items[start].new_item) ?? items[start]) : ''}`, itemDescription(items[start])),
      figure(
        'eq-chart-equated',
        'Equated scores',
        'Line chart of the base-form equivalents of the new form\u2019s summed scores, by true-score and by observed-score equating, with the identity line.',
      ),
      figure(
        'eq-chart-distributions',
        'Score distributions',
        'Line chart of the summed-score distributions of the new form and the base form in the synthetic population.',
      ),
    ),
  );
}

const itemDescription = (item) =>
  item
    ? `Line chart of the expected score of common item ${item.new_item} against \u03B8: base form, new form before linking and new form after linking.`
    : 'Line chart of a common item\u2019s expected score against \u03B8.';

/** The common item shown first: the one with the largest d² (else the first). */
function initialCurveItem(result) {
  const L = result.linking ?? {};
  const largest = (L.anchors ?? []).find((a) => a.largest);
  const index = largest ? (L.curves?.items ?? []).findIndex((it) => it.new_item === largest.new_item) : -1;
  return index < 0 ? 0 : index;
}

function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  const L = result.linking ?? {};
  const curves = L.curves ?? {};
  const theta = curves.theta ?? [];
  if (theta.length) {
    renderItemCurves(results.querySelector('#eq-chart-tcc'), {
      theta,
      lines: [
        { name: 'Base form', values: curves.tcc_base ?? [] },
        { name: 'New form, before linking', values: curves.tcc_new ?? [] },
        { name: 'New form, linked', values: curves.tcc_linked ?? [] },
      ],
      yName: 'Expected score (common items)',
      yMin: 0,
    });
    const select = results.querySelector('#eq-curve-item');
    const drawItem = () => {
      const item = (curves.items ?? [])[Number(select.value)];
      const chart = results.querySelector('#eq-chart-item');
      if (!item) return;
      renderItemCurves(chart, {
        theta,
        lines: [
          { name: 'Base form', values: item.base ?? [] },
          { name: 'New form, before linking', values: item.new ?? [] },
          { name: 'New form, linked', values: item.linked ?? [] },
        ],
        yName: 'Expected item score',
        yMin: 0,
      });
      chart.setAttribute('aria-label', itemDescription(item));
      const anchor = (L.anchors ?? []).find((a) => a.new_item === item.new_item) ?? item;
      const caption = chart.closest('figure')?.querySelector('.chart-figure__title');
      if (caption) caption.textContent = `Common item curves: ${curveName(anchor)}`;
    };
    select.addEventListener('change', drawItem);
    drawItem();
  }
  const trueRows = result.true_score?.rows ?? [];
  const observedRows = result.observed_score?.rows ?? [];
  const scores = trueRows.map((r) => r.score);
  if (scores.length) {
    renderLines(results.querySelector('#eq-chart-equated'), {
      lines: [
        { name: 'True-score equating', points: trueRows.map((r) => [r.score, r.equivalent]) },
        { name: 'Observed-score equating', points: observedRows.map((r) => [r.score, r.equivalent]) },
        { name: 'Identity', points: scores.map((s) => [s, s]), guide: true },
      ],
      xName: 'New-form summed score',
      xLabel: 'Score',
      yName: 'Base-form equivalent',
      xMin: scores[0],
      xMax: scores[scores.length - 1],
      yMin: (extent) => Math.floor(extent.min),
    });
  }
  const O = result.observed_score ?? {};
  const distributionScores = [...(O.new_distribution ?? []), ...(O.base_distribution ?? [])].map((r) => r.score).filter(isNumber);
  renderLines(results.querySelector('#eq-chart-distributions'), {
    lines: [
      { name: 'New form', points: (O.new_distribution ?? []).map((r) => [r.score, r.synthetic]), symbols: true },
      { name: 'Base form', points: (O.base_distribution ?? []).map((r) => [r.score, r.synthetic]), symbols: true },
    ],
    xName: 'Summed score',
    xLabel: 'Score',
    yName: 'Probability (synthetic population)',
    xMin: distributionScores.length ? Math.min(...distributionScores) : undefined,
    xMax: distributionScores.length ? Math.max(...distributionScores) : undefined,
    yMin: 0,
    digits: 4,
  });
}

// ----------------------------------------------------------------- tables

function conversionRows(result) {
  const observed = result.observed_score?.rows ?? [];
  return (result.true_score?.rows ?? []).map((t, i) => {
    const o = observed[i] ?? {};
    return {
      score: t.score,
      theta: t.theta,
      true_score_equivalent: t.equivalent,
      observed_score_equivalent: o.equivalent,
      percentile_rank: o.percentile_rank,
      theta_eap: o.theta_eap,
      theta_sd: o.theta_sd,
    };
  });
}

function conversionSection(result) {
  const T = result.true_score ?? {};
  const O = result.observed_score ?? {};
  const table = createTable({
    id: 'eq-conversion-table',
    caption: 'New-form summed scores and their base-form equivalents',
    columns: [
      {
        key: 'score',
        label: 'Score',
        description: 'The new form\u2019s summed score',
        rowHeader: true,
        numeric: true,
        render: (row, cell) => {
          cell.textContent = String(row.score);
          if (isNumber(row.score)) cell.dataset.value = String(row.score);
        },
      },
      numberColumn('theta', '\u03B8', 'The \u03B8 (base scale) at which the new form\u2019s true score is the score; empty below the lowest true score and at the highest score'),
      numberColumn('true_score_equivalent', 'True-score equivalent', 'The base form\u2019s true score at that \u03B8', { digits: 4 }),
      numberColumn('observed_score_equivalent', 'Observed-score equivalent', 'Equipercentile equivalent in the synthetic population', { digits: 4 }),
      numberColumn('percentile_rank', 'Percentile rank', 'Percentile rank of the score in the new form\u2019s synthetic distribution', { digits: 2 }),
      numberColumn('theta_eap', '\u03B8 EAP', 'Posterior mean of \u03B8 given the score in population 1 (base scale)'),
      numberColumn('theta_sd', '\u03B8 SD', 'Posterior SD of \u03B8 given the score in population 1'),
    ],
    rows: conversionRows(result),
    searchLabel: 'Search scores',
    searchPlaceholder: 'Score',
    searchText: (row) => String(row.score),
    noun: ['score', 'scores'],
  });
  return h(
    'section',
    { class: 'panel', id: 'eq-conversion', 'aria-labelledby': 'eq-conversion-title' },
    h('h3', { id: 'eq-conversion-title', class: 'panel__title' }, 'Conversion table'),
    h(
      'p',
      { class: 'help' },
      `Lowest true scores: ${fmt(T.lowest_new, 4)} on the new form, ${fmt(T.lowest_base, 4)} on the base form (the sums of the lower asymptotes). `,
      T.note ?? '',
    ),
    h('p', { class: 'help' }, `Observed-score equating in the synthetic population. ${O.note ?? ''} \u03B8 EAP and \u03B8 SD: the posterior mean and SD of \u03B8 given the score in population 1.`),
    table.element,
  );
}

function momentsSection(result) {
  const O = result.observed_score ?? {};
  const moments = O.moments ?? {};
  const rows = [
    ['new', 'New form'],
    ['equated', 'New form, equated'],
    ['base', 'Base form'],
  ];
  return h(
    'section',
    { class: 'panel', id: 'eq-moments', 'aria-labelledby': 'eq-moments-title' },
    h('h3', { id: 'eq-moments-title', class: 'panel__title' }, 'Moments'),
    h(
      'p',
      { class: 'help' },
      `Summed-score moments in the synthetic population (weight ${O.synthetic_weight} for population 1): the new form\u2019s scores, their observed-score equivalents (with the new form\u2019s probabilities) and the base form\u2019s scores. SD without N \u2212 1; kurtosis 3 for a normal distribution.`,
    ),
    staticTable({
      id: 'eq-moments-table',
      caption: 'Moments of the summed scores (synthetic population)',
      head: [h('th', { scope: 'col' }, 'Scores'), ['Mean', 'SD', 'Skewness', 'Kurtosis'].map((label) => h('th', { scope: 'col', class: 'num' }, label))],
      body: rows.map(([key, label]) => {
        const m = moments[key] ?? {};
        return h('tr', { 'data-row': key }, h('th', { scope: 'row' }, label), numberCell(m.mean, 4), numberCell(m.sd, 4), numberCell(m.skewness, 4), numberCell(m.kurtosis, 4));
      }),
    }),
  );
}

/** The most locations any linked item has (1 for 0/1 items only). */
const locationCount = (items) => Math.max(1, ...items.map((it) => (it.b ?? []).length));

function linkedSection(result) {
  const items = result.linking?.linked_items ?? [];
  const k = locationCount(items);
  const locationColumns = Array.from({ length: k }, (_, j) =>
    numberColumn(k === 1 ? 'b' : `b${j + 1}`, k === 1 ? 'b' : `b${j + 1}`, k === 1 ? 'Difficulty on the base scale' : `Location ${j + 1} on the base scale`, {
      digits: 4,
      value: (row) => row.b?.[j] ?? null,
    }),
  );
  const table = createTable({
    id: 'eq-linked-table',
    caption: 'The new form\u2019s item parameters on the base scale (IRT metric of D)',
    columns: [
      ITEM_NAME_COLUMN,
      { key: 'model', label: 'Model', render: (row, cell) => cell.append(row.model ?? '') },
      numberColumn('a', 'a', 'Slope on the base scale (a / A)', { digits: 4 }),
      ...locationColumns,
      numberColumn('c', 'c', 'Lower asymptote (unchanged)', { digits: 4 }),
      numberColumn('u', 'u', 'Upper asymptote (unchanged)', { digits: 4 }),
    ],
    rows: items,
    ...ITEM_ROWS,
  });
  return h(
    'section',
    { class: 'panel', id: 'eq-linked', 'aria-labelledby': 'eq-linked-title' },
    h('h3', { id: 'eq-linked-title', class: 'panel__title' }, 'Linked parameters of the new form'),
    h(
      'p',
      { class: 'help' },
      'Every new-form item placed on the base scale with the applied constants; the CSV download is an item-parameter file for Test Scoring with the same D.',
    ),
    table.element,
  );
}

// -------------------------------------------------------------- downloads

/**
 * The linked parameters as `pacer link --format csv` writes them:
 * item,model,a,b,c,u when every item has one location, else
 * item,model,a,b1,...,bk,c,u (empty cells for missing locations).
 */
function linkedParamsCsv(result) {
  const items = result.linking?.linked_items ?? [];
  const k = locationCount(items);
  const header = ['item', 'model', 'a', ...(k === 1 ? ['b'] : Array.from({ length: k }, (_, j) => `b${j + 1}`)), 'c', 'u'];
  const rows = items.map((it) => [it.item, it.model, it.a, ...Array.from({ length: k }, (_, j) => it.b?.[j] ?? null), it.c, it.u]);
  return cliCsv(header, rows);
}

/** The conversion table as `pacer equate --format csv` writes it. */
function conversionCsv(result) {
  const rows = conversionRows(result).map((r) => [r.score, r.theta, r.true_score_equivalent, r.observed_score_equivalent]);
  return cliCsv(['score', 'theta', 'true_score_equivalent', 'observed_score_equivalent'], rows);
}
