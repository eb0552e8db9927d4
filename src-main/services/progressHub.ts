import type { JobProgress } from '@shared/api/contract'

/** Fan-out of job progress to every connected client (SSE streams, the Electron window). */
export class ProgressHub {
  private readonly listeners = new Set<(p: JobProgress) => void>()

  publish = (p: JobProgress): void => {
    for (const l of this.listeners) l(p)
  }

  subscribe(listener: (p: JobProgress) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
