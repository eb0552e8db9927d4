import { describe, expect, it } from 'vitest'
import {
  addLines,
  renderTextTable,
  TEXT_WIDTH,
  textHeader,
  textWidth,
  wrapText
} from '@shared/report/text/textTable'
import type { ReportTable } from '@shared/report/reportBlocks'

const table = (rows: ReportTable['rows'], note?: string): ReportTable => ({
  kind: 'table',
  title: 'Sizes',
  columns: [
    { key: 'name', label: 'name' },
    { key: 'bytes', label: 'size', unit: 'bytes' },
    { key: 'pct', label: 'share', unit: '%', align: 'right' }
  ],
  rows,
  ...(note ? { note } : {})
})

describe('renderTextTable', () => {
  it('puts units in the header, groups integers, right-aligns numbers and prints null as —', () => {
    // Widths: name 7 ("PAMT_4K"), size 13 ("1,073,741,824", wider than its 12-column header),
    // "share (%)" 9; two spaces between.
    expect(
      renderTextTable(
        table([
          ['PAMT_4K', 1073741824, '99.80'],
          ['bitmap', null, '0.78']
        ])
      )
    ).toEqual([
      'Sizes',
      'name      size (bytes)  share (%)',
      '-------  -------------  ---------',
      'PAMT_4K  1,073,741,824      99.80',
      'bitmap               —       0.78'
    ])
  })

  it('cuts the widest text column with … so a table fits, never a number', () => {
    const long = 'x'.repeat(100)
    const lines = renderTextTable(table([[long, 1, '1.00']]))
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(TEXT_WIDTH)
    // 78 − 2 × 2 gaps − 12 − 9 = 53 columns for the name: 52 x and "…".
    expect(lines[3]).toBe(`${'x'.repeat(52)}…  ${'1'.padStart(12)}  ${'1.00'.padStart(9)}`)
  })

  it('wraps the note and shows control characters from a file as escapes', () => {
    const lines = renderTextTable(table([['a\u001b[31m', 1, '1']], 'word '.repeat(30)))
    expect(lines[3]).toContain('a\\x1b[31m')
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(TEXT_WIDTH)
    // 30 words of 4 letters: 15 fit on 78 columns (15 × 5 − 1 = 74), the rest after "  ".
    expect(lines.slice(-2)).toEqual([
      Array(15).fill('word').join(' '),
      `  ${Array(15).fill('word').join(' ')}`
    ])
  })
})

describe('wrapText and the header', () => {
  it('cuts a word longer than a line instead of passing the width', () => {
    expect(wrapText('a'.repeat(10), 4, '', '')).toEqual(['aaaa', 'aaaa', 'aa'])
  })

  it('names the app version and says timing is modelled, in one line', () => {
    const h = textHeader('1.2.3')
    expect(h).toBe('PAMT Planner 1.2.3; timing numbers are modelled, not measured')
    expect(textWidth(textHeader('9'.repeat(200)))).toBe(TEXT_WIDTH)
  })

  it('addLines appends strings and arrays of lines in order', () => {
    const out = ['a']
    addLines(out, 'b', ['c', 'd'], [])
    expect(out).toEqual(['a', 'b', 'c', 'd'])
  })
})
