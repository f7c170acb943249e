// The "Data" panel shared by the tool pages: a drop zone with a hidden file
// input and its "Choose a file…" label, the current-file line, an error
// message (role=alert), the page's help text and its sample-data buttons.
//
// The panel reads a chosen or dropped File, or fetches a bundled sample, into
// a Uint8Array and keeps the latest one (`current`); the page is told when a
// load starts, ends or fails, and decides what to do (run at once, or wait
// for its Run button). Element ids are the page's prefix + a fixed name
// (drop-zone, file-input, current-file, file-error, file-help), so two pages
// can live in one document.

import { h } from './format.js';
import { staticTable } from './table.js';

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Builds the panel. Options:
 * - `idPrefix`: prefix of every element id ('' or e.g. 'irt-').
 * - `help`: children of the help paragraph (strings and nodes); see
 *   responseFileHelp.
 * - `samples`: [{ id, noteId, label, note, file, url, quiet }]; `id` and
 *   `noteId` get the prefix too; `file` is the name the page sees, and by
 *   default the file's name in www/samples/ (`url` overrides); `quiet` makes
 *   a secondary button.
 * - `onLoadStart(name, { sample })`: a load began (the panel's error is
 *   already cleared). A later load supersedes it: only the latest one ends.
 * - `onLoad({ name, bytes }, { sample })`: the bytes are in `current`.
 * - `onLoadError(name, error, { sample })`: the load failed; the panel shows
 *   the message itself.
 * - `queueWhileBusy`: while the page is busy (see setBusy), keep what runs:
 *   a chosen file is read quietly for the next run (no callbacks), and a
 *   dropped one is refused with `busyDropMessage`. By default a file chosen
 *   or dropped while busy loads as usual (the page supersedes its run).
 *   Sample buttons are ignored while busy either way.
 *
 * Returns { element, current, busy, showError, clearError, setCurrentFile,
 * setBusy, load, loadSample }. Add the page's own options to `element`.
 */
export function createDataInput({
  idPrefix = '',
  help = [],
  samples = [],
  onLoadStart = () => {},
  onLoad = () => {},
  onLoadError = () => {},
  queueWhileBusy = false,
  busyDropMessage = '',
}) {
  const id = (name) => `${idPrefix}${name}`;
  const fileInput = h('input', {
    type: 'file',
    id: id('file-input'),
    class: 'visually-hidden file-input',
    accept: ACCEPT,
    'aria-describedby': `${id('file-help')} ${id('file-error')}`,
  });
  const currentFile = h('p', { class: 'dropzone__file', id: id('current-file'), hidden: true });
  const dropZone = h(
    'div',
    { class: 'dropzone', id: id('drop-zone') },
    fileInput,
    h('label', { for: id('file-input'), class: 'button button--primary' }, 'Choose a file\u2026'),
    h('span', { class: 'dropzone__or' }, 'or drop a CSV or Excel (.xlsx) file here'),
    currentFile,
  );
  const fileError = h('p', { id: id('file-error'), class: 'error-message', role: 'alert', hidden: true });
  const sampleButtons = samples.map((sample) =>
    h(
      'button',
      { type: 'button', id: id(sample.id), class: sample.quiet ? 'button button--quiet' : 'button', 'aria-describedby': id(sample.noteId) },
      sample.label,
    ),
  );
  const element = h(
    'div',
    { class: 'panel input-panel' },
    h('h2', { class: 'panel__title' }, 'Data'),
    dropZone,
    fileError,
    h('p', { id: id('file-help'), class: 'help' }, help),
    samples.length
      ? h(
          'div',
          { class: 'samples' },
          h('span', { class: 'samples__label' }, 'No data at hand?'),
          samples.map((sample, i) =>
            h('span', { class: 'sample' }, sampleButtons[i], h('span', { class: 'samples__note', id: id(sample.noteId) }, sample.note)),
          ),
        )
      : null,
  );

  let current = null; // { name, bytes: Uint8Array }
  let busy = false;
  let loading = false; // a load of ours (not the page's run) makes the page busy
  // Every load takes a new number; one that ends after a newer one began is dropped.
  let loadCounter = 0;

  function showError(message) {
    fileError.hidden = false;
    fileError.textContent = message;
  }
  function clearError() {
    fileError.hidden = true;
    fileError.textContent = '';
  }
  function setCurrentFile(name, size, suffix = '') {
    currentFile.hidden = false;
    currentFile.replaceChildren('Loaded: ', h('strong', {}, name), ` (${formatSize(size)})${suffix}`);
  }
  // aria-disabled rather than disabled: a disabled button would lose the
  // keyboard focus. The click handlers ignore clicks while busy.
  function setBusy(isBusy) {
    busy = isBusy;
    for (const button of sampleButtons) button.setAttribute('aria-disabled', busy ? 'true' : 'false');
  }
  const readError = (name, error) => `${name} could not be read: ${error?.message ?? error}. Please choose the file again.`;

  /** Loads `bytesPromise` (a Uint8Array to come) under `name`. */
  async function load(name, bytesPromise, { sample = null } = {}) {
    const token = ++loadCounter;
    loading = true;
    clearError();
    onLoadStart(name, { sample });
    let bytes;
    try {
      bytes = await bytesPromise;
    } catch (error) {
      if (token !== loadCounter) return;
      loading = false;
      onLoadError(name, error, { sample });
      showError(readError(name, error));
      return;
    }
    if (token !== loadCounter) return; // another file was chosen meanwhile
    loading = false;
    current = { name, bytes };
    setCurrentFile(name, bytes.length);
    onLoad(current, { sample });
  }

  function loadFile(file) {
    if (file) load(file.name, readFile(file));
  }

  // While the page runs (not while it waits for one of our loads, which a new
  // file simply supersedes), the queueWhileBusy policy applies.
  const keepRunning = () => busy && queueWhileBusy && !loading;

  /** Reads a file chosen while busy for the next run, without disturbing the page. */
  function queueFile(file) {
    const token = ++loadCounter;
    current = null;
    readFile(file).then(
      (bytes) => {
        if (token !== loadCounter) return;
        current = { name: file.name, bytes };
        setCurrentFile(file.name, bytes.length, '; used by the next run');
      },
      (error) => {
        if (token === loadCounter) showError(readError(file.name, error));
      },
    );
  }

  function loadSample(sample) {
    return load(sample.file, fetchBytes(sample.url ?? new URL(`./samples/${sample.file}`, import.meta.url)), { sample });
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    // Reset so that choosing the same file again (after fixing it) fires `change`.
    fileInput.value = '';
    if (!file) return;
    if (keepRunning()) queueFile(file);
    else loadFile(file);
  });
  samples.forEach((sample, i) => {
    sampleButtons[i].addEventListener('click', () => {
      if (!busy) loadSample(sample);
    });
  });

  // Drag and drop onto the drop zone.
  acceptDrops(dropZone, (files) => {
    if (files.length > 1) {
      showError('Please drop a single file.');
      return;
    }
    if (keepRunning()) {
      showError(busyDropMessage);
      return;
    }
    loadFile(files[0]);
  });

  return {
    element,
    /** The latest loaded data, { name, bytes }, or null. */
    get current() {
      return current;
    },
    get busy() {
      return busy;
    },
    showError,
    clearError,
    setCurrentFile,
    setBusy,
    load,
    loadSample,
  };
}

/**
 * The help text for a response file (one row per person, one column per
 * item): `scores` says what the scores may be; id and group columns are
 * recognised and not `notUsed` ('analysed').
 */
export function responseFileHelp(scores, notUsed) {
  return [
    'One row per person and one column per item, with a header row of item names. ',
    scores,
    ' Columns named ',
    h('code', {}, 'id'),
    ' or ',
    h('code', {}, 'group'),
    ` are recognised and not ${notUsed}.`,
  ];
}

/**
 * The largest file the site reads: 1 GiB. WebAssembly in a tab addresses at most 4 GiB, and a
 * file is held twice (as read, and in the engine) next to the parsed responses; beyond this a
 * tab would run out of memory part-way instead of saying so. (1,000,000 x 100 responses are
 * 200 MB of CSV.)
 */
export const MAX_FILE_BYTES = 1024 ** 3;

/** Why a file of `size` bytes is refused, or null when it is not too large. */
export function fileTooLarge(size) {
  if (size <= MAX_FILE_BYTES) return null;
  return `it is ${formatSize(size)}, and the site reads files of up to ${formatSize(MAX_FILE_BYTES)} (a browser tab has too little memory for more). Split the examinees into several files, or analyse it with the pacer command-line tool`;
}

/** Reads a chosen or dropped File, refusing one too large to analyse in a tab. */
export async function readFile(file) {
  const tooLarge = fileTooLarge(file.size);
  if (tooLarge) throw new Error(tooLarge);
  return new Uint8Array(await file.arrayBuffer());
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Makes `zone` a drop target for files: highlighted (.is-dragover) while files are dragged over
 * it, and `onFiles(files)` called with the dropped FileList (never empty).
 */
export function acceptDrops(zone, onFiles) {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('is-dragover');
  });
  zone.addEventListener('dragleave', (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove('is-dragover');
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('is-dragover');
    const files = event.dataTransfer?.files;
    if (files?.length) onFiles(files);
  });
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

// ------------------------------------------------------------ file slots

/**
 * A slot for one input file besides the data panel (a Q-matrix, a parameter
 * file, …): its heading and description, a "Choose …" button (hidden file
 * input) and drop target, the current-file line, an optional Remove button,
 * an error message (role=alert) and an empty preview container the page may
 * fill. Element ids: `id` + -title, -description, -drop, -input, -current,
 * -remove, -error, -preview.
 *
 * The slot keeps the latest file: { name, bytes }; an error the engine found
 * in it is kept with it ({ name, bytes, error }: still used by the next run,
 * the message shown until the file is replaced or `clearStoredError()`), and
 * a file that could not be read is { name, error } (not `ready`).
 * Options: `title`, `description`, `button` (the chooser's label), `helpId`
 * (a help paragraph elsewhere that describes the file, for aria-describedby),
 * `accept`, `csvOnly` (refuse .xlsx), `removable` (an optional file),
 * `emptyMessage` (for an empty file: shown after its name, or a function of
 * the name giving the whole message), `singleFileMessage` (when several files
 * are dropped), `onChange(file)` (after a file was read or removed: the
 * slot's file, or null).
 */
export function createFileSlot({
  id,
  title,
  description,
  button,
  helpId = null,
  accept = ACCEPT,
  csvOnly = false,
  removable = false,
  emptyMessage = 'The file is empty.',
  singleFileMessage = 'Please drop a single file.',
  onChange = () => {},
}) {
  const ids = (name) => `${id}-${name}`;
  const input = h('input', {
    type: 'file',
    id: ids('input'),
    class: 'visually-hidden file-input',
    accept: csvOnly ? '.csv,text/csv' : accept,
    'aria-describedby': [ids('description'), helpId, ids('error')].filter(Boolean).join(' '),
  });
  const current = h('span', { id: ids('current-text') });
  const removeButton = removable ? h('button', { type: 'button', id: ids('remove'), class: 'button button--small button--quiet' }, 'Remove') : null;
  const currentLine = h('p', { class: 'item-models__current', id: ids('current'), hidden: true }, current, removeButton);
  const drop = h(
    'div',
    { class: 'item-models params-file', id: ids('drop') },
    input,
    h('label', { for: ids('input'), class: 'button button--small' }, button),
    h('span', { class: 'dropzone__or' }, 'or drop it here'),
    currentLine,
  );
  const error = h('p', { id: ids('error'), class: 'error-message', role: 'alert', hidden: true });
  const preview = h('div', { id: ids('preview'), class: 'file-preview', hidden: true });
  const element = h(
    'div',
    { class: 'form-file', role: 'group', 'aria-labelledby': ids('title') },
    h('h3', { class: 'form-file__title', id: ids('title') }, title),
    h('p', { class: 'help form-file__description', id: ids('description') }, description),
    drop,
    error,
    preview,
  );

  let file = null;
  let counter = 0; // a later choice wins over an earlier one still being read

  /** Shows `message` under the slot and marks its input invalid. */
  function showError(message) {
    error.hidden = false;
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
  }
  /** Hides the slot's message. */
  function hideError() {
    error.hidden = true;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  }
  /** Shows the current file (with `note` after its size) and its stored error, if any. */
  function render(note = '') {
    currentLine.hidden = !file;
    if (!file) current.replaceChildren();
    else if (!file.bytes) current.textContent = `${file.name}: not used (see the message below).`;
    else current.replaceChildren('Loaded: ', h('strong', {}, file.name), ` (${formatSize(file.bytes.length)})${note}`);
    if (file?.error) showError(file.error);
    else hideError();
  }
  /** Makes `loaded` ({ name, bytes } or { name, error }) the slot's file; `note` follows its size. */
  function set(loaded, { note = '' } = {}) {
    counter++;
    file = loaded;
    preview.hidden = true;
    preview.replaceChildren();
    render(note);
  }
  /** Reads a chosen or dropped File into the slot (an empty or refused file is kept with its message), then tells the page. */
  async function read(chosen) {
    const token = ++counter;
    let loaded;
    try {
      if (csvOnly && /\.xlsx$/i.test(chosen.name)) throw new Error(`${chosen.name} is an Excel file; save it as CSV and choose it again.`);
      const bytes = await readFile(chosen).catch((err) => {
        throw new Error(`${chosen.name}: ${err?.message ?? err}.`);
      });
      if (!bytes.length) throw new Error(typeof emptyMessage === 'function' ? emptyMessage(chosen.name) : `${chosen.name}: ${emptyMessage}`);
      loaded = { name: chosen.name, bytes };
    } catch (err) {
      loaded = { name: chosen.name, error: err?.message ?? String(err) };
    }
    if (token !== counter) return;
    set(loaded);
    onChange(loaded);
  }

  input.addEventListener('change', () => {
    const chosen = input.files?.[0];
    input.value = ''; // choosing the same file again (after fixing it) fires `change`
    if (chosen) read(chosen);
  });
  acceptDrops(drop, (files) => {
    if (files.length > 1) showError(singleFileMessage);
    else read(files[0]);
  });
  removeButton?.addEventListener('click', () => {
    set(null);
    onChange(null);
    input.focus();
  });

  return {
    element,
    input,
    preview,
    /** The slot's file ({ name, bytes[, error] } or { name, error }), or null. */
    get file() {
      return file;
    },
    /** True when the slot holds readable bytes. */
    get ready() {
      return Boolean(file?.bytes);
    },
    set,
    /** Keeps `message` with the current file and shows it. */
    fail(message) {
      if (file) file.error = message;
      showError(message);
    },
    showError,
    hideError,
    /** Forgets the error kept with the current file (e.g. after a successful run). */
    clearStoredError() {
      if (file?.bytes && file.error) {
        delete file.error;
        hideError();
      }
    },
    /** Shows the stored error again (after the page cleared all messages), or hides the message. */
    refreshError() {
      if (file?.error) showError(file.error);
      else hideError();
    },
  };
}

// --------------------------------------------------------------- previews

/** The text of a file's bytes (UTF-8, byte-order mark dropped), or null for an Excel (.xlsx, zip) file. */
export function csvText(bytes) {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) return null; // "PK": a zip archive
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * Rows of fields from CSV text (RFC 4180 quoting; the delimiter, comma,
 * semicolon or tab, is the one the first line uses most; a leading
 * byte-order mark is dropped). Options: `maxRows`, at most that many rows
 * (for previews); `keepEmptyLines`, an empty line is a row of one empty
 * field (so that rows keep their line numbers) rather than skipped.
 */
export function parseCsv(text, { maxRows = Infinity, keepEmptyLines = false } = {}) {
  text = text.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const count = (c) => firstLine.split(c).length - 1;
  const delimiter = [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    row.push(cell);
    if (keepEmptyLines || row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else cell += c;
  }
  if (rows.length < maxRows && (cell !== '' || row.length)) endRow();
  return rows;
}

/**
 * A small table of a file's first rows (`rows[0]` its header), with
 * `caption`; wide files scroll sideways (the container is focusable).
 */
export function previewTable(tableId, caption, rows) {
  const [header = [], ...body] = rows;
  return staticTable({
    id: tableId,
    className: 'preview-table',
    caption,
    head: header.map((name) => h('th', { scope: 'col' }, name)),
    body: body.map((cells) => h('tr', {}, cells.map((value) => h('td', {}, value)))),
  });
}
