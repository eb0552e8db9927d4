import { FLEET_CHUNK_MAX_FILES, FLEET_CHUNK_TARGET_BYTES } from '../api/fleetContract'
import { MAX_HOST_FILE_BYTES } from '../import/limits'

/** One step of a browser-mode fleet upload: a chunk of files to send, or a file too large to. */
export type FleetChunkStep =
  { kind: 'chunk'; indexes: number[] } | { kind: 'tooLarge'; index: number }

export interface FleetChunkLimits {
  maxFiles: number
  targetBytes: number
  maxFileBytes: number
}

export const DEFAULT_FLEET_CHUNK_LIMITS: FleetChunkLimits = {
  maxFiles: FLEET_CHUNK_MAX_FILES,
  targetBytes: FLEET_CHUNK_TARGET_BYTES,
  maxFileBytes: MAX_HOST_FILE_BYTES
}

/**
 * How the Fleet view sends the files chosen, in their order (docs/fleet.md, "Fleet view"): chunks
 * of at most `maxFiles` files and `targetBytes` of text, except that a file larger than
 * `targetBytes` goes alone; a file over the host limit (`maxFileBytes`) is not sent (its row is
 * FILE_TOO_LARGE). Pure, so the chunking the GUI does is tested beside the CLI's run.
 */
export function planFleetChunks(
  sizes: readonly number[],
  limits: FleetChunkLimits = DEFAULT_FLEET_CHUNK_LIMITS
): FleetChunkStep[] {
  const steps: FleetChunkStep[] = []
  let chunk: number[] = []
  let bytes = 0
  const flush = (): void => {
    if (chunk.length > 0) steps.push({ kind: 'chunk', indexes: chunk })
    chunk = []
    bytes = 0
  }
  sizes.forEach((size, index) => {
    if (size > limits.maxFileBytes) {
      flush()
      steps.push({ kind: 'tooLarge', index })
      return
    }
    if (chunk.length >= limits.maxFiles || (chunk.length > 0 && bytes + size > limits.targetBytes))
      flush()
    chunk.push(index)
    bytes += size
  })
  flush()
  return steps
}
