import { describe, expect, it } from 'vitest'
import { bytesAxisInterval, formatAxisBytes } from '@shared/charts/workload/bytesAxis'

describe('byte axis', () => {
  it('ticks on powers of two, about six up the axis', () => {
    expect(bytesAxisInterval(2 ** 30)).toBe(256 * 2 ** 20)
    expect(bytesAxisInterval(668 * 2 ** 20)).toBe(128 * 2 ** 20)
    expect(bytesAxisInterval(0)).toBeUndefined()
  })
  it('labels without trailing zeros', () => {
    expect(formatAxisBytes(0)).toBe('0 B')
    expect(formatAxisBytes(768 * 2 ** 20)).toBe('768 MiB')
    expect(formatAxisBytes(1.25 * 2 ** 30)).toBe('1.25 GiB')
    expect(formatAxisBytes(1.5 * 2 ** 30)).toBe('1.5 GiB')
    expect(formatAxisBytes(100 * 2 ** 20)).toBe('100 MiB')
  })
})
