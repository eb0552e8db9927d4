import workerPath from '../worker/worker?modulePath'
import { version } from '../../package.json'
import { appPaths } from '../services/appPaths'
import { runCli } from './cli'

// Bundle entry for `pamt-planner` (out/main/cli.js), started by launch.mjs.
const paths = appPaths(import.meta.url)
process.exitCode = await runCli(process.argv.slice(2), {
  workerPath,
  resourcesDir: paths.resourcesDir,
  rendererDir: paths.rendererDir,
  version,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  // Progress only on a terminal: piped stderr stays quiet.
  ...(process.stderr.isTTY ? { progress: (s: string) => process.stderr.write(s) } : {})
})
