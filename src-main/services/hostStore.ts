import type { HostResult } from '@shared/api/contract'
import type { ImportSummary } from '@shared/import/hostImport'
import type { HostInput } from '@shared/model/host/memoryMap'

export interface StoredHost {
  host: HostInput
  summary: ImportSummary
  source: HostResult['source']
  /** TDX memory from the worker's analysis (sizes presets without re-running the model). */
  tdxMemoryBytes: number
  /** The text the host was imported from, kept so a workspace can embed it (docs/workspaces.md). */
  text?: string
}

/**
 * Default budget for stored hosts: 128 MiB of their JSON form. The real hosts in the test fixtures
 * are 1.5-9 KB each; a 64 MiB log of nothing but e820 lines (~850k ranges, the most the importers
 * accept) imports to ~80 MiB, so one such host fits beside thousands of real ones.
 */
export const DEFAULT_HOST_STORE_BYTES = 128 * 1024 * 1024

/**
 * A stored host's size: the length of its JSON form (host, summary, source) plus its input text.
 * Plain data of small
 * numbers and short strings, so this tracks its heap size within a small factor; it is computed
 * once, when the host is stored.
 */
export function storedHostBytes(entry: StoredHost): number {
  // The input text counts once, by its length, without copying it into a JSON string.
  return JSON.stringify({ ...entry, text: undefined }).length + (entry.text?.length ?? 0)
}

/**
 * Imported hosts kept in main so the renderer can re-analyse or export them by id without sending
 * the file again. Bounded by bytes (`maxBytes` of `sizeOf`): past it, the least recently used hosts
 * are dropped, oldest first, but never the one just stored. A dropped id is told apart from one
 * that never existed (ids are `h1`, `h2`, … in order), so callers can say "re-open it".
 */
export class HostStore {
  /** In recency order: the first entry is the least recently used. */
  private readonly hosts = new Map<string, { entry: StoredHost; bytes: number }>()
  private next = 1
  private total = 0

  constructor(
    private readonly maxBytes = DEFAULT_HOST_STORE_BYTES,
    private readonly sizeOf: (entry: StoredHost) => number = storedHostBytes
  ) {}

  add(entry: StoredHost): string {
    const id = `h${this.next++}`
    const bytes = this.sizeOf(entry)
    this.hosts.set(id, { entry, bytes })
    this.total += bytes
    for (const [oldId, old] of this.hosts) {
      if (this.total <= this.maxBytes || oldId === id) break
      this.hosts.delete(oldId)
      this.total -= old.bytes
    }
    return id
  }

  /** The host, marked as just used; undefined if it was never stored or has been dropped. */
  get(id: string): StoredHost | undefined {
    const found = this.hosts.get(id)
    if (!found) return undefined
    this.hosts.delete(id)
    this.hosts.set(id, found)
    return found.entry
  }

  /** Whether `id` was stored here once and has been dropped to stay within the budget. */
  wasEvicted(id: string): boolean {
    const n = /^h([1-9][0-9]*)$/.exec(id)
    return n !== null && Number(n[1]) < this.next && !this.hosts.has(id)
  }

  /** Bytes (by `sizeOf`) of the hosts held now. */
  get totalBytes(): number {
    return this.total
  }

  /** Ids held now, least recently used first. */
  ids(): string[] {
    return [...this.hosts.keys()]
  }
}
