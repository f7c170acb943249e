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
