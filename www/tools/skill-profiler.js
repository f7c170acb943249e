// Skill Profiler tool: classifies examinees into attribute profiles with
// known cognitive-diagnosis item parameters, in the engine's Web Worker
// (profile_skills): each examinee's posterior probability of mastering each
// attribute and the EAP, MAP and MLE profiles, with the classification's
// accuracy and consistency.
// Input: a response file, the Q-matrix, an item-parameter file (item,
// pattern, prob: the CDM Calibration page's parameter CSV) and optionally a
// class-proportion file (pattern, proportion); or the files of a CDM
// calibration handed over by its "Profile examinees with these parameters"
// (see handoff.js); or the bundled fraction subtraction sample. Profiling
// starts on Run.
// Results: a summary, warnings, the classification's accuracy and
// consistency (whole profile and per attribute), the attributes' prevalence
// (chart and table), one examinee's mastery probabilities (chart), the
// examinees' table and downloads.
//
// Every number shown comes from the engine's result; nothing is computed here.

import { profileSkills } from '../engine.js';
import { fmtInt, h } from '../format.js';
import { createTable, numberCell, numberColumn, staticTable } from '../table.js';
import { chartFigure, chartsAvailable, renderBars } from '../charts.js';
import { baseName, cliCsv, downloadCsv, downloadJson } from '../download.js';
import { createDataInput, createFileSlot, responseFileHelp } from '../data-input.js';
import { latestCdmCalibration, onCdmCalibration } from '../handoff.js';
import { clearFieldErrors, clearResults, markBusy, numberStat, resultsHeader, runRow, setStatus, showMessage as showError, showResults, stat, toolSection, warningsPanel } from '../tool-ui.js';

export const id = 'skill-profiler';
export const title = 'Skill Profiler';

const SAMPLES = [
  {
    id: 'run-sample',
    noteId: 'sample-note',
    label: 'Try the sample data',
    note: 'Tatsuoka\u2019s fraction subtraction (536 examinees, 20 items, 8 attributes) with the R package GDINA\u2019s DINA estimates of its item parameters and class proportions; loads the four files and runs',
    file: 'fraction-subtraction.csv',
    // The sample's other files (in www/samples/), by slot.
    files: {
      q: 'fraction-subtraction-Q.csv',
      params: 'fraction-subtraction-dina-parameters.csv',
      classes: 'fraction-subtraction-dina-classes.csv',
    },
  },
];

const HELP = responseFileHelp(
  'Scores are 0 (wrong) and 1 (right); empty cells are missing responses and are left out of that examinee\u2019s likelihood.',
  'used for the profiles (an id column is copied to the results)',
);

// The three model files: slot key, heading, description, chooser label, help paragraph, options.
const FILES = [
  {
    key: 'q',
    title: 'Q-matrix',
    description: 'Which attributes each item requires.',
    button: 'Choose the Q-matrix\u2026',
    helpId: 'sp-q-help',
    noun: 'Q-matrix',
    engineName: 'Q-matrix',
    emptyMessage: 'the file is empty: it needs a header row (item and the attributes) and one row per item.',
  },
  {
    key: 'params',
    title: 'Item parameters',
    description: 'Each item\u2019s success probability for every pattern of its required attributes.',
    button: 'Choose the parameter file\u2026',
    helpId: 'sp-params-help',
    noun: 'item-parameter file',
    engineName: 'item parameters',
    csvOnly: true,
    emptyMessage: 'the file is empty: it needs a header row (item, pattern, prob) and one row per item and pattern.',
  },
  {
    key: 'classes',
    title: 'Class proportions (optional)',
    description: 'The proportion of each latent class; without it, all classes are taken as equally likely.',
    button: 'Choose the class-proportion file\u2026',
    helpId: 'sp-classes-help',
    noun: 'class-proportion file',
    engineName: 'class proportions',
    csvOnly: true,
    removable: true,
    emptyMessage: 'the file is empty: it needs a header row (pattern, proportion) and one row per latent class.',
  },
];

// The person table renders at most this many rows (sorting and searching reach the others).
const PERSON_ROWS = 1000;
// The table of patterns renders at most this many rows.
const PATTERN_ROWS = 1000;

// ------------------------------------------------------------------ markup

/** The tool's section: heading, lead, the data panel, the model files' panel and the results region. */
function template(dataPanel, modelPanel) {
  return toolSection(
    {
      id,
      titleId: 'sp-title',
      title,
      lead: 'Attribute profiles of examinees from known cognitive-diagnosis item parameters (for example a CDM calibration\u2019s): each examinee\u2019s probability of mastering each attribute, the EAP, MAP and MLE profiles, and how accurate and consistent the classification is.',
      resultsId: 'sp-results',
      resultsTitleId: 'sp-results-title',
    },
    dataPanel,
    modelPanel,
  );
}

/** The help paragraphs of the three model files. */
function filesHelp() {
  return [
    h(
      'p',
      { class: 'help', id: 'sp-q-help' },
      'Q-matrix: a CSV (or Excel) file with a header row; its first column names the items as in the response file\u2019s header, each other column is an attribute, with 1 where the item requires it and 0 where it does not. For example ',
      h('code', {}, 'item,A1,A2,A3'),
      ' then ',
      h('code', {}, 'V1,1,0,1'),
      '.',
    ),
    h(
      'p',
      { class: 'help', id: 'sp-params-help' },
      'Item parameters: a CSV file with the columns ',
      h('code', {}, 'item'),
      ', ',
      h('code', {}, 'pattern'),
      ' (mastery, 1, or not, 0, of each attribute the item requires, in the Q-matrix\u2019s column order) and ',
      h('code', {}, 'prob'),
      ' (the success probability of that pattern); every item needs all 2^K\u2C7C of its patterns. Other columns (',
      h('code', {}, 'required'),
      ', ',
      h('code', {}, 'se'),
      ') are ignored: the CDM Calibration page\u2019s \u201CParameters (CSV)\u201D is such a file. For example ',
      h('code', {}, 'V1,A4;A6;A7,000,0.03,0.013'),
      '.',
    ),
    h(
      'p',
      { class: 'help', id: 'sp-classes-help' },
      'Class proportions: a CSV file with the columns ',
      h('code', {}, 'pattern'),
      ' (one digit per attribute, attribute 1 first; a leading ',
      h('code', {}, 'p'),
      ' as GDINA writes it is accepted) and ',
      h('code', {}, 'proportion'),
      ', such as the CDM Calibration page\u2019s \u201CClass proportions (CSV)\u201D. Without it, all classes are equally likely (the MAP profile is then the MLE profile).',
    ),
  ];
}

/** The model files' panel: the hand-off note, the three file slots, their help, Run and its status line. */
function modelPanel(slots) {
  return h(
    'div',
    { class: 'panel input-panel', id: 'sp-files-panel', role: 'group', 'aria-labelledby': 'sp-files-title' },
    h('h2', { class: 'panel__title', id: 'sp-files-title' }, 'Model'),
    h(
      'div',
      { class: 'notice', id: 'sp-handoff', role: 'status', hidden: true },
      h('p', { id: 'sp-handoff-text' }),
    ),
    h('div', { class: 'form-files' }, slots.map((slot) => slot.element)),
    filesHelp(),
    h(
      'p',
      { class: 'help', id: 'sp-handoff-help' },
      'After a CDM calibration on this site, select \u201CProfile examinees with these parameters\u201D under its results: its response file, Q-matrix, parameters and class proportions are selected here.',
    ),
    h('p', { id: 'sp-files-error', class: 'error-message', role: 'alert', hidden: true }),
    runRow('sp-', 'Run profiling'),
  );
}

// ------------------------------------------------------------------- mount

/** Builds the page in `container` and wires its files, the sample, the hand-off and Run. */
export function mount(container) {
  // The loaded files stay on the main thread (the worker gets copies), so
  // profiling can be re-run with other files. The sample loads its files and
  // runs; chosen or handed-over files wait for Run.
  const data = createDataInput({
    idPrefix: 'sp-',
    help: HELP,
    samples: SAMPLES,
    onLoadStart: (name) => {
      clearErrors();
      setBusy(true);
      setStatus(status, `Reading ${name}\u2026`, { spinner: true });
    },
    onLoad: (loaded, { sample }) => {
      setBusy(false);
      if (sample?.handoff) {
        setStatus(status, `${loaded.name} and the files of the ${sample.handoff.label} are selected. Select Run profiling.`);
      } else if (sample?.files) {
        loadSampleFiles(sample);
      } else {
        const missing = missingFiles();
        setStatus(status, missing.length ? `${loaded.name} is loaded. Choose the ${missing.join(' and the ')}, then select Run profiling.` : `${loaded.name} is loaded. Select Run profiling.`);
      }
    },
    onLoadError: () => {
      setBusy(false);
      setStatus(status, '');
    },
    // A new file while profiling runs is used by the next Run.
    queueWhileBusy: true,
    busyDropMessage: 'Profiling is running: wait for it to finish, then drop the file again.',
  });
  const slots = Object.fromEntries(
    FILES.map((f) => [
      f.key,
      createFileSlot({
        id: `sp-${f.key}`,
        title: f.title,
        description: f.description,
        button: f.button,
        helpId: f.helpId,
        csvOnly: f.csvOnly ?? false,
        removable: f.removable ?? false,
        emptyMessage: f.emptyMessage,
        onChange: (file) => fileChanged(f, file),
      }),
    ]),
  );
  const root = template(data.element, modelPanel(Object.values(slots)));
  container.append(root);
  const $ = (sel) => root.querySelector(sel);
  const status = $('#sp-status');
  const results = $('#sp-results');
  const runButton = $('#sp-run');
  const filesError = $('#sp-files-error');

  let busy = false;
  let runCounter = 0; // replies for an older run are ignored
  let sampleCounter = 0; // a later sample load wins over an earlier one
  let appliedSerial = 0; // the last hand-off applied

  // ---- messages
  /** Clears the messages; an error the engine found in a model file stays until that file is replaced. */
  function clearErrors() {
    data.clearError();
    clearFieldErrors(root, [filesError]);
    for (const slot of Object.values(slots)) slot.refreshError();
  }
  /** Marks the page busy (a file is read or profiling runs) or idle. */
  function setBusy(isBusy) {
    busy = isBusy;
    markBusy(root, isBusy, [runButton]);
    data.setBusy(isBusy);
  }

  /** The required model files not chosen yet, as nouns. */
  function missingFiles() {
    return FILES.filter((f) => f.key !== 'classes' && !slots[f.key].ready).map((f) => f.noun);
  }

  /** A model file was chosen (or removed) by the user: the hand-off note no longer describes the files. */
  function fileChanged(f, file) {
    $('#sp-handoff').hidden = true;
    if (busy) return;
    if (!file) setStatus(status, `The ${f.noun} is removed${f.key === 'classes' ? ': all classes will be taken as equally likely' : ''}.`);
    else if (file.bytes) {
      const missing = [...(data.current ? [] : ['response file']), ...missingFiles()];
      setStatus(status, missing.length ? `${file.name} is loaded. Choose the ${missing.join(' and the ')}, then select Run profiling.` : `${file.name} is loaded. Select Run profiling.`);
    }
  }

  // ---- the sample
  /** Fetches the sample's Q-matrix, parameters and class proportions, then runs. */
  async function loadSampleFiles(sample) {
    const token = ++sampleCounter;
    let loaded;
    try {
      loaded = await Promise.all(
        Object.entries(sample.files).map(async ([key, file]) => {
          const response = await fetch(new URL(`../samples/${file}`, import.meta.url));
          if (!response.ok) throw new Error(`${file}: the server answered ${response.status}`);
          return [key, { name: file, bytes: new Uint8Array(await response.arrayBuffer()) }];
        }),
      );
    } catch (error) {
      if (token !== sampleCounter) return;
      showError(filesError, `The sample files could not be read (${error?.message ?? error}). Please try again.`);
      setStatus(status, '');
      return;
    }
    if (token !== sampleCounter) return;
    for (const [key, file] of loaded) slots[key].set(file);
    $('#sp-handoff').hidden = true;
    run();
  }

  // ---- a calibration handed over by the CDM page
  /** Selects the handed-over calibration's files (once per hand-off); the response file loads through the data panel. */
  function applyCalibration(handed) {
    if (!handed || handed.serial === appliedSerial) return;
    appliedSerial = handed.serial;
    const encode = (text) => new TextEncoder().encode(text);
    const note = ' (from the CDM Calibration page)';
    slots.q.set({ name: handed.q.name, bytes: handed.q.bytes }, { note });
    slots.params.set({ name: handed.params.name, bytes: encode(handed.params.csv) }, { note });
    slots.classes.set({ name: handed.classes.name, bytes: encode(handed.classes.csv) }, { note });
    $('#sp-handoff-text').replaceChildren(
      'From the CDM Calibration page: ',
      h('strong', {}, handed.label),
      ` (${fmtInt(handed.nItems)} items, ${fmtInt(handed.nAttributes)} attributes): its response file, Q-matrix, item parameters and class proportions are selected. Choose other files to replace any of them.`,
    );
    $('#sp-handoff').hidden = false;
    clearErrors();
    clearResults(results);
    data.load(handed.responses.name, Promise.resolve(handed.responses.bytes), { sample: { handoff: handed } });
  }

  /** The names the engine gets: the files' own, told apart when two are the same. */
  function engineNames(responsesName) {
    const all = [{ key: 'data', name: responsesName, engineName: 'responses' }, ...FILES.filter((f) => slots[f.key].ready).map((f) => ({ key: f.key, name: slots[f.key].file.name, engineName: f.engineName }))];
    return Object.fromEntries(all.map((f) => [f.key, all.filter((g) => g.name === f.name).length > 1 ? `${f.name} (${f.engineName})` : f.name]));
  }

  // ---- run
  /** Profiles the loaded response file with the model files, and shows the result or routes the error to its file. */
  async function run() {
    if (busy) return;
    clearErrors();
    const current = data.current;
    if (!current) {
      setStatus(status, '');
      data.showError('Choose a response file first (or try the sample data), then select Run.');
      return;
    }
    let missing = false;
    for (const f of FILES) {
      const slot = slots[f.key];
      if (f.key === 'classes' && !slot.file) continue; // optional
      if (!slot.file) slot.showError(`Choose the ${f.noun} (or try the sample data), then select Run.`);
      if (!slot.ready) missing = true;
    }
    if (missing) {
      setStatus(status, 'Please choose the Q-matrix and the item parameters.');
      return;
    }
    const used = { q: slots.q.file, params: slots.params.file, classes: slots.classes.ready ? slots.classes.file : null };
    const names = engineNames(current.name);
    const options = {
      fileName: names.data,
      qFileName: names.q,
      paramsFileName: names.params,
      ...(used.classes ? { classesFileName: names.classes } : {}),
    };
    const token = ++runCounter;
    setBusy(true);
    setStatus(status, `Profiling ${current.name} with ${used.params.name}\u2026`, { spinner: true });
    const started = performance.now();
    try {
      const result = await profileSkills(current.bytes, used.q.bytes, used.params.bytes, used.classes?.bytes ?? null, options);
      if (token !== runCounter) return;
      const seconds = (performance.now() - started) / 1000;
      setBusy(false);
      // A successful run: none of the files is at fault any more.
      for (const f of FILES) if (slots[f.key].file === used[f.key]) slots[f.key].clearStoredError();
      renderResults(results, result, { responses: current, classes: used.classes });
      const n = result.n_persons;
      setStatus(status, `Profiled ${current.name}: ${fmtInt(n)} ${n === 1 ? 'examinee' : 'examinees'}, ${fmtInt(result.n_attributes)} attributes (${seconds.toFixed(2)} s).`);
    } catch (error) {
      if (token !== runCounter) return;
      setBusy(false);
      const message = error?.message ?? String(error);
      const fileKey = error?.file ? FILES.find((f) => used[f.key] && names[f.key] === error.file)?.key : null;
      if (fileKey) {
        if (slots[fileKey].file === used[fileKey]) slots[fileKey].fail(message);
      } else if (error?.code === 'invalid_option' || error?.code === 'engine_outdated' || error?.code === 'engine_load_failed') {
        showError(filesError, message);
      } else {
        data.showError(message);
      }
      setStatus(status, results.hidden ? 'Profiling did not run; see the message above.' : 'Profiling did not run; see the message above. The results below are those of the last run.');
    }
  }

  // ---- events
  runButton.addEventListener('click', () => run());
  // A calibration handed over before this page was first shown, and later ones.
  applyCalibration(latestCdmCalibration());
  onCdmCalibration(applyCalibration);
}

// ----------------------------------------------------------------- results

/** An attribute profile as its digits ("0110"), whether the engine sends a string or a list. */
const profile = (value) => (Array.isArray(value) ? value.join('') : String(value ?? ''));

/** How an examinee is named: "row 3 (S03)", or "row 3". */
const personName = (p) => `row ${p.row}${p.id !== null && p.id !== undefined && p.id !== '' ? ` (${p.id})` : ''}`;

/** Fills the results region with everything the engine reported. */
function renderResults(results, result, { responses, classes }) {
  const stem = `${baseName(responses.name)}-profiles`;
  const header = resultsHeader({
    titleId: 'sp-results-title',
    title: ['Skill profiles of ', h('span', { class: 'file-name' }, responses.name)],
    downloads: [
      { id: 'sp-download-csv', label: 'Profiles (CSV)', onClick: () => downloadCsv(profilesCsv(result), `${stem}.csv`) },
      { id: 'sp-download-json', label: 'Full result (JSON)', onClick: () => downloadJson(result, `${stem}.json`) },
    ],
  });
  const sections = [
    header,
    h('p', { class: 'results__meta' }, describeRun(result, classes)),
    warningsPanel('sp-', result.warnings),
    summarySection(result),
    classificationSection(result),
    prevalenceSection(result, stem),
    personChartSection(result, stem),
    personsSection(result),
  ];
  showResults(results, sections, () => drawCharts(results, result));
}

/** One line on what was profiled and with which prior. */
function describeRun(result, classes) {
  const parts = [
    `${fmtInt(result.n_persons)} examinees`,
    `${fmtInt(result.n_items)} items`,
    `${fmtInt(result.n_attributes)} attributes (${fmtInt(result.n_classes)} latent classes)`,
    result.prior === 'file' ? `class proportions from ${classes?.name ?? 'the class-proportion file'}` : 'equal class proportions',
    result.engine ? `${result.engine.name} ${result.engine.version}` : null,
  ];
  return parts.filter(Boolean).join(' \u00B7 ');
}

/** The classification's accuracy and consistency for whole profiles. */
function summarySection(result) {
  const c = result.classification ?? {};
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'sp-summary-title' },
    h('h3', { id: 'sp-summary-title', class: 'panel__title' }, 'Summary'),
    h(
      'dl',
      { class: 'summary' },
      stat('Examinees', fmtInt(result.n_persons), { id: 'sp-n-persons' }),
      numberStat('Pattern accuracy', c.pattern_accuracy, 3, {
        id: 'sp-pattern-accuracy',
        title: 'Expected share of examinees whose whole profile is classified correctly',
      }),
      numberStat('Pattern consistency', c.pattern_consistency, 3, {
        id: 'sp-pattern-consistency',
        title: 'Expected share of examinees who would get the same whole profile on a parallel test',
      }),
      stat('Prior', result.prior === 'file' ? 'Class proportions' : 'Equal', {
        id: 'sp-prior',
        title: 'The class proportions the posterior starts from: the class-proportion file, or all classes equally likely',
      }),
    ),
    c.method ? h('p', { class: 'help', id: 'sp-classification-method' }, `Classification accuracy and consistency: ${c.method}.`) : null,
  );
}

/** Accuracy and consistency per attribute (with the whole profile first), and per latent class. */
function classificationSection(result) {
  const c = result.classification ?? {};
  const patterns = createTable({
    id: 'sp-pattern-table',
    caption: 'Classification accuracy by latent class',
    columns: [
      { key: 'pattern', label: 'Pattern', rowHeader: true, render: (row, cell) => cell.append(row.pattern) },
      numberColumn('proportion', 'Proportion', 'The class\u2019s proportion in the prior', { digits: 4 }),
      numberColumn('accuracy', 'Accuracy', 'Expected share of the class\u2019s examinees classified into it'),
    ],
    rows: c.patterns ?? [],
    searchLabel: 'Search patterns',
    searchPlaceholder: 'Pattern',
    searchText: (row) => row.pattern,
    noun: ['pattern', 'patterns'],
    maxRows: PATTERN_ROWS,
  });
  return h(
    'section',
    { class: 'panel', id: 'sp-classification', 'aria-labelledby': 'sp-classification-title' },
    h('h3', { id: 'sp-classification-title', class: 'panel__title' }, 'Classification accuracy and consistency'),
    h(
      'p',
      { class: 'help' },
      'Accuracy: the expected share of examinees classified correctly; consistency: the expected share classified the same way on two parallel tests. The first row is for whole profiles, the others for each attribute.',
    ),
    staticTable({
      id: 'sp-classification-table',
      captionId: 'sp-classification-caption',
      caption: 'Classification accuracy and consistency: whole profile and each attribute',
      head: [h('th', { scope: 'col' }, 'Level'), h('th', { scope: 'col', class: 'num' }, 'Accuracy'), h('th', { scope: 'col', class: 'num' }, 'Consistency')],
      body: [
        h('tr', { 'data-level': 'pattern' }, h('th', { scope: 'row' }, 'Whole profile (test level)'), numberCell(c.pattern_accuracy), numberCell(c.pattern_consistency)),
        (c.attributes ?? []).map((a) => h('tr', { 'data-attribute': a.attribute }, h('th', { scope: 'row' }, a.attribute), numberCell(a.accuracy), numberCell(a.consistency))),
      ],
    }),
    (c.patterns ?? []).length
      ? h('details', { class: 'pattern-accuracy', id: 'sp-pattern-details' }, h('summary', {}, `Accuracy by latent class (${fmtInt(c.patterns.length)} classes)`), patterns.element)
      : null,
  );
}

/** The attributes' prevalence from the class proportions, the examinees' mean mastery and EAP share: chart and table. */
function prevalenceSection(result, stem) {
  const table = createTable({
    id: 'sp-prevalence-table',
    caption: 'Attributes in the group',
    columns: [
      { key: 'attribute', label: 'Attribute', rowHeader: true, render: (row, cell) => cell.append(row.attribute) },
      numberColumn('prevalence', 'Prevalence', 'P(attribute mastered) from the class proportions (equal proportions: 0.5)'),
      numberColumn('mean_mastery', 'Mean mastery', 'The mean over the examinees of their probability of mastering the attribute'),
      numberColumn('eap_share', 'EAP share', 'Share of examinees whose EAP profile masters the attribute'),
    ],
    rows: result.attribute_prevalence ?? [],
    searchLabel: 'Search attributes',
    searchPlaceholder: 'Attribute',
    searchText: (row) => row.attribute,
    noun: ['attribute', 'attributes'],
  });
  return h(
    'section',
    { class: 'panel', id: 'sp-prevalence', 'aria-labelledby': 'sp-prevalence-title' },
    h('h3', { id: 'sp-prevalence-title', class: 'panel__title' }, 'Attribute prevalence in the group'),
    chartsAvailable()
      ? h(
          'div',
          { class: 'charts' },
          chartFigure(
            'sp-chart-group',
            'Prevalence, mean mastery and EAP share by attribute',
            'Bar chart with three bars per attribute: its prevalence from the class proportions, the examinees\u2019 mean mastery probability and the share of examinees whose EAP profile masters it. The numbers are in the table below.',
            `${stem}-group.png`,
          ),
        )
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the table holds the numbers.'),
    table.element,
  );
}

/** The chart of one examinee's mastery probabilities, with the control choosing the examinee. */
function personChartSection(result, stem) {
  const first = (result.persons ?? [])[0];
  return h(
    'section',
    { class: 'panel', id: 'sp-person-chart', 'aria-labelledby': 'sp-person-chart-title' },
    h('h3', { id: 'sp-person-chart-title', class: 'panel__title' }, 'One examinee\u2019s profile'),
    chartsAvailable()
      ? [
          h(
            'div',
            { class: 'chart-controls' },
            h(
              'div',
              { class: 'field field--inline' },
              h('label', { for: 'sp-person' }, 'Examinee (row number or id)'),
              h('input', {
                type: 'text',
                id: 'sp-person',
                class: 'input input--short',
                value: first ? String(first.row) : '',
                autocomplete: 'off',
                spellcheck: 'false',
                'aria-describedby': 'sp-person-help sp-person-error',
              }),
            ),
            h('button', { type: 'button', id: 'sp-person-show', class: 'button button--small' }, 'Show'),
            h('p', { class: 'help', id: 'sp-person-help' }, 'Rows are numbered from 1, the first row under the header; or type the value of the id column. The dashed line marks 0.5, where the EAP profile switches from 0 to 1.'),
          ),
          h('p', { class: 'field__error', id: 'sp-person-error', role: 'alert', hidden: true }),
          h(
            'div',
            { class: 'charts' },
            chartFigure('sp-chart-person', first ? `Mastery probabilities: ${personName(first)}` : 'Mastery probabilities', personDescription(first), `${stem}-examinee.png`),
          ),
        ]
      : h('p', { class: 'notice' }, 'The charting library could not be loaded; the examinees\u2019 table holds the mastery probabilities.'),
  );
}

/** The chart's label for examinee `p`. */
function personDescription(p) {
  if (!p) return 'Bar chart of an examinee\u2019s probability of mastering each attribute.';
  return `Bar chart of the probability that the examinee in ${personName(p)} masters each attribute; EAP profile ${profile(p.eap)}, MAP profile ${profile(p.map)}, MLE profile ${profile(p.mle)}.`;
}

/** A profile cell: the digits, with a "tie" badge (and its explanation) when other profiles are as likely. */
function renderProfile(digits, tied, cell, what) {
  cell.append(digits);
  if (tied) {
    cell.title = `Tied: another profile has the same ${what}; the first in GDINA\u2019s order is shown`;
    cell.append(' ', h('span', { class: 'badge badge--on-bound' }, 'tie'));
  }
}

/** The examinees' table: row, id, profiles, MAP posterior, ties and mastery probabilities; paged, sortable, searchable. */
function personsSection(result) {
  const attributes = result.attributes ?? [];
  const persons = result.persons ?? [];
  const anyId = persons.some((p) => p.id !== null && p.id !== undefined && p.id !== '');
  const anyTie = persons.some((p) => p.map_ties || p.mle_ties);
  const tiesOnly = h('input', { type: 'checkbox', id: 'sp-ties-only' });
  const table = createTable({
    id: 'sp-person-table',
    caption: 'Examinees\u2019 attribute profiles and mastery probabilities',
    columns: [
      {
        key: 'row',
        label: 'Row',
        description: 'The examinee\u2019s row in the response file (1 = the first row under the header)',
        rowHeader: true,
        numeric: true,
        render: (row, cell) => {
          cell.textContent = String(row.row);
          cell.dataset.value = String(row.row);
        },
      },
      anyId ? { key: 'id', label: 'Id', description: 'The response file\u2019s id column', value: (row) => row.id ?? null, render: (row, cell) => cell.append(row.id ?? '') } : null,
      { key: 'eap', label: 'EAP', description: 'EAP profile: 1 where the probability of mastering the attribute is at least 0.5', value: (row) => profile(row.eap), render: (row, cell) => cell.append(profile(row.eap)) },
      {
        key: 'map',
        label: 'MAP',
        description: 'MAP profile: the latent class of largest posterior probability',
        value: (row) => profile(row.map),
        cellClass: () => 'col-group-start',
        headerClass: 'col-group-start',
        render: (row, cell) => renderProfile(profile(row.map), row.map_ties, cell, 'posterior probability'),
      },
      numberColumn('map_posterior', 'MAP posterior', 'Posterior probability of the MAP profile'),
      {
        key: 'mle',
        label: 'MLE',
        description: 'MLE profile: the latent class of largest likelihood (the posterior with equal class proportions)',
        value: (row) => profile(row.mle),
        render: (row, cell) => renderProfile(profile(row.mle), row.mle_ties, cell, 'likelihood'),
      },
      ...attributes.map((name, k) => ({
        ...numberColumn(`mastery_${k}`, `P(${name})`, `Posterior probability that the examinee masters ${name}`, { value: (row) => row.mastery?.[k] ?? null }),
        ...(k === 0 ? { cellClass: () => 'col-group-start', headerClass: 'col-group-start' } : {}),
      })),
    ].filter(Boolean),
    rows: persons,
    searchLabel: 'Search examinees',
    searchPlaceholder: 'Row, id or profile',
    searchText: (row) => `${row.row} ${row.id ?? ''} ${profile(row.eap)} ${profile(row.map)} ${profile(row.mle)}`,
    noun: ['examinee', 'examinees'],
    extraControls: anyTie ? [h('label', { class: 'choice', for: 'sp-ties-only' }, tiesOnly, ' Examinees with a tied MAP or MLE profile only')] : [],
    maxRows: PERSON_ROWS,
  });
  tiesOnly.addEventListener('change', () => table.setFilter(tiesOnly.checked ? (row) => row.map_ties || row.mle_ties : null));
  return h(
    'section',
    { class: 'panel', id: 'sp-persons', 'aria-labelledby': 'sp-persons-title' },
    h('h3', { id: 'sp-persons-title', class: 'panel__title' }, 'Examinees'),
    h(
      'p',
      { class: 'help' },
      `Profiles list the attributes in the Q-matrix\u2019s column order (${attributes.join(', ')}). EAP: each attribute mastered when its probability is at least 0.5; MAP: the most probable profile given the class proportions; MLE: the most likely profile. A \u201Ctie\u201D badge marks an examinee for whom other profiles are exactly as likely (common with DINA and DINO); the first in GDINA\u2019s order is shown. `,
      persons.length > PERSON_ROWS ? `The table shows the first ${fmtInt(PERSON_ROWS)} rows of the current order; the CSV download has every examinee.` : '',
    ),
    table.element,
  );
}

// ----------------------------------------------------------------- charts

/** Draws the group chart and the chosen examinee's chart once the results are laid out, and wires the examinee control. */
function drawCharts(results, result) {
  if (!chartsAvailable()) return;
  const prevalence = result.attribute_prevalence ?? [];
  const group = results.querySelector('#sp-chart-group');
  if (group && prevalence.length) {
    renderBars(group, {
      categories: prevalence.map((p) => p.attribute),
      series: [
        { name: 'Prevalence (class proportions)', values: prevalence.map((p) => p.prevalence) },
        { name: 'Mean mastery', values: prevalence.map((p) => p.mean_mastery) },
        { name: 'EAP share', values: prevalence.map((p) => p.eap_share) },
      ],
      xName: 'Attribute',
      yName: 'Proportion',
      yMin: 0,
      yMax: 1,
    });
  }
  const input = results.querySelector('#sp-person');
  const showButton = results.querySelector('#sp-person-show');
  if (!input || !showButton) return;
  const persons = result.persons ?? [];
  const error = results.querySelector('#sp-person-error');
  /** Draws the mastery chart of the examinee named in the input (row number or id), or says there is none. */
  const drawPerson = () => {
    const wanted = input.value.trim();
    const person = persons.find((p) => p.id !== null && p.id !== undefined && String(p.id) === wanted) ?? persons.find((p) => String(p.row) === wanted);
    if (!person) {
      error.hidden = false;
      error.textContent = wanted === '' ? 'Enter a row number or an id.' : `No examinee has the row number or id \u201C${wanted}\u201D (rows 1 to ${fmtInt(persons.length)}).`;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    error.hidden = true;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const chart = results.querySelector('#sp-chart-person');
    renderBars(chart, {
      categories: result.attributes ?? [],
      series: [{ name: 'P(mastered)', values: person.mastery ?? [] }],
      xName: 'Attribute',
      yName: 'Probability of mastery',
      yMin: 0,
      yMax: 1,
      guide: { value: 0.5, label: '0.5' },
    });
    chart.setAttribute('aria-label', personDescription(person));
    chart.dataset.row = String(person.row);
    const caption = chart.closest('figure')?.querySelector('.chart-figure__title');
    if (caption) caption.textContent = `Mastery probabilities: ${personName(person)}`;
  };
  showButton.addEventListener('click', drawPerson);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') drawPerson();
  });
  if (persons.length) drawPerson();
}

// -------------------------------------------------------------- downloads

/**
 * The examinees' profiles as the CLI writes them: row, id (empty when the
 * file has none), mastery_<attribute> for each attribute, eap, map,
 * map_posterior, map_ties, mle, mle_ties.
 */
export function profilesCsv(result) {
  const attributes = result.attributes ?? [];
  const header = ['row', 'id', ...attributes.map((a) => `mastery_${a}`), 'eap', 'map', 'map_posterior', 'map_ties', 'mle', 'mle_ties'];
  const rows = (result.persons ?? []).map((p) => [
    p.row,
    p.id ?? null,
    ...attributes.map((_, k) => p.mastery?.[k] ?? null),
    profile(p.eap),
    profile(p.map),
    p.map_posterior,
    Boolean(p.map_ties),
    profile(p.mle),
    Boolean(p.mle_ties),
  ]);
  return cliCsv(header, rows);
}

