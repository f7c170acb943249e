// Hands the parameters of an IRT calibration to the Test Scoring page: the
// IRT page publishes them (its "Score examinees with these parameters"
// button) and switches to the scoring page, which applies each publication
// once, whether it is mounted already (it listens) or mounts afterwards (it
// reads the latest). Kept in memory only: nothing is stored in the browser.

let latest = null; // the latest publication, with its serial number
let serial = 0;
const listeners = new Set();

/**
 * Publishes a calibration's parameters: { paramsCsv, paramsFileName, label,
 * nItems, D, prior: { mean, sd }, responses: { name, bytes } }.
 */
export function publishCalibration(calibration) {
  latest = { ...calibration, serial: ++serial };
  for (const listener of listeners) listener(latest);
}

/** The latest published calibration, or null. */
export function latestCalibration() {
  return latest;
}

/** Calls `listener(calibration)` on every later publication; returns the unsubscribe function. */
export function onCalibration(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
