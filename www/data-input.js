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

async function readFile(file) {
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
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
