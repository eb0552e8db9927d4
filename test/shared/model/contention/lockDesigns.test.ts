import { describe, expect, it } from 'vitest'
import {
  hash64,
  hashedLockIndex,
  lockDesignSchema,
  lockIndexFor,
  lockName
} from '@shared/model/contention/designs'

/**
 * hash_64 as include/linux/hash.h defines it: val × GOLDEN_RATIO_64 (0x61C8864680B583EB) mod 2^64,
 * top `bits` bits. Expected values by hand from the constant.
 */
describe('hashed:N hashes the region with the kernel’s hash_64', () => {
  it('hash_64(1, 6) and hash_64(2, 6): the top 6 bits of GR and of 2·GR', () => {
    // GR = 0x61C8...: 0110 0001 → top 6 bits 011000 = 24.
    expect(hash64(1, 6)).toBe(24)
    // 2·GR = 0xC3910C8D016B07D6: 1100 0011 → 110000 = 48.
    expect(hash64(2, 6)).toBe(48)
    // 3·GR = 0x1_255992D382208BC1, mod 2^64 0x255992D382208BC1: 0010 0101 → 001001 = 9.
    expect(hash64(3, 6)).toBe(9)
    // The top 32 bits of GR.
    expect(hash64(1, 32)).toBe(0x61c88646)
  })

  it('a power-of-two N takes hash_64(region, ilog2 N); region mod N is the separate mod:N', () => {
    expect(lockIndexFor('hashed:64', 1)).toBe(24)
    expect(lockIndexFor('hashed:64', 3)).toBe(9)
    // mod:64 keeps the old plain modulo: 130 = 2·64 + 2.
    expect(lockIndexFor('mod:64', 130)).toBe(2)
    expect(lockIndexFor('mod:64', 130 + 64 * 1000)).toBe(2)
  })

  it('another N scales hash_64(region, 32) into [0, N) like reciprocal_scale()', () => {
    // hash_64(1, 32) = 0x61C88646 = 1640531526; × 63 / 2^32 = 103353486138 / 4294967296 = 24.06.
    expect(hashedLockIndex(1, 63)).toBe(24)
    // hash_64(3, 32) = 0x255992D3 = 626627283; × 63 / 2^32 = 9.19.
    expect(hashedLockIndex(3, 63)).toBe(9)
    // For a power of two the scaled form is the same lock: the top 6 of the top 32 bits.
    expect(hashedLockIndex(1, 64)).toBe(Math.floor((0x61c88646 * 64) / 2 ** 32))
    expect(hashedLockIndex(12345, 1)).toBe(0)
  })

  it('parses hashed:N and mod:N; other names fail with one sentence naming every design', () => {
    expect(lockDesignSchema.safeParse('mod:64').success).toBe(true)
    expect(lockDesignSchema.safeParse('hashed:63').success).toBe(true)
    for (const bad of ['mod:0', 'hashed:', 'modulo:4', 'hashed:1000000']) {
      const r = lockDesignSchema.safeParse(bad)
      expect(r.success).toBe(false)
      expect(r.error?.issues[0]?.message).toBe(
        'a design is v6, always-lock, per-2m, hashed:N, mod:N (N locks, a whole number from 1 to 999999) or module-only'
      )
    }
    expect(lockName('mod:64')).toBe('pamt_lock[mod 64]')
    expect(lockName('hashed:64')).toBe('pamt_lock[hash 64]')
  })
})
