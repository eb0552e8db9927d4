import { join } from 'node:path'
import type { ExampleHost } from '@shared/api/contract'

interface ExampleHostEntry extends ExampleHost {
  file: string
}

/**
 * Host logs bundled in resources/hosts (copied from public boot logs; each file's header names its
 * source). The first entry is the host shown when the app starts.
 */
const EXAMPLE_HOSTS: readonly ExampleHostEntry[] = [
  {
    id: 'dell-r750xs-icx-1s-128g',
    title: 'Dell R750xs, 1-socket Ice Lake, 128 GiB',
    description: 'A real 1-socket server e820 map (kernel boot log).',
    file: 'dell-r750xs-icx-1s-128g.txt'
  },
  {
    id: 'tdx-spr-8480c-2s-256g-cmr-only',
    title: 'TDX host: 2-socket Xeon 8480C, 256 GiB (CMRs only)',
    description: 'A real TDX host log whose kernel printed "1050636 KB allocated for PAMT".',
    file: 'tdx-spr-8480c-2s-256g-cmr-only.txt'
  },
  {
    id: 'hp-superdome2-16s-12tb',
    title: 'HP Superdome2, 16 sockets, 12 TiB',
    description: 'A very large e820 map (pre-TDX hardware; a what-if for PAMT scaling).',
    file: 'hp-superdome2-16s-12tb.txt'
  },
  {
    id: 'laptop-dell-xps13-9370-16g',
    title: 'Dell XPS 13 laptop, 16 GiB',
    description: 'A fragmented client e820 map with many small reserved ranges.',
    file: 'laptop-dell-xps13-9370-16g.txt'
  }
]

export class ExampleHostCatalog {
  constructor(private readonly resourcesDir: string) {}

  list(): ExampleHost[] {
    return EXAMPLE_HOSTS.map(({ id, title, description }) => ({ id, title, description }))
  }

  /** Absolute path of an example's log, or null for an unknown id. */
  pathOf(id: string): { path: string; fileName: string } | null {
    const entry = EXAMPLE_HOSTS.find((e) => e.id === id)
    return entry
      ? { path: join(this.resourcesDir, 'hosts', entry.file), fileName: entry.file }
      : null
  }
}
