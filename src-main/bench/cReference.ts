import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The plain-C reference figures of `npm run bench` (issue 14: "next to plain C programs doing the
 * same work in the same run"): src-main/bench/c/*.c compiled here with `cc -O2` and run once each,
 * so the JS figures and the C ones share the machine's load of the moment.
 */
export interface CReference {
  /** `cc --version`'s first line, or "no C compiler". */
  compiler: string
  /** md1.c: binary-heap M/D/1 DES, the M/D/1 figure's customers, ρ and hold. */
  md1: Record<string, number> | null
  /** refcount.c over each fill's page operations (fresh, fragmented), by fill name. */
  refcount: Record<string, Record<string, number>>
}

/** One fill's page operations, for refcount.c. */
export interface FillShape {
  name: string
  tds: number
  pagesPerTd: number
  pagesPerRegionVisit: number
  regions: number
}

function runJson(bin: string, args: Array<number | string>): Record<string, number> | null {
  const r = spawnSync(bin, args.map(String), { encoding: 'utf8', timeout: 600_000 })
  if (r.status !== 0) return null
  try {
    return JSON.parse(r.stdout) as Record<string, number>
  } catch {
    return null
  }
}

export function runCReference(
  cDir: string,
  md1: { customers: number; rho: number; holdNs: number; seed: number },
  fills: readonly FillShape[]
): CReference {
  const version = spawnSync('cc', ['--version'], { encoding: 'utf8' })
  if (version.error || version.status !== 0)
    return { compiler: 'no C compiler', md1: null, refcount: {} }
  const dir = mkdtempSync(join(tmpdir(), 'pamt-bench-c-'))
  try {
    const build = (name: string, libs: string[] = []): string | null => {
      const out = join(dir, name)
      const r = spawnSync('cc', ['-O2', '-o', out, join(cDir, `${name}.c`), ...libs], {
        encoding: 'utf8'
      })
      return r.status === 0 ? out : null
    }
    const md1Bin = build('md1', ['-lm'])
    const rcBin = build('refcount')
    const refcount: CReference['refcount'] = {}
    if (rcBin) {
      for (const f of fills) {
        const r = runJson(rcBin, [f.tds, f.pagesPerTd, f.pagesPerRegionVisit, f.regions])
        if (r) refcount[f.name] = r
      }
    }
    return {
      compiler: `${version.stdout.split('\n')[0]!.trim()} (-O2)`,
      md1: md1Bin ? runJson(md1Bin, [md1.customers, md1.rho, md1.holdNs, md1.seed]) : null,
      refcount
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
