import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importHostText } from '@shared/import/importHost'
import { hostInputToJson } from '@shared/import/hostJson'
import type { HostInput, MemoryRange, NumaMemblk } from '@shared/model/host/memoryMap'
import { SeededRandom } from '@shared/model/workload/random'

/**
 * A generated fleet for `npm run bench` (docs/fleet.md, "Bench"): host logs made from the shipped
 * real logs (test/fixtures/hosts), varied as a real fleet varies, deterministic for a seed.
 *
 * - Shapes: each real log at ×1, ×2, ×4 and ×½ its memory above 4 GiB (more or fewer DIMMs), with
 *   its own NUMA layout or another (a NUMA host's nodes paired up, a one-node host split in two):
 *   a few dozen shapes, drawn with Zipf weights, as a fleet has a few big shapes and a long tail.
 * - Holes: one host in ten has a reserved hole (2 MiB, 64 MiB or 1 GiB, as firmware or `memmap=`
 *   reserves) punched into its largest RAM range above 4 GiB: a shape of its own.
 * - Formats: boot logs (the real log's other lines kept: CPU, DMI, TDX lines, noise), with the
 *   CMR-only TDX hosts and one host in twenty written as host JSON.
 * - Bad files: one in two hundred is cut off inside an e820 line or has a reversed range.
 */

const GiB = 2 ** 30
const MiB = 2 ** 20
const FOUR_G = 4 * GiB

/** Lines of a real log that carry its memory map or NUMA layout; the generator writes its own. */
const MAP_LINE = /e820|SRAT: Node|NUMA:|\[mem |CMR|physical RAM map/

interface Shape {
  name: string
  host: HostInput
  /** The real log's other lines (CPU, DMI, TDX, noise), kept in generated boot logs. */
  otherLines: string[]
  /** Written as host JSON (the map came from CMRs, which a boot log of ours would not carry). */
  json: boolean
}

const hex = (n: number): string => `0x${n.toString(16).padStart(16, '0')}`

/** Addresses above 4 GiB stretched by `scale`, rounded down to 2 MiB so every bound stays aligned. */
function scaleAddress(a: number, scale: number): number {
  if (a <= FOUR_G) return a
  return FOUR_G + Math.floor(((a - FOUR_G) * scale) / (2 * MiB)) * 2 * MiB
}

function scaled(host: HostInput, scale: number): HostInput {
  const ranges = host.ranges
    .map((r) => ({
      ...r,
      baseBytes: scaleAddress(r.baseBytes, scale),
      endBytes: scaleAddress(r.endBytes, scale)
    }))
    .filter((r) => r.endBytes > r.baseBytes)
  const numaMemblks = host.numaMemblks
    .map((m) => ({
      ...m,
      baseBytes: scaleAddress(m.baseBytes, scale),
      endBytes: scaleAddress(m.endBytes, scale)
    }))
    .filter((m) => m.endBytes > m.baseBytes)
  const cmrs = host.cmrs
    .map((c) => ({
      ...c,
      baseBytes: scaleAddress(c.baseBytes, scale),
      endBytes: scaleAddress(c.endBytes, scale)
    }))
    .filter((c) => c.endBytes > c.baseBytes)
  return { ...host, ranges, numaMemblks, cmrs }
}

/** Another NUMA layout: a NUMA host's nodes paired (n → n/2), a one-node host split in two at 1 GiB. */
function renoded(host: HostInput): HostInput {
  if (host.numaMemblks.length > 0) {
    const numaMemblks = host.numaMemblks.map((m) => ({ ...m, nid: Math.floor(m.nid / 2) }))
    return { ...host, numaMemblks }
  }
  let end = 0
  for (const r of host.ranges) if (r.type === 'ram') end = Math.max(end, r.endBytes)
  if (end <= FOUR_G + 2 * GiB) return host
  const mid = FOUR_G + Math.floor((end - FOUR_G) / 2 / GiB) * GiB
  const blk = (baseBytes: number, endBytes: number, nid: number): NumaMemblk => ({
    baseBytes,
    endBytes,
    nid,
    hotplug: false,
    line: 0
  })
  return {
    ...host,
    numaMemblks: [blk(0, mid, 0), blk(mid, Math.ceil(end / GiB) * GiB, 1)],
    numaSource: 'srat'
  }
}

/** A reserved hole of `size` bytes inside the largest RAM range above 4 GiB, at a random 2 MiB offset. */
function withHole(host: HostInput, size: number, rng: SeededRandom): HostInput {
  let best = -1
  host.ranges.forEach((r, i) => {
    if (r.type !== 'ram' || r.baseBytes < FOUR_G) return
    const len = r.endBytes - r.baseBytes
    if (
      len > 4 * size &&
      (best < 0 || len > host.ranges[best]!.endBytes - host.ranges[best]!.baseBytes)
    )
      best = i
  })
  if (best < 0) return host
  const r = host.ranges[best]!
  const slots = Math.floor((r.endBytes - r.baseBytes - 2 * size) / (2 * MiB))
  const at = r.baseBytes + size + Math.floor(rng.next() * slots) * 2 * MiB
  const hole: MemoryRange[] = [
    { ...r, endBytes: at },
    { baseBytes: at, endBytes: at + size, type: 'reserved', typeLabel: 'reserved', line: 0 },
    { ...r, baseBytes: at + size }
  ]
  const ranges = [...host.ranges.slice(0, best), ...hole, ...host.ranges.slice(best + 1)]
  return { ...host, ranges }
}

/** A boot log of a host: its e820 table and SRAT lines in the kernel's formats, then the real log's other lines. */
function bootLog(shape: Shape, host: HostInput): string {
  const lines = ['[    0.000000] BIOS-provided physical RAM map:']
  for (const r of host.ranges)
    lines.push(
      `[    0.000000] BIOS-e820: [mem ${hex(r.baseBytes)}-${hex(r.endBytes - 1)}] ${r.typeLabel}`
    )
  for (const m of host.numaMemblks)
    lines.push(
      `[    0.000000] ACPI: SRAT: Node ${m.nid} PXM ${m.nid} [mem 0x${m.baseBytes.toString(16).padStart(8, '0')}-0x${(m.endBytes - 1).toString(16).padStart(8, '0')}]${m.hotplug ? ' hotplug' : ''}`
    )
  for (const l of shape.otherLines) lines.push(l)
  return `${lines.join('\n')}\n`
}

/** The shapes: every real log that imports, at each scale and NUMA layout. */
function shapesFrom(fixturesDir: string): Shape[] {
  const shapes: Shape[] = []
  for (const name of readdirSync(fixturesDir)
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    const text = readFileSync(join(fixturesDir, name), 'utf8')
    const imported = importHostText(text, name)
    if (!imported.ok) continue
    const host = imported.host
    const json = host.memorySource !== 'e820'
    const otherLines = text
      .split('\n')
      .filter((l) => !l.startsWith('#') && l.trim() !== '' && !MAP_LINE.test(l))
    for (const scale of [1, 2, 4, 0.5]) {
      const own = scaled(host, scale)
      shapes.push({ name: `${name} ×${scale}`, host: own, otherLines, json })
      const other = renoded(own)
      if (other !== own)
        shapes.push({ name: `${name} ×${scale}, other NUMA`, host: other, otherLines, json })
    }
  }
  return shapes
}

export interface GeneratedFleet {
  dir: string
  hosts: number
  shapes: number
  /** Files written to be unreadable: the run must report exactly these as error rows. */
  badFiles: number
  hostJsonFiles: number
  holes: number
  bytes: number
}

/**
 * Write `count` host files under `dir` (100 per `rack-NNN` folder) from the real logs in
 * `fixturesDir`; deterministic for `seed`.
 */
export function generateFleet(
  fixturesDir: string,
  dir: string,
  count: number,
  seed = 1
): GeneratedFleet {
  const rng = new SeededRandom(seed)
  const shapes = shapesFrom(fixturesDir)
  // Zipf weights over a seeded order: a few common shapes, a long tail.
  const order = shapes.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const cumulative: number[] = []
  let total = 0
  for (let k = 0; k < order.length; k++) cumulative.push((total += 1 / (k + 1)))
  const pick = (): Shape => {
    const u = rng.next() * total
    const k = cumulative.findIndex((c) => c >= u)
    return shapes[order[k < 0 ? order.length - 1 : k]!]!
  }
  const out: GeneratedFleet = {
    dir,
    hosts: count,
    shapes: shapes.length,
    badFiles: 0,
    hostJsonFiles: 0,
    holes: 0,
    bytes: 0
  }
  for (let i = 0; i < count; i++) {
    const rack = join(dir, `rack-${String(Math.floor(i / 100)).padStart(3, '0')}`)
    if (i % 100 === 0) mkdirSync(rack, { recursive: true })
    const shape = pick()
    let host: HostInput = { ...shape.host, name: `host-${i}` }
    if (rng.next() < 0.1) {
      host = withHole(host, [2 * MiB, 64 * MiB, GiB][Math.floor(rng.next() * 3)]!, rng)
      out.holes++
    }
    const asJson = shape.json || rng.next() < 0.05
    let text = asJson ? hostInputToJson(host) : bootLog(shape, host)
    const name = `host-${String(i).padStart(5, '0')}.${asJson ? 'json' : 'log'}`
    if (rng.next() < 0.005) {
      out.badFiles++
      // Cut inside the first e820 line, or make one range end before it starts.
      text = asJson
        ? text.slice(0, Math.floor(text.length / 2))
        : text.replace(/\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable/, '[mem $2-$1] usable')
    } else if (asJson) out.hostJsonFiles++
    writeFileSync(join(rack, name), text)
    out.bytes += text.length
  }
  return out
}
