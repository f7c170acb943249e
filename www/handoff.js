// Hands a calibration's results from one page to another: the IRT page's
// parameters to Test Scoring ("Score examinees with these parameters"), and
// the CDM page's parameters to the Skill Profiler ("Profile examinees with
// these parameters"). The calibrating page publishes and switches pages; the
// receiving page applies each publication once, whether it is mounted
// already (it listens) or mounts afterwards (it reads the latest). Kept in
// memory only: nothing is stored in the browser.

/** One hand-off channel: the latest publication (with its serial number) and its listeners. */
function createChannel() {
  let latest = null;
  let serial = 0;
  const listeners = new Set();
  return {
    publish(value) {
      latest = { ...value, serial: ++serial };
      for (const listener of listeners) listener(latest);
    },
    latest: () => latest,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const irt = createChannel();
const cdm = createChannel();

/**
 * Publishes a calibration's parameters: { paramsCsv, paramsFileName, label,
 * nItems, D, prior: { mean, sd }, responses: { name, bytes } }.
 */
export function publishCalibration(calibration) {
  irt.publish(calibration);
}

/** The latest published calibration, or null. */
export function latestCalibration() {
  return irt.latest();
}

/** Calls `listener(calibration)` on every later publication; returns the unsubscribe function. */
export function onCalibration(listener) {
  return irt.subscribe(listener);
}

/**
 * Publishes a CDM calibration for the Skill Profiler: { label, model,
 * nItems, nAttributes, params: { name, csv } (item,required,pattern,prob,se),
 * classes: { name, csv } (pattern,proportion), q: { name, bytes },
 * responses: { name, bytes } }.
 */
export function publishCdmCalibration(calibration) {
  cdm.publish(calibration);
}

/** The latest published CDM calibration, or null. */
export function latestCdmCalibration() {
  return cdm.latest();
}

/** Calls `listener(calibration)` on every later CDM publication; returns the unsubscribe function. */
export function onCdmCalibration(listener) {
  return cdm.subscribe(listener);
}
