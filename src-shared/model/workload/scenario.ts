import { z } from 'zod'

/**
 * A what-if TD workload (issue "Workloads and the Dynamic PAMT runtime"; dpamt-model.md §2.4-2.9).
 * Sizes are bytes, times nanoseconds. Every field the kernel does not fix has a documented default.
 */

const GiB = 2 ** 30
const S = 1e9

const arrivalSchema = z.discriminatedUnion('mode', [
  /** All TDs of the class start at `atNs` (a boot storm). */
  z.strictObject({ mode: z.literal('together'), atNs: z.number().min(0).default(0) }),
  /** One TD every `intervalNs`, from `startNs`. */
  z.strictObject({
    mode: z.literal('staggered'),
    startNs: z.number().min(0).default(0),
    intervalNs: z.number().positive()
  }),
  /** Poisson arrivals with mean inter-arrival time `meanIntervalNs` (seeded). */
  z.strictObject({
    mode: z.literal('poisson'),
    startNs: z.number().min(0).default(0),
    meanIntervalNs: z.number().positive()
  })
])

export const tdClassSchema = z
  .strictObject({
    name: z.string().min(1).max(80),
    count: z.number().int().min(1).max(100_000),
    /** Private memory of one TD. */
    memoryBytes: z
      .number()
      .int()
      .min(2 ** 21)
      .max(2 ** 50),
    vcpus: z.number().int().min(1).max(4096),
    /** Share of private memory (after the image) mapped with 1G pages: guest_memfd 1G backing. */
    share1g: z.number().min(0).max(1).default(0),
    /** Share mapped with 2M pages (huge page series); the rest is 4K-mapped. */
    share2m: z.number().min(0).max(1).default(0),
    /** TD build image (TDVF and initial pages): always PAGE.ADD at 4K (HP-v2, §2.8). */
    imageBytes: z
      .number()
      .int()
      .min(0)
      .default(4 * 2 ** 20),
    /** Eager: all memory accepted at boot. Lazy: accepted evenly over `durationNs` in `steps`. */
    accept: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('eager') }),
        z.strictObject({
          mode: z.literal('lazy'),
          durationNs: z.number().positive(),
          steps: z.number().int().min(1).max(4096).default(64)
        })
      ])
      .default({ mode: 'eager' }),
    /** Time from start to teardown; null: runs to the end of the scenario. */
    lifetimeNs: z.number().positive().nullable().default(null),
    /** Share of 2M mappings demoted to 4K at mid-life (DEMOTE, §2.8). */
    demoteShare: z.number().min(0).max(1).default(0),
    arrival: arrivalSchema.default({ mode: 'together', atNs: 0 })
  })
  .refine((c) => c.share1g + c.share2m <= 1, { message: 'share1g + share2m must not exceed 1' })
  .refine((c) => c.imageBytes <= c.memoryBytes, {
    message: 'imageBytes must not exceed memoryBytes'
  })

export const scenarioSchema = z.strictObject({
  format: z.literal('pamt-planner-scenario').default('pamt-planner-scenario'),
  name: z.string().min(1).max(120),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  /** Simulated time span; the time series covers [0, durationNs]. */
  durationNs: z
    .number()
    .positive()
    .default(60 * S),
  tdClasses: z.array(tdClassSchema).min(1).max(64),
  host: z
    .strictObject({
      /**
       * 0: a fresh host, 4K allocations fill whole 2 MiB regions; 1: fully fragmented, every 4K page
       * in its own region. Pages per region = round(512^(1 - f)) (modelled, docs/workload-model.md).
       */
      fragmentation: z.number().min(0).max(1).default(0),
      /** Probability that reclaiming a control or S-EPT page fails, leaking its page and pair (§2.8). */
      reclaimFailureRate: z.number().min(0).max(1).default(0)
    })
    .default({ fragmentation: 0, reclaimFailureRate: 0 }),
  /** Refcount array: dense (v6) or sparse (v4, seed 002). */
  refcounts: z.enum(['dense', 'sparse']).default('dense'),
  /** Points in the displayed time series (the totals at each point are exact). */
  samples: z.number().int().min(16).max(100_000).default(1000)
})

export type TdClass = z.infer<typeof tdClassSchema>
export type Scenario = z.infer<typeof scenarioSchema>
export type ScenarioInput = z.input<typeof scenarioSchema>

export const SCENARIO_UNITS = { GiB, S }
