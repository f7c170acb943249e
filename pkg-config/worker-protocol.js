// The message protocol of createPacerWorker(), shared by the worker side (worker.js in browsers,
// worker-node.js in Node) and the caller's side (worker-client.js).
//
//   to the worker:   { id, method, args }          method: one of METHODS; args as the
//                                                  synchronous function takes them (without
//                                                  onProgress)
//   from the worker: { id, progress }               calibrateIrt / calibrateCdm, every EM iteration
//                    { id, ok: true, result }
//                    { id, ok: false, error }       error: { name, message, code?, file?, row?,
//                                                  column?, value?, hint? } (PacerError's fields)

/** The functions a worker runs, with the position of their onProgress argument (or -1). */
export const METHODS = {
  analyzeItems: -1,
  analyzeItemsWithKey: -1,
  analyzeDif: -1,
  calibrateIrt: 2,
  scoreIrt: -1,
  linkForms: -1,
  equateForms: -1,
  calibrateCdm: 3,
  profileSkills: -1,
  version: -1,
};

/**
 * The worker's message handler: runs `api[method]` on each request and answers through `post`.
 * @param {object} api the package's synchronous functions (after init)
 * @param {(message: object) => void} post
 */
export function handleRequests(api, post) {
  return ({ id, method, args }) => {
    try {
      if (!(method in METHODS) || typeof api[method] !== 'function') throw new Error(`pacer worker: no method ${method}`);
      const a = Array.isArray(args) ? args.slice() : [];
      const at = METHODS[method];
      if (at >= 0) {
        while (a.length < at) a.push(undefined);
        a[at] = (progress) => {
          post({ id, progress });
          return false; // the caller cancels by terminating the worker
        };
      }
      post({ id, ok: true, result: api[method](...a) });
    } catch (e) {
      post({
        id,
        ok: false,
        error: {
          name: e?.name ?? 'Error',
          message: String(e?.message ?? e),
          code: e?.code ?? null,
          file: e?.file ?? null,
          row: e?.row ?? null,
          column: e?.column ?? null,
          value: e?.value ?? null,
          hint: e?.hint ?? null,
        },
      });
    }
  };
}
