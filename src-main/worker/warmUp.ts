import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import { twoNodeHost } from '@shared/model/host/twoNodeHost'
import { scenarioSchema } from '@shared/model/workload/scenario'
import type { WorkerTask } from './protocol'

const GiB = 2 ** 30

/**
 * The small jobs a model worker runs before its first real one (docs/ARCHITECTURE.md, "Warm
 * workers"): a 16 GiB TD filled and torn down on a fresh and on a fragmented 32 GiB host, and two
 * 256 MiB TDs' faults under v6 and always-lock. They go through the same task code as the user's
 * jobs, so V8 has compiled the generator, the replay and the DES, with their type feedback, by the
 * time a job arrives: a fresh 2 TiB fill's generation and replay then take about 70 ms on a new
 * worker instead of about 105 (the whole what-if job, with its placement range, 160 ms instead of
 * 370: `npm run bench`, `fill2TiB.appJob`). About 300 ms of one core on a new thread.
 */
export function warmUpTasks(): WorkerTask[] {
  const host = twoNodeHost('warm-up', 32 * GiB)
  const fill = (fragmentation: number): WorkerTask => ({
    kind: 'simulate',
    host,
    model: undefined,
    scenario: scenarioSchema.parse({
      name: 'warm-up',
      durationNs: 100e9,
      host: { fragmentation },
      tdClasses: [{ name: '4K TD', count: 1, memoryBytes: 16 * GiB, vcpus: 8, lifetimeNs: 50e9 }]
    }),
    sweep: undefined
  })
  return [
    fill(0),
    fill(0.5),
    {
      kind: 'contention',
      host,
      model: undefined,
      scenario: scenarioSchema.parse({
        name: 'warm-up',
        durationNs: 2e9,
        tdClasses: [{ name: 'TD', count: 2, memoryBytes: 256 * 2 ** 20, vcpus: 2, lifetimeNs: 1e9 }]
      }),
      settings: contentionSettingsSchema.parse({ designs: ['v6', 'always-lock'] })
    }
  ]
}
