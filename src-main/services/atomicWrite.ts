import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'

/** Prefix of the temporary files atomicWrite leaves behind if it is killed (never a `.pamtplan`). */
export const TEMP_PREFIX = '.pamt-planner-tmp-'

/** The temporary file name used for `target`: hidden, same folder, a random suffix, `.tmp`. */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `${TEMP_PREFIX}${basename(target)}.${randomBytes(6).toString('hex')}.tmp`
  )
}

/**
 * Write `data` to `target` so that a crash or kill at any moment leaves either the previous file or
 * the new one, whole (docs/workspaces.md, "Safe writes"): write a temporary file in the same folder
 * (a rename is atomic only within one file system), fsync it, rename it over the target, then
 * fsync the folder so the rename itself survives a power cut. `chunks` lets a caller (and the
 * kill test) write a large file piecewise; `onChunk` runs after each chunk is written.
 */
export async function atomicWrite(
  target: string,
  data: string | Uint8Array | Iterable<string | Uint8Array>,
  opts: { onChunk?: (index: number) => Promise<void> | void } = {}
): Promise<void> {
  const temp = tempPathFor(target)
  const file = await open(temp, 'wx', 0o600)
  let renamed = false
  try {
    const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data
    let i = 0
    for (const chunk of chunks) {
      await file.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
      await opts.onChunk?.(i++)
    }
    await file.sync()
    await file.close()
    await rename(temp, target)
    renamed = true
    await syncFolder(dirname(target))
  } finally {
    if (!renamed) {
      await file.close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
    }
  }
}

/** fsync a folder (its entry list); some file systems refuse, which loses nothing already synced. */
async function syncFolder(folder: string): Promise<void> {
  let dir
  try {
    dir = await open(folder, 'r')
    await dir.sync()
  } catch {
    // EISDIR / EINVAL / EPERM on file systems that cannot sync a folder: the data is on disk.
  } finally {
    await dir?.close()
  }
}
