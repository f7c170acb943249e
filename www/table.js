// Sortable, searchable data table.
//
//   const table = createTable({
//     id: 'item-table', caption: 'Item statistics', columns, rows,
//     searchLabel: 'Search items', searchText: (row) => row.item, noun: ['item', 'items'],
//   });
//   container.append(table.element);
//   table.setFilter((row) => row.flags.length > 0);   // extra filter, or null
//
// `maxRows` (default: all) limits how many of the matching rows are rendered
// (after sorting and searching, so every row can still be reached); the count
// line says how many are shown.
//
// A column is { key, label, description?, numeric?, sortable? (default true),
//   rowHeader? (renders <th scope="row">), value?(row) (sort key, default row[key]),
//   render?(row, cell) (fills the cell; default: text of the value),
//   cellClass?(row) (extra class names), headerClass? (extra class names of the
//   header cell) }.
//
// `details` (optional) makes rows expandable: { render(row) (the node shown
// in a full-width row under the row, built when first opened), label(row)
// (the toggle's accessible name, e.g. "Pattern probabilities of V1") }. The
// toggle is a <button> at the start of the row's first cell, with
// aria-expanded and aria-controls; rows stay open across sorting and searching.
//
// Sorting: each sortable header holds a <button> (so it is reachable and
// usable by keyboard); the header carries aria-sort. Clicking cycles
// ascending -> descending. Missing values (null) always sort last.

import { DASH, fmt, fmtInt, h, isNumber } from './format.js';

let tableCount = 0;

/** The first column of a table of items: the item's name, as the row header. */
export const ITEM_NAME_COLUMN = {
  key: 'item',
  label: 'Item',
  rowHeader: true,
  render: (row, cell) => {
    cell.textContent = row.item;
  },
};

/** createTable options for a table with one row per item, searched by item name. */
export const ITEM_ROWS = {
  searchLabel: 'Search items',
  searchPlaceholder: 'Item name',
  searchText: (row) => row.item,
  noun: ['item', 'items'],
};

function compareValues(a, b) {
  const aMissing = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const bMissing = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export function createTable({
  id,
  caption,
  columns,
  rows,
  searchLabel = 'Search',
  searchPlaceholder = '',
  searchText = (row) => Object.values(row).join(' '),
  noun = ['row', 'rows'],
  extraControls = [],
  maxRows = Infinity,
  details = null,
}) {
  const uid = id ?? `table-${++tableCount}`;
  const expanded = new Set(); // rows whose details are open
  const rowNumbers = new Map(); // row -> its number in the detail rows' ids
  const state = { sortKey: null, sortDir: 'ascending', query: '', filter: null, rows: [...rows] };

  const searchInput = h('input', {
    type: 'search',
    id: `${uid}-search`,
    class: 'data-table__search',
    placeholder: searchPlaceholder,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const count = h('p', { class: 'data-table__count', role: 'status', 'aria-live': 'polite' });
  const controls = h(
    'div',
    { class: 'data-table__controls' },
    h('div', { class: 'field field--inline' }, h('label', { for: searchInput.id }, searchLabel), searchInput),
    extraControls,
    count,
  );

  const headerCells = columns.map((col) => {
    const th = h('th', {
      scope: 'col',
      class: [col.numeric ? 'num' : '', col.headerClass ?? ''].join(' ').trim() || null,
      'data-key': col.key,
    });
    const label = [col.label];
    if (col.description) th.title = col.description;
    if (col.sortable === false) {
      th.append(...label);
    } else {
      const button = h(
        'button',
        { type: 'button', class: 'sort-button' },
        ...label,
        h('span', { class: 'sort-icon', 'aria-hidden': 'true' }),
      );
      button.addEventListener('click', () => sortBy(col.key));
      th.append(button);
    }
    return th;
  });
  const captionEl = h('caption', { id: `${uid}-caption` }, caption);
  const tbody = h('tbody');
  const table = h('table', { id: uid, class: 'data-table__table' }, captionEl, h('thead', {}, h('tr', {}, headerCells)), tbody);
  // The scroll container is focusable so keyboard users can scroll it sideways.
  const scroller = h(
    'div',
    { class: 'data-table__scroll', tabindex: '0', role: 'region', 'aria-labelledby': captionEl.id },
    table,
  );
  const element = h('div', { class: 'data-table' }, controls, scroller);

  searchInput.addEventListener('input', () => {
    state.query = searchInput.value.trim().toLowerCase();
    renderBody();
  });

  function sortBy(key) {
    if (state.sortKey === key) {
      state.sortDir = state.sortDir === 'ascending' ? 'descending' : 'ascending';
    } else {
      state.sortKey = key;
      state.sortDir = 'ascending';
    }
    renderBody();
  }

  function visibleRows() {
    let out = state.rows;
    if (state.query) out = out.filter((row) => String(searchText(row)).toLowerCase().includes(state.query));
    if (state.filter) out = out.filter(state.filter);
    if (state.sortKey !== null) {
      const col = columns.find((c) => c.key === state.sortKey);
      const value = col.value ?? ((row) => row[col.key]);
      const sign = state.sortDir === 'ascending' ? 1 : -1;
      // Missing values stay last whichever the direction.
      out = [...out].sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        const missing = (v) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
        if (missing(va) || missing(vb)) return compareValues(va, vb);
        return sign * compareValues(va, vb);
      });
    }
    return out;
  }

  function renderCell(col, row) {
    const cell = h(col.rowHeader ? 'th' : 'td', {
      scope: col.rowHeader ? 'row' : null,
      class: [col.numeric ? 'num' : '', col.cellClass?.(row) ?? ''].join(' ').trim() || null,
    });
    if (col.render) col.render(row, cell);
    else cell.textContent = row[col.key] ?? '';
    return cell;
  }

  /** The table row of `row`, followed by its (hidden unless open) details row when the table has details. */
  function renderRow(row) {
    const tr = h('tr', {}, columns.map((col) => renderCell(col, row)));
    if (!details) return [tr];
    if (!rowNumbers.has(row)) rowNumbers.set(row, rowNumbers.size + 1);
    const detailId = `${uid}-details-${rowNumbers.get(row)}`;
    const open = expanded.has(row);
    const glyph = h('span', { class: 'data-table__expand-icon', 'aria-hidden': 'true' }, open ? '\u25BE' : '\u25B8');
    const toggle = h('button', { type: 'button', class: 'sort-button data-table__expand', 'aria-expanded': String(open), 'aria-controls': detailId, 'aria-label': details.label(row) }, glyph);
    const cell = h('td', { colspan: String(columns.length), class: 'data-table__details-cell' }, open ? details.render(row) : null);
    const detailRow = h('tr', { id: detailId, class: 'data-table__details', hidden: !open }, cell);
    toggle.addEventListener('click', () => {
      const opening = !expanded.has(row);
      if (opening) expanded.add(row);
      else expanded.delete(row);
      if (opening && !cell.hasChildNodes()) cell.append(details.render(row));
      detailRow.hidden = !opening;
      toggle.setAttribute('aria-expanded', String(opening));
      glyph.textContent = opening ? '\u25BE' : '\u25B8';
    });
    tr.firstElementChild?.prepend(toggle, ' ');
    return [tr, detailRow];
  }

  function renderBody() {
    const matching = visibleRows();
    const shown = matching.length > maxRows ? matching.slice(0, maxRows) : matching;
    tbody.replaceChildren(...shown.flatMap(renderRow));
    if (shown.length === 0) {
      tbody.append(h('tr', {}, h('td', { colspan: String(columns.length), class: 'data-table__empty' }, `No ${noun[1]} match.`)));
    }
    for (const th of headerCells) {
      if (th.dataset.key === state.sortKey) th.setAttribute('aria-sort', state.sortDir);
      else th.removeAttribute('aria-sort');
    }
    const total = state.rows.length;
    const number = (n) => n.toLocaleString('en-US');
    count.textContent =
      shown.length === total
        ? `${number(total)} ${total === 1 ? noun[0] : noun[1]}`
        : `Showing ${number(shown.length)} of ${number(total)} ${total === 1 ? noun[0] : noun[1]}` +
          (shown.length < matching.length ? ` (the first ${number(shown.length)} of ${number(matching.length)} that match; sort or search to see others)` : '');
  }

  renderBody();

  return {
    element,
    table,
    /** Replace the rows (keeps the current sort and search). */
    setRows(newRows) {
      state.rows = [...newRows];
      renderBody();
    },
    /** Extra filter predicate (e.g. "flagged only"), or null for none. */
    setFilter(fn) {
      state.filter = fn;
      renderBody();
    },
  };
}

/**
 * A numeric column: `digits` decimals shown (or `format(v)`), an em dash for missing values,
 * the full value in the cell's data-value (for copying and the tests).
 */
export function numberColumn(key, label, description, { digits = 3, value = (row) => row[key], format = (v) => fmt(v, digits), cellClass } = {}) {
  return {
    key,
    label,
    description,
    numeric: true,
    value,
    cellClass,
    render: (row, cell) => {
      const v = value(row);
      cell.append(isNumber(v) ? format(v) : DASH);
      if (isNumber(v)) cell.dataset.value = String(v);
    },
  };
}

/** A column of whole numbers with thousands separators. */
export const intColumn = (key, label, description) => ({ key, label, description, numeric: true, render: (row, cell) => cell.append(fmtInt(row[key])) });

/**
 * A numeric <td>: `digits` decimals (an em dash for a missing value), the
 * full value in data-value (for copying and the tests); `className` adds
 * classes (e.g. 'se').
 */
export function numberCell(value, digits = 3, className = null) {
  return h('td', { class: ['num', className].filter(Boolean).join(' '), 'data-value': isNumber(value) ? String(value) : null }, fmt(value, digits));
}

/**
 * A small fixed table (no sorting or search) with `caption` (id `captionId`,
 * by default `<id>-caption`), the header row's cells `head` and the body's
 * rows `body` (nodes, or arrays of them); `className` adds classes to the
 * table. Wide tables scroll sideways in a focusable container named by the
 * caption.
 */
export function staticTable({ id, caption, captionId = `${id}-caption`, className = null, head, body }) {
  return h(
    'div',
    { class: 'data-table__scroll', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
    h(
      'table',
      { id, class: ['data-table__table group-table', className].filter(Boolean).join(' ') },
      h('caption', { id: captionId }, caption),
      h('thead', {}, h('tr', {}, head)),
      h('tbody', {}, body),
    ),
  );
}
