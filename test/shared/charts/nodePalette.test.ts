import { describe, expect, it } from 'vitest'
import { NODE_PALETTE, nodeColor } from '@shared/charts/nodePalette'
import { MEMORY_TYPE_COLORS, RAM_OUTSIDE_MEMBLOCK_COLOR } from '@shared/charts/addressMap/colors'

/**
 * CIE76 colour difference, computed here from the definitions (sRGB → linear → XYZ with the D65
 * white → CIELAB; ΔE is the Euclidean distance in L*a*b*), not by the code under test.
 * Roughly: ΔE 2 is just noticeable side by side, 10+ reads as another colour at a glance.
 */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]
}
const deltaE = (a: string, b: string): number => {
  const [p, q] = [lab(a), lab(b)]
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])
}

describe('NUMA node palette', () => {
  it('gives the 16 nodes of a 16-socket host 16 different colours (nodes 1, 9 and 13 were all green)', () => {
    const colours = Array.from({ length: 16 }, (_, nid) => nodeColor(nid))
    expect(new Set(colours).size).toBe(16)
    expect(new Set([nodeColor(1), nodeColor(9), nodeColor(13)]).size).toBe(3)
  })

  it('keeps every pair of its 20 colours apart, and neighbouring node ids far apart', () => {
    expect(NODE_PALETTE).toHaveLength(20)
    let minPair = Infinity
    for (let i = 0; i < NODE_PALETTE.length; i++)
      for (let j = i + 1; j < NODE_PALETTE.length; j++)
        minPair = Math.min(minPair, deltaE(NODE_PALETTE[i]!, NODE_PALETTE[j]!))
    expect(minPair).toBeGreaterThanOrEqual(18)
    for (let i = 0; i + 1 < NODE_PALETTE.length; i++)
      expect(deltaE(NODE_PALETTE[i]!, NODE_PALETTE[i + 1]!)).toBeGreaterThanOrEqual(40)
  })

  it('never looks like a non-RAM memory type or RAM outside memblock', () => {
    const others = [...Object.values(MEMORY_TYPE_COLORS), RAM_OUTSIDE_MEMBLOCK_COLOR].filter(
      // RAM's own type colour is only a fallback; RAM is drawn in its node's colour.
      (c) => c !== MEMORY_TYPE_COLORS.ram
    )
    for (const p of NODE_PALETTE) for (const o of others) expect(deltaE(p, o)).toBeGreaterThan(20)
  })

  it('maps a node id, not a list position, and repeats only after 20 nodes', () => {
    expect(nodeColor(3)).toBe(NODE_PALETTE[3])
    expect(nodeColor(20)).toBe(NODE_PALETTE[0])
    expect(nodeColor(-1)).toBe(NODE_PALETTE[19])
  })
})
