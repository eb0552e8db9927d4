/**
 * Child process of workerThreadLauncher.test.ts (bundled by the test): runs one job on a real
 * WorkerThreadLauncher, prints what the pool holds, and then simply ends its script. The job's
 * worker stays idle (keepWarm 1) with an idle timeout far beyond the test's, so the process can
 * only exit by itself if the idle worker and its timer are unref()ed.
 */
import { WorkerThreadLauncher } from '../../../src-main/services/jobRunner'
import type { WorkerTask } from '../../../src-main/worker/protocol'

const [workerUrl] = process.argv.slice(2)
const launcher = new WorkerThreadLauncher(new URL(workerUrl!), {
  keepWarm: 1,
  idleTimeoutMs: 10 * 60_000
})
const task: WorkerTask = {
  kind: 'importAndAnalyze',
  fileName: 'f.txt',
  text: 'x',
  format: 'auto',
  model: undefined,
  source: { kind: 'file', fileName: 'f.txt' }
}
const r = await launcher.launch(task, () => undefined).result
process.stdout.write(`answered ${r.ok} live ${launcher.liveWorkers} idle ${launcher.idleWorkers}\n`)
