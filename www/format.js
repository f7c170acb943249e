// Small helpers for showing numbers and building DOM safely.
// Text from users' files (item names, messages) is only ever inserted with
// textContent, never as HTML.

export const DASH = '\u2014'; // shown for undefined / not applicable values

export function isNumber(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Fixed decimals, or an em dash for null / NaN / missing values. */
export function fmt(x, digits = 3) {
  return isNumber(x) ? x.toFixed(digits) : DASH;
}

/** Integers with thousands separators (1,000). */
export function fmtInt(x) {
  return isNumber(x) ? Math.round(x).toLocaleString('en-US') : DASH;
}

/**
 * Small or large numbers in scientific notation without trailing zeros
 * (1e-4, 6.8e-5); moderate ones plainly (0.25). Infinity shows as ∞.
 */
export function fmtSci(x, digits = 2) {
  if (x === Infinity) return '\u221E';
  if (!isNumber(x)) return DASH;
  if (x === 0) return '0';
  if (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) return String(Number(x.toPrecision(digits)));
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
  return `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${Number(exponent)}`;
}

/** Number without trailing zeros, for thresholds like .15 in labels. */
export function fmtShort(x, digits = 2) {
  return isNumber(x) ? String(Number(x.toFixed(digits))) : DASH;
}

/**
 * Minimal element builder: h('p', { class: 'note', id: 'x' }, 'text', child).
 * Attributes whose value is null/false are skipped; `true` sets an empty
 * attribute. Children may be strings (added as text), nodes, arrays or null.
 * (No `style` attribute here: the Content-Security-Policy forbids inline
 * styles; use classes.)
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'style') throw new Error('inline styles are not allowed by the CSP; use a class');
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Like h() but for SVG icons (namespace-aware). */
export function svgIcon(pathData, className = 'icon') {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', pathData);
  svg.append(path);
  return svg;
}
