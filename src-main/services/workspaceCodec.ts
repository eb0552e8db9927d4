import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { JsonSyntaxError, lineAndColumn, parseJsonDocument } from '@shared/import/textChecks'
import { migrateWorkspace } from '@shared/workspace/migrate'
import {
  EMBED_PLAIN_MAX_BYTES,
  MAX_WORKSPACE_FILE_BYTES,
  workspaceSchema,
  type EmbeddedText,
  type Workspace
} from '@shared/workspace/workspaceSchema'
import { formatLimitBytes } from '@shared/import/limits'

/**
 * Embedding host texts in a workspace and reading a workspace file, in main (docs/workspaces.md).
 * Compression is here, with zlib, not in the renderer (CompressionStream): main already holds each
 * host's text (HostStore), so the text never has to cross to the renderer and back.
 */

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** A host text as embedded: plain up to EMBED_PLAIN_MAX_BYTES, else gzip + base64. */
export function embedText(text: string, plainMaxBytes = EMBED_PLAIN_MAX_BYTES): EmbeddedText {
  const bytes = Buffer.byteLength(text, 'utf8')
  const sha256 = sha256Hex(text)
  if (bytes <= plainMaxBytes) return { encoding: 'text', data: text, bytes, sha256 }
  return {
    encoding: 'gzip-base64',
    data: gzipSync(Buffer.from(text, 'utf8')).toString('base64'),
    bytes,
    sha256
  }
}

/** The original text back; its length and SHA-256 must match what the file recorded. */
export function extractText(
  e: EmbeddedText
): { ok: true; text: string } | { ok: false; why: string } {
  let text: string
  if (e.encoding === 'text') text = e.data
  else {
    if (e.bytes > MAX_HOST_FILE_BYTES)
      return { ok: false, why: 'its text is over the host size limit' }
    try {
      // maxOutputLength: a small "zip bomb" cannot inflate past the host limit.
      text = gunzipSync(Buffer.from(e.data, 'base64'), {
        maxOutputLength: MAX_HOST_FILE_BYTES
      }).toString('utf8')
    } catch (x) {
      return { ok: false, why: `its gzip data is damaged (${(x as Error).message})` }
    }
  }
  if (Buffer.byteLength(text, 'utf8') !== e.bytes)
    return { ok: false, why: `its text is not the ${e.bytes} bytes the file records` }
  if (sha256Hex(text) !== e.sha256)
    return { ok: false, why: 'its text does not match the SHA-256 the file records' }
  return { ok: true, text }
}

/**
 * Parse a workspace file's text: JSON (a syntax error names its line and column), version check
 * and migrations, then the schema (an error names the JSON path and its line). Every failure is one
 * line naming `fileName`; nothing here changes any state.
 */
export function parseWorkspaceText(
  text: string,
  fileName: string
): ApiResult<{ workspace: Workspace; fromVersion: number; migrations: string[] }> {
  if (text.length > MAX_WORKSPACE_FILE_BYTES)
    return err(
      'FILE_TOO_LARGE',
      `workspace is larger than the ${formatLimitBytes(MAX_WORKSPACE_FILE_BYTES)} limit`,
      { fileName }
    )
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    // The built-in parser is fast but vague; the importers' parser names the line and column.
    try {
      parseJsonDocument(body)
    } catch (e) {
      if (e instanceof JsonSyntaxError) {
        const { line, column } = lineAndColumn(body, e.offset)
        return err(
          'MALFORMED_LINE',
          `workspace is not valid JSON (is it truncated?): ${e.message} at line ${line}, column ${column}`,
          { fileName, line }
        )
      }
      throw e
    }
    return err('MALFORMED_LINE', 'workspace is not valid JSON', { fileName })
  }
  const migrated = migrateWorkspace(value, { embed: (t) => embedText(t) })
  if (!migrated.ok)
    return err('INVALID_REQUEST', migrated.message, withLine(body, fileName, migrated.path))
  const parsed = workspaceSchema.safeParse(migrated.doc)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path ?? []
    const where = path.length ? ` at "${path.join('.')}"` : ''
    // Paths of a migrated document are the new version's: the line is that of the original file
    // only when nothing was migrated.
    return err(
      'INVALID_REQUEST',
      `workspace${where}: ${issue?.message ?? 'invalid'}`,
      withLine(body, fileName, migrated.steps.length ? undefined : path)
    )
  }
  return ok({
    workspace: parsed.data,
    fromVersion: migrated.fromVersion,
    migrations: migrated.steps
  })
}

/** `{ fileName, line }` of `path` in the text, when it can be located. */
function withLine(
  text: string,
  fileName: string,
  path: PropertyKey[] | undefined
): { fileName: string; line?: number } {
  if (!path) return { fileName }
  try {
    const doc = parseJsonDocument(text)
    const offset = doc.offsetOf(path)
    return { fileName, line: lineAndColumn(text, offset).line }
  } catch {
    return { fileName }
  }
}
