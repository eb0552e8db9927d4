import { scenarioSchema, type Scenario, type ScenarioInput } from './scenario'

const GiB = 2 ** 30
const S = 1e9

/** The presets the issue names; each is a plain scenario file the user can edit and save. */
const PRESET_INPUTS: Record<string, ScenarioInput> = {
  'one-16g-td': {
    name: 'One 16 GiB TD, 4K-mapped, on a fresh host',
    durationNs: 60 * S,
    tdClasses: [
      {
        name: '16 GiB TD',
        count: 1,
        memoryBytes: 16 * GiB,
        vcpus: 4,
        accept: { mode: 'lazy', durationNs: 20 * S, steps: 64 }
      }
    ]
  },
  'ten-16g-no-hugepages': {
    name: '10 TDs x 16 GiB, no huge pages, started together then shut down (list measurement, §3.3)',
    durationNs: 60 * S,
    tdClasses: [
      {
        name: '16 GiB TD',
        count: 10,
        memoryBytes: 16 * GiB,
        vcpus: 4,
        accept: { mode: 'lazy', durationNs: 20 * S, steps: 64 },
        lifetimeNs: 40 * S
      }
    ]
  },
  // The list's case (§2.9: "~5MB of DPAMT memory usage for 704G guest memory", 1G guest_memfd,
  // DPAMT only for 4K mappings). KVM maps the 1G pages with 2M leaves (kvmMaxLeaf '2m'), so what
  // needs pairs is the image, the control and S-EPT pages, and the 2M mappings the guest's
  // swiotlb conversion splits: a fresh host, no fragmentation chosen to land near the list.
  'guest-704g-1g-pages': {
    name: '704 GiB guest on 1 GiB pages, 2M leaves, swiotlb shared (list report: ~5 MB, §2.9)',
    durationNs: 60 * S,
    kvmMaxLeaf: '2m',
    tdClasses: [
      {
        name: '704 GiB TD, 1G guest_memfd',
        count: 1,
        memoryBytes: 704 * GiB,
        vcpus: 32,
        share1g: 1,
        imageBytes: 4 * 2 ** 20,
        conversions: { poolBytes: 'swiotlb', poolOffsetPages: 256 }
      }
    ]
  },
  'host-90pct-4k': {
    name: 'Host filled to 90% with 4K-mapped TDs',
    durationNs: 60 * S,
    tdClasses: [{ name: '32 GiB TD', count: 1, memoryBytes: 32 * GiB, vcpus: 8 }]
  },
  'mixed-fleet-churn': {
    name: 'Mixed fleet with Poisson churn',
    durationNs: 600 * S,
    host: { fragmentation: 0.3, reclaimFailureRate: 0 },
    tdClasses: [
      {
        name: 'small 4K',
        count: 40,
        memoryBytes: 8 * GiB,
        vcpus: 2,
        accept: { mode: 'lazy', durationNs: 10 * S, steps: 16 },
        lifetimeNs: 120 * S,
        arrival: { mode: 'poisson', startNs: 0, meanIntervalNs: 10 * S }
      },
      {
        name: 'large 2M',
        count: 8,
        memoryBytes: 64 * GiB,
        vcpus: 16,
        share2m: 0.9,
        demoteShare: 0.05,
        lifetimeNs: 300 * S,
        arrival: { mode: 'staggered', startNs: 0, intervalNs: 30 * S }
      }
    ]
  }
}

/**
 * Contention presets from the list threads: the measured boot storm (§3.3) as the list ran it and
 * as a synchronized storm, TDs shutting down at once (SEED003), and DEMOTE under load from a
 * second TD (SEED004: DEMOTE's shared walks on its pair pages against another TD's PAMT.ADD).
 */
const CONTENTION_PRESET_INPUTS: Record<string, ScenarioInput> = {
  'calibration-10x16g': {
    name: 'Calibration: 10 TDs x 16 GB, 4 vCPUs, 2 sockets, no huge pages, start then shut down (§3.3)',
    durationNs: 40 * S,
    tdClasses: [
      { name: '16 GiB TD', count: 10, memoryBytes: 16 * GiB, vcpus: 4, lifetimeNs: 15 * S }
    ]
  },
  // The same TDs with every source of desynchronisation off (contentionPresetSettings): all 40
  // vCPUs start in the same nanosecond and every cost is a constant, so they run in lockstep.
  'synchronized-boot-storm': {
    name: 'Synchronized boot storm: the calibration TDs started in the same instant, constant costs (lockstep)',
    durationNs: 40 * S,
    tdClasses: [
      { name: '16 GiB TD', count: 10, memoryBytes: 16 * GiB, vcpus: 4, lifetimeNs: 15 * S }
    ]
  },
  // SEED003: "Contend heavily when two TD's shutting down at the same time?" Every 1->0 put takes
  // the lock for PAMT.REMOVE, so the puts contend when regions empty often: guest memory spread
  // over the host (fragmentation 0.5: 23 pages of a TD per 2 MiB region) rather than whole regions.
  // Both TDs finish faulting (about 7 s) before they end at 10 s and tear down together.
  'two-td-shutdown': {
    name: 'Two 16 GiB TDs on a fragmented host shutting down at once (SEED003)',
    durationNs: 30 * S,
    host: { fragmentation: 0.5 },
    tdClasses: [
      { name: '16 GiB TD', count: 2, memoryBytes: 16 * GiB, vcpus: 8, lifetimeNs: 10 * S }
    ]
  },
  'demote-under-load': {
    name: 'DEMOTE under load from a second TD (SEED004)',
    durationNs: 30 * S,
    tdClasses: [
      {
        name: 'demoting TD (2M)',
        count: 1,
        memoryBytes: 64 * GiB,
        vcpus: 8,
        share2m: 1,
        demoteShare: 0.5,
        imageBytes: 4 * 2 ** 20
      },
      { name: 'booting TD (4K)', count: 4, memoryBytes: 16 * GiB, vcpus: 4 }
    ]
  }
}

/**
 * Contention settings a preset fixes, beside its scenario: the synchronized storm turns start
 * jitter and service-time variation off (the model before they existed: 1163 contentions at the
 * time, docs/contention-model.md). Applying a preset sets these and leaves the other settings.
 */
const CONTENTION_PRESET_SETTINGS: Record<string, ContentionPresetSettings> = {
  'synchronized-boot-storm': { tdStartJitterNs: 0, vcpuStartJitterNs: 0, serviceCv: 0 }
}

/** The desynchronisation settings a contention preset sets (empty: the run's own). */
export interface ContentionPresetSettings {
  tdStartJitterNs?: number
  vcpuStartJitterNs?: number
  serviceCv?: number
}

/** The settings a contention preset fixes ({} for none). */
export function contentionPresetSettings(name: string): ContentionPresetSettings {
  return { ...CONTENTION_PRESET_SETTINGS[name] }
}

export const PRESET_NAMES = Object.keys(PRESET_INPUTS)
export const CONTENTION_PRESET_NAMES = Object.keys(CONTENTION_PRESET_INPUTS)

/** A contention preset scenario, or null. */
export function contentionPresetScenario(name: string): Scenario | null {
  const input = CONTENTION_PRESET_INPUTS[name]
  return input ? scenarioSchema.parse(input) : null
}

/**
 * A preset scenario. `host-90pct-4k` is sized to the host: as many 32 GiB TDs as fill 90 % of its
 * TDX memory (at least one).
 */
export function presetScenario(name: string, hostTdxMemoryBytes?: number): Scenario | null {
  const input = PRESET_INPUTS[name]
  if (!input) return null
  const scenario = scenarioSchema.parse(input)
  if (name === 'host-90pct-4k' && hostTdxMemoryBytes !== undefined) {
    const cls = scenario.tdClasses[0]!
    cls.count = Math.max(1, Math.floor((0.9 * hostTdxMemoryBytes) / cls.memoryBytes))
  }
  return scenario
}
