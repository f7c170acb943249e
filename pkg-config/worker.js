// The Web Worker of createPacerWorker() in browsers and bundlers (index.js starts it with
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`, the form Vite and
// webpack 5 recognise). It loads the WebAssembly module once and runs the requests in order.
import * as api from './index.js';
import { handleRequests } from './worker-protocol.js';

const ready = api.init();
const handle = handleRequests(api, (message) => self.postMessage(message));
self.addEventListener('message', (event) => {
  ready.then(
    () => handle(event.data),
    (e) => self.postMessage({ id: event.data?.id, ok: false, error: { name: 'Error', message: `pacer: the WebAssembly module could not be loaded: ${e?.message ?? e}` } }),
  );
});
