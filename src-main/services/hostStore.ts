import type { HostResult } from '@shared/api/contract'
import type { ImportSummary } from '@shared/import/hostImport'
import type { HostInput } from '@shared/model/host/memoryMap'

export interface StoredHost {
  host: HostInput
  summary: ImportSummary
  source: HostResult['source']
  /** TDX memory from the worker's analysis (sizes presets without re-running the model). */
  tdxMemoryBytes: number
}

/**
 * Imported hosts kept in main so the renderer can re-analyse or export them by id without sending
 * the file again. Bounded: the oldest host is dropped past `capacity`.
 */
export class HostStore {
  private readonly hosts = new Map<string, StoredHost>()
  private next = 1

  constructor(private readonly capacity = 16) {}

  add(entry: StoredHost): string {
    const id = `h${this.next++}`
    this.hosts.set(id, entry)
    while (this.hosts.size > this.capacity) this.hosts.delete(this.hosts.keys().next().value!)
    return id
  }

  get(id: string): StoredHost | undefined {
    return this.hosts.get(id)
  }
}
