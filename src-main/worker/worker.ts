import { parentPort, workerData } from 'node:worker_threads'
import type { WorkerMessage, WorkerTask } from './protocol'
import { runTask, TaskCancelled } from './runTask'

// worker_threads entry: runs one model task per message and reports progress on the same port.
const port = parentPort
if (!port) throw new Error('worker.ts must run as a worker thread')

/**
 * The launcher's cancel flag for this thread (jobRunner.ts, WorkerThreadLauncher: cooperative
 * cancel); absent when the worker is started without one.
 */
const cancelFlag = (workerData as { cancelFlag?: unknown } | null)?.cancelFlag
const flag = cancelFlag instanceof Int32Array ? cancelFlag : null

port.on('message', (task: WorkerTask) => {
  const post = (m: WorkerMessage): void => port.postMessage(m)
  // A run cannot read a message until it ends, so cancel arrives through shared memory, read at
  // each progress report (one Atomics.load; reports come at most every few ms of work). runTask
  // answers the throw with CANCELLED; the launcher clears the flag once it has that answer.
  void runTask(task, (phase, fraction, step) => {
    if (flag && Atomics.load(flag, 0) !== 0) throw new TaskCancelled()
    post({ kind: 'progress', phase, fraction, ...(step !== undefined ? { step } : {}) })
  }).then((result) => post({ kind: 'result', result }))
})
