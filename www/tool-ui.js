// Pieces shared by the tool pages besides the data panel (data-input.js):
// the Run row and status line, messages, the busy state, the results region
// (header with downloads, summary statistics, showing and clearing it), form
// pieces, the progress panel of a long run and how the run stopped.

import { DASH, fmt, fmtInt, fmtSci, h, isNumber } from './format.js';
import { disposeChart } from './charts.js';

/**
 * A tool's <section> (id `tool-<id>`): its h1 and lead paragraph, the
 * `panels`, then the results region (hidden until there are results; its
 * heading, with id `resultsTitleId`, comes with the results).
 */
export function toolSection({ id, titleId, title, lead, resultsId, resultsTitleId }, ...panels) {
  return h(
    'section',
    { class: 'tool', id: `tool-${id}`, 'aria-labelledby': titleId },
    h('div', { class: 'tool__intro' }, h('h1', { id: titleId }, title), h('p', { class: 'lead' }, lead)),
    panels,
    h('div', { id: resultsId, class: 'results', hidden: true, 'aria-labelledby': resultsTitleId, role: 'region' }),
  );
}

/**
 * The Run row: the page's primary button (id `<idPrefix>run`, `label`) and
 * its status line (id `<idPrefix>status`, a polite live region).
 */
export function runRow(idPrefix, label) {
  return h(
    'div',
    { class: 'run-row' },
    h('button', { type: 'button', id: `${idPrefix}run`, class: 'button button--primary button--large' }, label),
    h('p', { id: `${idPrefix}status`, class: 'status', role: 'status', 'aria-live': 'polite' }),
  );
}

/** Shows `message` in the (hidden until needed) message element `el`. */
export function showMessage(el, message) {
  el.hidden = false;
  el.textContent = message;
}

/** Replaces the status line's text, with a spinner in front while work runs. */
export function setStatus(status, message, { spinner = false } = {}) {
  status.replaceChildren(...(spinner ? [h('span', { class: 'spinner', 'aria-hidden': 'true' })] : []), message);
}

/**
 * Marks the tool busy (aria-busy, .is-busy) and its `buttons` unavailable.
 * aria-disabled rather than disabled: a disabled button would lose the
 * keyboard focus; their click handlers ignore clicks while busy.
 */
export function markBusy(root, isBusy, buttons = []) {
  root.setAttribute('aria-busy', isBusy ? 'true' : 'false');
  root.classList.toggle('is-busy', isBusy);
  for (const button of buttons) button.setAttribute('aria-disabled', isBusy ? 'true' : 'false');
}

/** One entry of a summary <dl>: label, value (with `id`, for tests), optional note. */
export function stat(label, value, { id, note, title, flagged = false } = {}) {
  return h(
    'div',
    { class: flagged ? 'stat stat--flagged' : 'stat' },
    h('dt', { title: title ?? null }, label),
    h('dd', {}, h('span', { class: 'stat__value', id: id ?? null }, value), note ? h('span', { class: 'stat__note' }, note) : null),
  );
}

/** A stat whose value is a number shown with `digits` decimals, its full precision in data-value (for tests and copying). */
export function numberStat(label, value, digits, options) {
  const el = stat(label, fmt(value, digits), options);
  if (isNumber(value)) el.querySelector('.stat__value').dataset.value = String(value);
  return el;
}

/**
 * The results' header: an h2 (`titleId`, `title` as children) and a group of
 * download buttons, each { id, label, onClick }.
 */
export function resultsHeader({ titleId, title, downloads }) {
  const buttons = downloads.map(({ id, label, onClick }) => {
    const button = h('button', { type: 'button', id, class: 'button' }, label);
    button.addEventListener('click', onClick);
    return button;
  });
  return h(
    'div',
    { class: 'results__header' },
    h('h2', { id: titleId }, title),
    h('div', { class: 'downloads', role: 'group', 'aria-label': 'Downloads' }, h('span', { class: 'downloads__label' }, 'Download:'), buttons),
  );
}

/** Empties and hides the results region (disposing its charts). */
export function clearResults(results) {
  for (const el of results.querySelectorAll('.chart')) disposeChart(el);
  results.replaceChildren();
  results.hidden = true;
}

/**
 * Fills the results region with `sections` (null ones are skipped: Element.append
 * would print "null"), shows it, and calls `draw()` once it is laid out (charts
 * need their size). Scrolls to it when it starts low on the screen.
 */
export function showResults(results, sections, draw = () => {}) {
  clearResults(results);
  results.append(...sections.filter(Boolean));
  results.hidden = false;
  draw();
  if (results.getBoundingClientRect().top > window.innerHeight * 0.6) {
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    results.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
  }
}

// ------------------------------------------------------------------- forms

/**
 * A radio button (or checkbox, `type`) with its label, and an optional
 * description under the label (id `<id>-desc`).
 */
export function choice({ id, name, value, label, type = 'radio', checked = false, disabled = false, describedBy = null, description = null }) {
  return h(
    'label',
    { class: description ? 'choice choice--described' : 'choice', for: id },
    h('input', { type, name, value, id, checked, disabled, 'aria-describedby': describedBy }),
    h(
      'span',
      { class: 'choice__text' },
      h('span', { class: 'choice__label' }, label),
      description ? h('span', { class: 'choice__description', id: `${id}-desc` }, description) : null,
    ),
  );
}

/** A short text input described by its help (`<id>-help`) and error (`<id>-error`) paragraphs. */
export function textInput(inputId, value, { inputmode = 'decimal', size = 8, describedBy = [] } = {}) {
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

/** A labelled field: the `input` with its visible label; `wide` for a long input (a list). */
export function labelledField(inputId, label, input, { wide = false } = {}) {
  return h('div', { class: wide ? 'field field--wide' : 'field' }, h('label', { for: inputId, class: 'field__label' }, label), input);
}

/** The (hidden until filled) error paragraphs `<id>-error` of the controls `ids`. */
export function fieldErrors(...ids) {
  return ids.map((inputId) => h('p', { class: 'field__error', id: `${inputId}-error`, hidden: true }));
}

/**
 * A visually hidden help paragraph `<id>-help` naming what the control holds, for controls
 * whose visible help is shared with others (referred to through aria-describedby).
 */
export function hiddenHelp(inputId, text) {
  return h('p', { class: 'help visually-hidden', id: `${inputId}-help` }, text);
}

/** Marks the control `inputId` in `root` invalid and shows `message` in its `<id>-error` paragraph. */
export function fieldError(root, inputId, message) {
  root.querySelector(`#${inputId}`)?.setAttribute('aria-invalid', 'true');
  const el = root.querySelector(`#${inputId}-error`);
  if (el) {
    el.hidden = false;
    el.textContent = message;
  }
}

/** Hides every .field__error (and the `extra` messages) in `root` and clears aria-invalid. */
export function clearFieldErrors(root, extra = []) {
  for (const el of [...extra, ...root.querySelectorAll('.field__error')]) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** The engine's warnings as a panel (id `<prefix>warnings`), or null when there are none. */
export function warningsPanel(prefix, warnings) {
  if (!warnings?.length) return null;
  return h(
    'section',
    { class: 'panel panel--warning', id: `${prefix}warnings`, 'aria-labelledby': `${prefix}warnings-title` },
    h('h3', { id: `${prefix}warnings-title`, class: 'panel__title' }, `Warnings (${warnings.length})`),
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

// ---------------------------------------------------------------- progress

/**
 * The progress panel of an iterative run (EM): a bar, a Cancel button and
 * the latest iteration, largest change and log-likelihood. Element ids are
 * `idPrefix` + progress, progress-bar, cancel, progress-text,
 * progress-iteration, progress-change, progress-loglik. Returns { element,
 * cancelButton, start(maxIter, tol), show({iteration, change, loglik}),
 * stop() }; the page wires Cancel itself.
 */
export function createProgress({ idPrefix, label = 'Calibration progress' }) {
  const id = (name) => `${idPrefix}${name}`;
  const bar = h('progress', { id: id('progress-bar'), class: 'progress', max: '1', 'aria-label': label, 'aria-describedby': id('progress-text') });
  const cancelButton = h('button', { type: 'button', id: id('cancel'), class: 'button button--small button--quiet' }, 'Cancel');
  const iteration = h('strong', { id: id('progress-iteration') }, DASH);
  const change = h('strong', { id: id('progress-change') }, DASH);
  const loglik = h('strong', { id: id('progress-loglik') }, DASH);
  const element = h(
    'div',
    { id: id('progress'), class: 'progress-panel', hidden: true },
    h('div', { class: 'progress-panel__bar-row' }, bar, cancelButton),
    h(
      'p',
      { id: id('progress-text'), class: 'progress-panel__text' },
      h('span', { class: 'progress-panel__item' }, 'Iteration ', iteration),
      h('span', { class: 'progress-panel__item' }, 'largest change ', change),
      h('span', { class: 'progress-panel__item' }, 'log-likelihood ', loglik),
    ),
  );
  let state = null; // { maxIter, tol, first, fraction } while a run is shown

  /** Shows the panel, empty and indeterminate, for a run of at most `maxIter` iterations to tolerance `tol`. */
  function start(maxIter, tol) {
    state = { maxIter, tol, first: null, fraction: 0 };
    bar.removeAttribute('value'); // indeterminate until the first iteration
    for (const el of [iteration, change, loglik]) el.textContent = DASH;
    element.hidden = false;
    // The Run button may be far above: bring the progress (and Cancel) into view.
    element.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Shows one report. The bar: how far the largest change has come down
   * towards the tolerance on a log scale (EM's progress is roughly
   * geometric), or the share of the iteration limit used, whichever is
   * further; never moving backwards, never full before the reply.
   */
  function show(progress) {
    if (!state) return;
    const { iteration: it, change: ch, loglik: ll } = progress;
    if (state.first === null && isNumber(ch) && ch > 0) state.first = Math.max(ch, state.tol * 10);
    let towardsTol = 0;
    if (state.first !== null && isNumber(ch) && ch > 0) towardsTol = Math.log(state.first / ch) / Math.log(state.first / state.tol);
    state.fraction = Math.min(0.99, Math.max(state.fraction, towardsTol, it / state.maxIter));
    bar.value = state.fraction;
    iteration.textContent = `${fmtInt(it)} of at most ${fmtInt(state.maxIter)}`;
    change.textContent = `${fmtSci(ch)} (stops below ${fmtSci(state.tol)})`;
    loglik.textContent = fmt(ll, 3);
  }

  /** Hides the panel. */
  function stop() {
    state = null;
    element.hidden = true;
  }

  return { element, cancelButton, start, show, stop };
}

const STOP_REASONS = {
  converged: 'converged',
  iteration_limit: 'iteration limit reached',
  cancelled: 'cancelled',
};

/** Why an iterative run stopped, in words ("iteration limit reached"), from its `stop_reason`; null when not reported. */
export function stopReason(result) {
  return STOP_REASONS[result.stop_reason] ?? result.stop_reason ?? null;
}

/** How an iterative run ended: "converged in 12 iterations", "not converged: iteration limit reached after 500 iterations". */
export function describeStop(result) {
  const n = fmtInt(result.iterations);
  const its = result.iterations === 1 ? 'iteration' : 'iterations';
  if (result.converged) return `converged in ${n} ${its}`;
  return `not converged: ${STOP_REASONS[result.stop_reason] ?? result.stop_reason} after ${n} ${its}`;
}
