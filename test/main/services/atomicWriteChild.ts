/**
 * Child process of atomicWrite.test.ts (bundled by the test): writes `chunks` chunks of `bytes`
 * bytes each to `target` with the real atomicWrite. In `pause` mode it reports on stdout after
 * the first chunk and then waits for stdin, so the parent kills it mid-write at a known point.
 */
import { atomicWrite } from '../../../src-main/services/atomicWrite'

const [target, chunkCount, chunkBytes, mode] = process.argv.slice(2)

function* chunks(): Generator<Uint8Array> {
  for (let i = 0; i < Number(chunkCount); i++) yield Buffer.alloc(Number(chunkBytes), 0x41 + i)
}

await atomicWrite(target!, chunks(), {
  onChunk: (i) => {
    if (mode !== 'pause' || i !== 0) return
    process.stdout.write('first chunk written\n')
    return new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))
  }
})
process.stdout.write('done\n')
