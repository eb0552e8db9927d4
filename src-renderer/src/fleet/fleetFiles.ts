/** A host file the user chose for a fleet: its path as the row names it, and the File itself. */
export interface FleetFile {
  /** The path under the folder dropped or picked (`rack1/host7.log`), or the file's name. */
  path: string
  file: File
}

/**
 * Names starting with `.` are skipped, as the CLI's folder walk skips them (`.git`, editor and OS
 * files such as `.DS_Store`; docs/fleet.md, "Inputs").
 */
const hidden = (name: string): boolean => name.startsWith('.')

/** Files of a file input: `webkitRelativePath` for a folder picker, else the name. */
export function filesOfInput(list: FileList | readonly File[]): FleetFile[] {
  const out: FleetFile[] = []
  for (const file of Array.from(list)) {
    const path = file.webkitRelativePath || file.name
    if (path.split('/').some(hidden)) continue
    out.push({ path, file })
  }
  return sortByPath(out)
}

/** Each folder's files in name order, as the CLI takes them, so runs repeat. */
function sortByPath(files: FleetFile[]): FleetFile[] {
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * The files of a drop: plain files, and folders walked recursively (webkitGetAsEntry). The entries
 * are taken synchronously, while the drop event lasts (a DataTransfer's items are empty after it);
 * reading the folders continues after. Falls back to `dataTransfer.files` where entries are absent.
 */
export function filesOfDrop(dt: DataTransfer): Promise<FleetFile[]> {
  const entries: FileSystemEntry[] = []
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null
    if (entry) entries.push(entry)
  }
  if (entries.length === 0) return Promise.resolve(filesOfInput(dt.files))
  return (async () => {
    const out: FleetFile[] = []
    for (const entry of entries) await walkEntry(entry, out)
    return sortByPath(out)
  })()
}

async function walkEntry(entry: FileSystemEntry, out: FleetFile[]): Promise<void> {
  if (hidden(entry.name)) return
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject)
    )
    out.push({ path: entry.fullPath.replace(/^\//, ''), file })
    return
  }
  if (!entry.isDirectory) return
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  // readEntries returns a folder's entries in batches (Chromium: 100): read until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject)
    )
    if (batch.length === 0) return
    for (const e of batch) await walkEntry(e, out)
  }
}
