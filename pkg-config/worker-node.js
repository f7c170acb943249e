// The worker thread of createPacerWorker() in Node (node.js starts it with worker_threads); the
// WebAssembly module is instantiated when node.js is imported.
import { parentPort } from 'node:worker_threads';
import * as api from './node.js';
import { handleRequests } from './worker-protocol.js';

parentPort.on('message', handleRequests(api, (message) => parentPort.postMessage(message)));
