/** A failed import: one clear message naming the file and, where there is one, the line. */
export interface ImportError {
  code:
    | 'EMPTY_FILE'
    | 'BINARY_FILE'
    | 'FILE_TOO_LARGE'
    | 'NO_MEMORY_LINES'
    | 'MALFORMED_LINE'
    | 'REVERSED_RANGE'
    | 'OVERLAPPING_RANGES'
    | 'ADDRESS_TOO_LARGE'
  fileName: string
  /** 1-based line number, when the error is about one line. */
  line?: number
  message: string
}

/** "file:line: message", the one-line form the CLI prints and the UI shows. */
export function formatImportError(e: ImportError): string {
  return `${e.fileName}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`
}

/** Thrown inside parsers and caught at their boundary, where it becomes an ImportError value. */
export class ImportFailure extends Error {
  constructor(readonly detail: ImportError) {
    super(formatImportError(detail))
  }
}
