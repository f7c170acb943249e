// Template Library: every file format the tools read (response matrix, DIF
// group column, raw choices and answer key, IRT item parameters, item-model
// file, anchors, Q-matrix, CDM item parameters and class proportions), each
// with a table of its columns (prescribed names in code), notes and a
// downloadable example from www/samples/.
//
// Static content only: nothing here calls the engine. The formats are those
// of the engine's readers (src/data/*.rs) and docs/json/*.md; keep them in
// step. Table rows of prescribed columns carry data-column and data-required
// ("true" only for columns every file must have), and each download link
// data-columns-table (the table its file follows), for the tests.

import { h } from '../format.js';
import { staticTable } from '../table.js';

export const id = 'templates';
export const title = 'Template Library';

const code = (text) => h('code', {}, text);
const codes = (...names) => names.flatMap((name, i) => (i ? [', ', code(name)] : [code(name)]));
const MODELS = ['rasch', '1pl', '2pl', '3pl', '4pl', 'grm', 'gpcm', 'pcm', 'rsm'];

// Rows of a column table: { name (a prescribed column name, or null), label
// (what to show instead of a name: nodes), required ('required', 'optional' or
// a sentence), strict (true: every file must have the column), holds, values }.
const ID_ROW = {
  name: 'id',
  required: 'optional',
  holds: 'The examinee\u2019s identifier; kept with the results, not analysed.',
  values: ['Any text. Recognised only when named exactly ', code('id'), ' (lower case).'],
};
const GROUP_ROW = {
  name: 'group',
  required: 'optional',
  holds: 'The examinee\u2019s group, for DIF and multiple-group IRT calibration; not an item.',
  values: ['Any text. Recognised only when named exactly ', code('group'), ' (lower case).'],
};

const FORMATS = [
  {
    id: 'responses',
    title: 'Response matrix (scored)',
    readBy: [
      'Read by Item Analysis, IRT Calibration, Test Scoring, CDM Calibration and Skill Profiler as their response file: the ',
      code('FILE'),
      ' argument of ',
      codes('pacer items', 'pacer irt', 'pacer score', 'pacer cdm', 'pacer profile'),
      ', and the first argument (the file\u2019s bytes) of ',
      codes('analyzeItems', 'calibrateIrt', 'scoreIrt', 'calibrateCdm', 'profileSkills'),
      ' in JavaScript.',
    ],
    tables: [
      {
        id: 'tpl-table-responses',
        caption: 'Columns of a scored response file',
        rows: [
          ID_ROW,
          GROUP_ROW,
          {
            label: 'one column per item (any name)',
            required: 'required (at least one)',
            holds: 'The item\u2019s score for each examinee; the header cell is the item\u2019s name.',
            values: [
              'Whole numbers 0 to 254 (CDM Calibration and Skill Profiler: 0 or 1). An empty cell or ',
              code('NA'),
              ' (any case) is a missing response.',
            ],
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX. The first row is the header of column names; then one row per examinee, one cell per column.',
      'Item names must be unique and not empty. Every column other than id and group is an item, so remove other columns (or, for DIF, exclude them by name).',
      'An item nobody answered is an error; an item with the same score for everyone gets a warning.',
      [
        'Test Scoring: an item\u2019s categories are scored 0, 1, \u2026 unless the parameter file\u2019s ',
        code('scores'),
        ' column says otherwise.',
      ],
      'Option letters (A, B, \u2026) need an answer key: see Raw choices and the answer key below.',
    ],
    downloads: [
      {
        id: 'tpl-download-responses',
        file: 'templates/responses-scored.csv',
        table: 'tpl-table-responses',
        about: '12 examinees with id and group, four 0/1 items and two items scored 0\u20133, with empty and NA cells (it goes with item-parameters-mixed.csv below).',
      },
      {
        id: 'tpl-download-lsat7',
        file: 'LSAT7.csv',
        table: 'tpl-table-responses',
        about: '1,000 examinees \u00D7 5 items scored 0/1 (Law School Admission Test, section 7).',
      },
      {
        id: 'tpl-download-science',
        file: 'Science.csv',
        table: 'tpl-table-responses',
        about: '392 respondents \u00D7 4 Likert items scored 1\u20134.',
      },
    ],
  },
  {
    id: 'dif',
    title: 'Group column for DIF',
    readBy: [
      'Read by Item Analysis\u2019s DIF analysis (',
      code('pacer dif FILE --reference R [--group-column group]'),
      '; ',
      code('analyzeDif(bytes, { reference, groupColumn })'),
      ') and, as the column ',
      code('group'),
      ', by IRT Calibration\u2019s multiple-group calibration (',
      code('pacer irt --multigroup'),
      '; the option ',
      code('multigroup'),
      ').',
    ],
    tables: [
      {
        id: 'tpl-table-dif',
        caption: 'Columns of a response file for DIF',
        rows: [
          {
            name: 'group',
            strict: true,
            required: 'required',
            holds: [
              'Each examinee\u2019s group. Another name can be given with ',
              code('--group-column'),
              ' / ',
              code('groupColumn'),
              ' (DIF only).',
            ],
            values: 'Any text; at least two values. An examinee with an empty group cell is left out (with a warning).',
          },
          {
            label: 'one column per item (any name)',
            required: 'required',
            holds: 'The item\u2019s scores, as in the scored response matrix.',
            values: ['Whole numbers; empty or ', code('NA'), ' is missing.'],
          },
          ID_ROW,
          {
            label: 'other columns (any name)',
            required: 'optional',
            holds: ['Covariates and the like, named with ', code('--exclude COL,\u2026'), ' / ', code('exclude'), ' so that they are not taken as items.'],
            values: 'Anything; ignored.',
          },
        ],
      },
    ],
    notes: [
      [
        'The reference group is named by its value (',
        code('--reference'),
        ' / ',
        code('reference'),
        '); every other value is a focal group, compared with the reference group in turn, in order of first appearance.',
      ],
      ['The same file may hold raw option letters instead of scores, with an answer key (', code('--key'), '), as in the next section.'],
      'CSV or XLSX, header row first, as for the response matrix.',
    ],
    downloads: [
      {
        id: 'tpl-download-dif',
        file: 'templates/responses-scored.csv',
        table: 'tpl-table-dif',
        about: 'The scored example above: its group column holds women and men.',
      },
    ],
  },
  {
    id: 'choices',
    title: 'Raw choices and the answer key',
    readBy: [
      'Read by Item Analysis (its item statistics, distractor analysis and DIF): ',
      code('pacer items FILE --key KEY [--omits wrong|missing]'),
      ' (also ',
      code('pacer dif \u2026 --key KEY'),
      '), and ',
      code('analyzeItemsWithKey(bytes, keyBytes, options)'),
      ' or ',
      code('analyzeDif(bytes, options, keyBytes)'),
      ' in JavaScript.',
    ],
    tables: [
      {
        id: 'tpl-table-choices',
        heading: 'The response file of raw choices',
        caption: 'Columns of a raw-choice response file',
        rows: [
          ID_ROW,
          GROUP_ROW,
          {
            label: 'one column per item (any name)',
            required: 'required (at least one)',
            holds: 'Multiple-choice items: the option each examinee chose. Items keyed scored: the score.',
            values: ['One letter A\u2013Z (any case), or a whole number for an item keyed ', code('scored'), '. An empty cell or ', code('NA'), ' is an omit.'],
          },
        ],
      },
      {
        id: 'tpl-table-key',
        heading: 'The answer key',
        caption: 'Columns of an answer-key file',
        rows: [
          {
            name: 'item',
            strict: true,
            required: 'required',
            holds: 'The item\u2019s name, as in the response file\u2019s header.',
            values: 'Every item of the response file, once.',
          },
          {
            name: 'key',
            strict: true,
            required: 'required',
            holds: 'The correct option, or that the item\u2019s cells are already scores.',
            values: ['One letter A\u2013Z (any case), or ', code('scored'), ' (any case) for a polytomous or constructed-response item, passed through unchanged.'],
          },
        ],
      },
    ],
    notes: [
      'Both files: CSV or XLSX with a header row. The key\u2019s column names may be in any case and order; other columns are ignored; empty rows are skipped.',
      'An item without a key, a key for an item the response file lacks, and a letter in an item keyed scored (or a number in a multiple-choice item) are errors.',
      'The options are A up to the highest letter anywhere in the response file; a key beyond them is an error.',
      [
        'An omit scores 0 by default (',
        code('--omits wrong'),
        ' / ',
        code('omits: "wrong"'),
        '), or is left out as missing (',
        code('missing'),
        ').',
      ],
    ],
    downloads: [
      {
        id: 'tpl-download-choices',
        file: 'mc-choices.csv',
        table: 'tpl-table-choices',
        about: '400 examinees with id and group, 20 multiple-choice items Q01\u2013Q20 (options A\u2013D, empty = omit).',
      },
      {
        id: 'tpl-download-key',
        file: 'mc-key.csv',
        table: 'tpl-table-key',
        about: 'Its answer key.',
      },
      {
        id: 'tpl-download-choices-mixed',
        file: 'templates/choices-mixed.csv',
        table: 'tpl-table-choices',
        about: '10 examinees, four multiple-choice items and an essay item E1 scored 0\u20133, with an omit, an NA and a lower-case letter.',
      },
      {
        id: 'tpl-download-key-mixed',
        file: 'templates/key-mixed.csv',
        table: 'tpl-table-key',
        about: 'Its answer key: E1 keyed scored.',
      },
    ],
  },
  {
    id: 'params',
    title: 'IRT item parameters',
    readBy: [
      'Read by Test Scoring (',
      code('pacer score FILE --params PARAMS'),
      '; ',
      code('scoreIrt(responses, parameters, options)'),
      ') and by Equating for both forms (',
      code('pacer equate --base BASE --new NEW'),
      ' and ',
      code('pacer link'),
      '; the arguments ',
      code('base'),
      ' and ',
      code('newForm'),
      ' of ',
      code('equateForms'),
      ' and ',
      code('linkForms'),
      ').',
    ],
    tables: [
      {
        id: 'tpl-table-params',
        caption: 'Columns of an item-parameter file',
        rows: [
          {
            name: 'item',
            strict: true,
            required: 'required',
            holds: 'The item\u2019s name: as in the response file\u2019s header (Test Scoring), as in the anchor file (Equating).',
            values: 'Text; each item once.',
          },
          {
            name: 'model',
            strict: true,
            required: 'required',
            holds: 'The item\u2019s model; one file may mix models.',
            values: [...codes(...MODELS), ' (any case).'],
          },
          {
            name: 'a',
            required: ['required, except for ', codes('rasch', '1pl', 'pcm', 'rsm'), ' (default 1)'],
            holds: 'The slope, in the IRT metric.',
            values: 'A number above 0.',
          },
          {
            name: 'b',
            required: ['0/1 items: ', code('b'), ' or ', code('d')],
            holds: ['The difficulty: logit D\u00B7a\u00B7(\u03B8 \u2212 b).'],
            values: 'A number.',
          },
          {
            name: 'b1',
            label: [code('b1'), ' \u2026 ', code('bk')],
            required: ['polytomous items with k + 1 categories: these or ', code('d1'), ' \u2026 ', code('dk')],
            holds: 'Graded boundaries (grm) or partial-credit step parameters (gpcm, pcm, rsm).',
            values: 'Numbers; graded boundaries increasing.',
          },
          {
            name: 'd',
            label: [code('d'), ', ', code('d1'), ' \u2026 ', code('dk')],
            required: ['instead of ', code('b'), ' / ', code('b1'), ' \u2026'],
            holds: 'Intercepts on the logit scale: logit D\u00B7a\u00B7\u03B8 + d. With D = 1, mirt\u2019s a1 and d of coef(mod).',
            values: 'Numbers; an item has b or d values, not both.',
          },
          {
            name: 'c',
            required: 'optional (3PL, 4PL)',
            holds: 'The lower asymptote (guessing).',
            values: '0 \u2264 c < u; default 0. Only 3pl and 4pl items take it.',
          },
          {
            name: 'u',
            required: 'optional (4PL)',
            holds: 'The upper asymptote.',
            values: 'c < u \u2264 1; default 1.',
          },
          {
            name: 'scores',
            required: 'optional',
            holds: 'The observed score of each category, lowest first.',
            values: ['Increasing whole numbers separated by ', code(';'), ', e.g. ', code('1;2;3;4'), '; default 0, 1, \u2026, k.'],
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX (the Test Scoring page takes CSV). A header row, then one row per item; column names in any order and any case; other columns are ignored. An empty cell is a parameter not given (its default applies).',
      [
        'D is not in the file: choose it when scoring or equating (',
        code('--D'),
        ' / ',
        code('D'),
        ', default 1.702; D = 1 for mirt\u2019s parameters in the logistic metric).',
      ],
      'Test Scoring: every item of the response file needs a row, and every row must name an item of the response file.',
      'Errors name the item, the row and the column: a slope not above 0, asymptotes outside 0 \u2264 c < u \u2264 1, graded boundaries out of order, several b for a 0/1 item, both b and d for one item.',
    ],
    downloads: [
      {
        id: 'tpl-download-params',
        file: 'templates/item-parameters-mixed.csv',
        table: 'tpl-table-params',
        about: 'Mixed models (2PL, 3PL, Rasch, graded, generalized partial credit) for the items of responses-scored.csv.',
      },
      {
        id: 'tpl-download-params-lsat7',
        file: 'LSAT7-2PL-parameters.csv',
        table: 'tpl-table-params',
        about: 'mirt\u2019s 2PL estimates for LSAT7.csv (D = 1).',
      },
      {
        id: 'tpl-download-params-base',
        file: 'KB04-base-form-Y-parameters.csv',
        table: 'tpl-table-params',
        about: 'Kolen & Brennan\u2019s base form Y, 36 3PL items (D = 1.7).',
      },
      {
        id: 'tpl-download-params-new',
        file: 'KB04-new-form-X-parameters.csv',
        table: 'tpl-table-params',
        about: 'Their new form X.',
      },
    ],
  },
  {
    id: 'item-models',
    title: 'Item-model file',
    readBy: [
      'Read by IRT Calibration to give some items their own model in one calibration (',
      code('pacer irt FILE --item-models FILE'),
      '; in JavaScript its content goes into the option ',
      code('itemModels'),
      ', e.g. ',
      code('{ "Q5": "gpcm" }'),
      ').',
    ],
    tables: [
      {
        id: 'tpl-table-item-models',
        caption: 'Columns of an item-model file',
        rows: [
          {
            name: 'item',
            strict: true,
            required: 'required',
            holds: 'The item\u2019s name, as in the response file\u2019s header.',
            values: 'Text; each item once.',
          },
          {
            name: 'model',
            strict: true,
            required: 'required',
            holds: 'The model the item gets.',
            values: [...codes(...MODELS), ' (any case).'],
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX for the command line; the IRT Calibration page takes CSV. A header row; column names in any order and any case; other columns ignored; empty rows skipped.',
      'Items the file does not name keep the calibration\u2019s model.',
    ],
    downloads: [
      {
        id: 'tpl-download-item-models',
        file: 'templates/item-models.csv',
        table: 'tpl-table-item-models',
        about: 'Q2 as 3PL, Q5 and Q6 as generalized partial credit items (the items of responses-scored.csv).',
      },
    ],
  },
  {
    id: 'anchors',
    title: 'Anchors (common items)',
    readBy: [
      'Read by Equating: ',
      code('pacer equate --anchors ANCHORS'),
      ' (and ',
      code('pacer link --anchors ANCHORS'),
      '); the argument ',
      code('anchors'),
      ' of ',
      code('equateForms'),
      ' and ',
      code('linkForms'),
      '.',
    ],
    tables: [
      {
        id: 'tpl-table-anchors',
        caption: 'Columns of an anchor file',
        rows: [
          {
            name: 'new_item',
            strict: true,
            required: 'required',
            holds: 'The common item\u2019s name in the new form\u2019s parameter file.',
            values: 'Text; each item once.',
          },
          {
            name: 'base_item',
            strict: true,
            required: 'required',
            holds: 'Its name in the base form\u2019s parameter file.',
            values: 'Text; each item once.',
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX. A header row, then one row per common item; column names in any order and any case; other columns ignored; empty rows skipped.',
      'A name missing from its parameter file is an error, and so is a common item whose two versions have different numbers of categories.',
      ['To leave a common item out of the link, keep it in the file and exclude it (', code('--exclude'), ' / ', code('exclude'), ', by its new-form name).'],
    ],
    downloads: [
      {
        id: 'tpl-download-anchors',
        file: 'KB04-anchors.csv',
        table: 'tpl-table-anchors',
        about: 'The 12 common items of Kolen & Brennan\u2019s forms X and Y.',
      },
    ],
  },
  {
    id: 'qmatrix',
    title: 'Q-matrix',
    readBy: [
      'Read by CDM Calibration (',
      code('pacer cdm FILE --q QFILE'),
      '; ',
      code('calibrateCdm(responses, qMatrix, options)'),
      ') and Skill Profiler (',
      code('pacer profile FILE --q QFILE'),
      '; ',
      code('profileSkills(responses, qMatrix, params, options)'),
      ').',
    ],
    tables: [
      {
        id: 'tpl-table-qmatrix',
        caption: 'Columns of a Q-matrix',
        rows: [
          {
            label: ['the first column (any name, e.g. ', code('item'), ')'],
            required: 'required',
            holds: 'The item\u2019s name, as in the response file\u2019s header.',
            values: 'Text; every item of the response file, once.',
          },
          {
            label: 'one column per attribute (any name)',
            required: 'required (at least one)',
            holds: 'Whether the item requires the attribute.',
            values: '1 (requires it) or 0 (does not); no empty cells.',
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX. Columns are found by position, not by name: the first holds the items, every other column is an attribute, so the file has no other columns.',
      'Attribute names must be unique and not empty. Every item requires at least one attribute, and every attribute is required by at least one item. At most 12 attributes.',
      'The order of the attribute columns is the order of the digits in the CDM files\u2019 patterns; the Skill Profiler needs the Q-matrix the parameters were calibrated with.',
    ],
    downloads: [
      {
        id: 'tpl-download-qmatrix',
        file: 'fraction-subtraction-Q.csv',
        table: 'tpl-table-qmatrix',
        about: 'Tatsuoka\u2019s fraction subtraction test: 20 items \u00D7 8 attributes A1\u2013A8.',
      },
    ],
  },
  {
    id: 'cdm-params',
    title: 'CDM item parameters',
    readBy: [
      'Read by Skill Profiler (',
      code('pacer profile FILE --q QFILE --params PARAMS'),
      '; the argument ',
      code('params'),
      ' of ',
      code('profileSkills'),
      '); CDM Calibration writes it (Parameters (CSV); ',
      code('pacer cdm --format csv'),
      ').',
    ],
    tables: [
      {
        id: 'tpl-table-cdm-params',
        caption: 'Columns of a CDM item-parameter file',
        rows: [
          {
            name: 'item',
            strict: true,
            required: 'required',
            holds: 'The item\u2019s name, as in the response file\u2019s header.',
            values: 'Text; one row per item and pattern.',
          },
          {
            name: 'required',
            required: 'optional',
            holds: ['The item\u2019s attributes joined by ', code(';'), ' (written by pacer; ignored when read).'],
            values: 'Anything.',
          },
          {
            name: 'pattern',
            strict: true,
            required: 'required',
            holds: ['A pattern of the item\u2019s required attributes, in the Q-matrix\u2019s column order. The column may also be called ', code('latent_group'), '.'],
            values: ['0/1 digits, one per required attribute: ', code('10'), ' = the first mastered, the second not. GDINA\u2019s ', code('P(10)'), ' is accepted.'],
          },
          {
            name: 'prob',
            strict: true,
            required: 'required',
            holds: 'The success probability of examinees with that pattern.',
            values: 'A number strictly between 0 and 1.',
          },
          {
            name: 'se',
            required: 'optional',
            holds: 'Its standard error (written by pacer; ignored when read).',
            values: 'Anything.',
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX for the command line; the Skill Profiler page takes CSV. A header row; column names in any order and any case; other columns ignored; empty rows skipped.',
      'Every item of the response file needs a row for each of its 2^K\u2C7C patterns (K\u2C7C its required attributes), for any model (G-DINA, DINA, DINO, \u2026); a pattern listed twice is an error.',
      'A spreadsheet may drop the leading zeros of a pattern such as 010: format the column as text.',
    ],
    downloads: [
      {
        id: 'tpl-download-cdm-params',
        file: 'fraction-subtraction-dina-parameters.csv',
        table: 'tpl-table-cdm-params',
        about: 'GDINA\u2019s DINA estimates for the fraction subtraction data: 190 rows for 20 items.',
      },
    ],
  },
  {
    id: 'cdm-classes',
    title: 'CDM class proportions',
    readBy: [
      'Read by Skill Profiler, optionally (',
      code('pacer profile \u2026 --classes CLASSES'),
      '; the option ',
      code('classes'),
      ' of ',
      code('profileSkills'),
      '); CDM Calibration writes it (Class proportions (CSV); ',
      code('pacer cdm --classes-csv PATH'),
      ').',
    ],
    tables: [
      {
        id: 'tpl-table-cdm-classes',
        caption: 'Columns of a class-proportion file',
        rows: [
          {
            name: 'pattern',
            strict: true,
            required: 'required',
            holds: 'The latent class: mastery of every attribute, attribute 1 first.',
            values: ['0/1 digits, one per attribute of the Q-matrix, e.g. ', code('0110'), '. GDINA\u2019s ', code('p0110'), ' is accepted.'],
          },
          {
            name: 'proportion',
            strict: true,
            required: 'required',
            holds: ['The class\u2019s proportion of the population. The column may also be called ', code('prob'), '.'],
            values: 'Numbers \u2265 0 summing to 1 (within 0.001; rescaled to sum to 1 exactly).',
          },
        ],
      },
    ],
    notes: [
      'CSV or XLSX for the command line; the Skill Profiler page takes CSV. A header row; column names in any order and any case; other columns ignored.',
      'One row per latent class: all 2^K of them. Without this file every class is taken as equally likely (a warning), so MAP equals MLE.',
    ],
    downloads: [
      {
        id: 'tpl-download-cdm-classes',
        file: 'fraction-subtraction-dina-classes.csv',
        table: 'tpl-table-cdm-classes',
        about: 'GDINA\u2019s DINA estimates of the 256 class proportions (8 attributes).',
      },
    ],
  },
];

const GENERAL_NOTES = [
  'CSV: UTF-8 text (a byte-order mark is fine), separated by commas, semicolons or tabs (detected from the header line), fields optionally in double quotes, Windows or Unix line ends. UTF-16 text is refused.',
  'XLSX: the first worksheet is read (a warning says so when there are more). Legacy .xls workbooks are not read: save them as .xlsx or CSV.',
  [
    'The first row is the header. Names in ',
    code('code'),
    ' are prescribed: write them as shown (in any case where the notes say so). Other names are yours to choose.',
  ],
];

function columnTable(table) {
  const body = table.rows.map((row) =>
    h(
      'tr',
      { 'data-column': row.name ?? null, 'data-required': row.name ? String(Boolean(row.strict)) : null },
      h('th', { scope: 'row' }, row.label ?? code(row.name)),
      h('td', {}, row.required),
      h('td', {}, row.holds),
      h('td', {}, row.values),
    ),
  );
  return staticTable({
    id: table.id,
    caption: table.caption,
    className: 'format-table',
    head: ['Column', 'Required', 'Holds', 'Accepted values'].map((label) => h('th', { scope: 'col' }, label)),
    body,
  });
}

function download(item) {
  const name = item.file.split('/').pop();
  return h(
    'li',
    {},
    h(
      'a',
      {
        id: item.id,
        class: 'button button--small',
        href: new URL(`../samples/${item.file}`, import.meta.url).href,
        download: name,
        'data-columns-table': item.table,
      },
      `Download ${name}`,
    ),
    ' ',
    h('span', { class: 'help' }, item.about),
  );
}

function formatSection(format) {
  const titleId = `tpl-${format.id}-title`;
  return h(
    'section',
    { class: 'panel template-format', id: `tpl-${format.id}`, 'aria-labelledby': titleId, 'data-format': format.id },
    h('h2', { id: titleId, class: 'panel__title' }, format.title),
    h('p', {}, format.readBy),
    format.tables.map((table) => [table.heading ? h('h3', { class: 'panel__subtitle' }, table.heading) : null, columnTable(table)]),
    h('h3', { class: 'panel__subtitle' }, 'Notes'),
    h('ul', { class: 'help template-notes' }, format.notes.map((note) => h('li', {}, note))),
    h('h3', { class: 'panel__subtitle' }, format.downloads.length > 1 ? 'Examples' : 'Example'),
    h('ul', { class: 'template-downloads' }, format.downloads.map(download)),
  );
}

export function mount(container) {
  container.append(
    h(
      'section',
      { class: 'tool', id: 'tool-templates', 'aria-labelledby': 'tpl-title' },
      h(
        'div',
        { class: 'tool__intro' },
        h('h1', { id: 'tpl-title' }, 'Template Library'),
        h(
          'p',
          { class: 'lead' },
          'Every file the tools read, with its columns and an example to download. Start from an example, replace its rows with your own, and keep the prescribed column names.',
        ),
      ),
      h(
        'section',
        { class: 'panel', id: 'tpl-general', 'aria-labelledby': 'tpl-general-title' },
        h('h2', { id: 'tpl-general-title', class: 'panel__title' }, 'All files'),
        h('ul', { class: 'help template-notes' }, GENERAL_NOTES.map((note) => h('li', {}, note))),
      ),
      FORMATS.map(formatSection),
    ),
  );
}
