// Downloads made in the browser (Blob + <a download>): nothing is uploaded.

/** Offers `blob` to the user as a file called `fileName`. */
export function downloadBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before releasing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or newline. */
export function csvField(value) {
  if (value === null || value === undefined) return '';
  let text;
  if (Array.isArray(value)) text = value.map((v) => (v === null ? '' : String(v))).join(';');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else if (typeof value === 'number' && !Number.isFinite(value)) text = '';
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text from a header and rows of values (CRLF line ends, as RFC 4180). */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * CSV of objects whose header row is their field names (the union of keys,
 * in first-seen order). Arrays (frequencies, flags) become one field joined
 * with ';'; null becomes an empty field; numbers keep full precision.
 */
export function objectsToCsv(objects) {
  const keys = [];
  for (const obj of objects) for (const key of Object.keys(obj)) if (!keys.includes(key)) keys.push(key);
  return toCsv(keys, objects.map((obj) => keys.map((key) => obj[key])));
}

/**
 * A number as Rust's f64 Display writes it (the shortest digits that read
 * back the same, never an exponent): what the CLI's CSV files hold. Strings
 * and other values pass through String(); null and undefined become ''.
 */
export function rustNumber(x) {
  if (x === null || x === undefined) return '';
  if (typeof x !== 'number') return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  const text = String(x);
  if (!/e/.test(text)) return text;
  const [mantissa, exponentText] = text.split('e');
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = (negative ? mantissa.slice(1) : mantissa).split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  let plain;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + plain;
}

/**
 * CSV as the CLI writes it (Rust's csv crate: a field is quoted only when it
 * holds a comma, quote or line break; LF line ends; numbers as rustNumber;
 * booleans true/false; null and undefined empty).
 */
export function cliCsv(header, rows) {
  return [header, ...rows].map((row) => row.map((v) => csvField(typeof v === 'number' ? rustNumber(v) : v)).join(',')).join('\n') + '\n';
}

/** "data/LSAT7.csv" -> "LSAT7" (used to name downloads after the input). */
export function baseName(fileName) {
  const name = String(fileName ?? 'data').split(/[\\/]/).pop();
  const stem = name.replace(/\.[^.]+$/, '');
  // Keep downloads' names tame on every OS.
  return stem.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80) || 'data';
}

export function downloadText(text, fileName, type) {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** A CSV text (e.g. from toCsv) as a download. */
export function downloadCsv(text, fileName) {
  downloadText(text, fileName, 'text/csv;charset=utf-8');
}

/** A value as pretty-printed JSON (2-space indent, final newline). */
export function downloadJson(value, fileName) {
  downloadText(JSON.stringify(value, null, 2) + '\n', fileName, 'application/json');
}
