/**
 * The pages one TD holds in one allocation stream, as runs of (pool position, page count) in
 * growable typed arrays: a fragmented host gives a TD millions of runs, which plain arrays of
 * numbers would hold at several times the memory.
 */
export class AllocationRuns {
  pos: Uint32Array
  pages: Uint16Array
  length = 0

  constructor(capacity = 64) {
    this.pos = new Uint32Array(capacity)
    this.pages = new Uint16Array(capacity)
  }

  push(pos: number, pages: number): void {
    if (this.length === this.pos.length) {
      const pos2 = new Uint32Array(this.pos.length * 2)
      pos2.set(this.pos)
      const pages2 = new Uint16Array(this.pages.length * 2)
      pages2.set(this.pages)
      this.pos = pos2
      this.pages = pages2
    }
    this.pos[this.length] = pos
    this.pages[this.length++] = pages
  }
}
