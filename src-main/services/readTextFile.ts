import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { formatLimitBytes } from '@shared/import/limits'

/**
 * Read a user-chosen text file with the size limit checked before any byte is read, so a 200 MB
 * file is refused at once. Invalid UTF-8 becomes U+FFFD, which the importer reports as binary.
 */
export async function readTextFile(
  path: string,
  maxBytes: number,
  /** What the limit is for, in the too-large message: "host logs", "traces", "scenario files". */
  what = 'host logs'
): Promise<ApiResult<{ fileName: string; text: string }>> {
  const fileName = basename(path)
  try {
    const info = await stat(path)
    if (!info.isFile()) return err('FILE_UNREADABLE', 'not a regular file', { fileName })
    if (info.size > maxBytes) {
      return err(
        'FILE_TOO_LARGE',
        `file is ${(info.size / 2 ** 20).toFixed(0)} MiB, larger than the ${formatLimitBytes(maxBytes)} limit for ${what}`,
        { fileName }
      )
    }
    return ok({ fileName, text: await readFile(path, 'utf8') })
  } catch (e) {
    return err('FILE_UNREADABLE', `cannot read file: ${(e as Error).message}`, { fileName })
  }
}
