// createPacerWorker(): the package's functions run in a worker (a Web Worker in browsers, a
// worker thread in Node), so a long analysis does not block the page or the event loop. Each
// method returns a promise; calibrations report progress; cancel() stops whatever runs.
import { PacerError } from './api.js';
import { METHODS } from './worker-protocol.js';

/**
 * @param {() => {post: (m: object) => void, onMessage: (f: (m: object) => void) => void, onError: (f: (e: unknown) => void) => void, terminate: () => void, busy?: (b: boolean) => void}} spawn
 *   starts a worker and adapts it to one interface (index.js: Web Worker; node.js: worker_threads,
 *   whose `busy(false)` lets the process exit while the worker waits for work)
 */
export function makeCreatePacerWorker(spawn) {
  return function createPacerWorker() {
    const events = new EventTarget();
    const pending = new Map(); // id -> { resolve, reject, onProgress }
    let worker = null;
    let nextId = 1;
    let closed = false;

    const settled = () => {
      if (!pending.size) worker?.busy?.(false);
    };
    const failAll = (error) => {
      for (const { reject } of pending.values()) reject(error);
      pending.clear();
    };
    const stop = () => {
      worker?.terminate();
      worker = null;
    };
    const start = () => {
      const w = spawn();
      w.onMessage((m) => {
        const p = pending.get(m.id);
        if (!p) return;
        if (m.progress) {
          p.onProgress?.(m.progress);
          events.dispatchEvent(Object.assign(new Event('progress'), { detail: { id: m.id, method: p.method, ...m.progress } }));
          return;
        }
        pending.delete(m.id);
        settled();
        if (m.ok) p.resolve(m.result);
        else p.reject(m.error?.name === 'PacerError' ? new PacerError(m.error) : Object.assign(new Error(m.error?.message), { code: m.error?.code ?? undefined }));
      });
      w.onError((e) => {
        stop();
        failAll(new Error(`pacer worker failed: ${e?.message ?? e}`));
      });
      return w;
    };
    const request = (method, args, onProgress) => {
      if (closed) return Promise.reject(new Error('pacer: this worker was terminated'));
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress, method });
        worker.busy?.(true);
        worker.post({ id, method, args });
      });
    };

    const api = {
      /** Progress events ('progress', detail {id, method, iteration, change, loglik}). */
      addEventListener: events.addEventListener.bind(events),
      removeEventListener: events.removeEventListener.bind(events),
      /**
       * Stops whatever the worker is doing (it is terminated; a new one starts with the next
       * call). Pending promises reject with an Error whose code is 'cancelled'.
       */
      cancel() {
        stop();
        failAll(Object.assign(new Error('pacer: cancelled'), { code: 'cancelled' }));
      },
      /** cancel(), and no further calls. */
      terminate() {
        api.cancel();
        closed = true;
      },
    };
    for (const [method, progressAt] of Object.entries(METHODS)) {
      api[method] = (...args) => {
        let onProgress;
        if (progressAt >= 0 && typeof args[progressAt] === 'function') {
          onProgress = args[progressAt];
          args = args.slice(0, progressAt);
        }
        return request(method, args, onProgress);
      };
    }
    return api;
  };
}
