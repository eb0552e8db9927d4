import { parentPort } from 'node:worker_threads'
import type { WorkerMessage, WorkerTask } from './protocol'
import { runTask } from './runTask'

// worker_threads entry: runs one model task per message and reports progress on the same port.
const port = parentPort
if (!port) throw new Error('worker.ts must run as a worker thread')

port.on('message', (task: WorkerTask) => {
  const post = (m: WorkerMessage): void => port.postMessage(m)
  void runTask(task, (phase, fraction, step) =>
    post({ kind: 'progress', phase, fraction, ...(step !== undefined ? { step } : {}) })
  ).then((result) => post({ kind: 'result', result }))
})
