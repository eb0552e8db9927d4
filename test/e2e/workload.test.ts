import { fileURLToPath } from 'node:url'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { downloadText, titleBytes, useBrowserMode } from './browserApp'
import { E2E_WAIT_MS } from './timeouts'

/**
 * Browser mode, Workload view, on the SPR 8480C host (tdx-spr-8480c-2s-256g-cmr-only: its log has no
 * NUMA lines, so one node; TDMRs cover 256 GiB; max_pfn 0x4070000). Numbers every test below uses,
 * derived by hand from that host (the CLI's `analyze` prints the same):
 *
 *  - static PAMT 1,075,851,264 B (1,050,636 KB, the kernel's own line in the log).
 *  - Dynamic PAMT static part 10,498,048 B: 4K bitmap 1 bit per 4 KiB of 256 GiB = 8,388,608
 *    + PAMT_2M 16 B per 2 MiB = 131,072 × 16 = 2,097,152 + PAMT_1G one page per TDMR = 3 × 4,096.
 *  - dense refcount array 528,384 B: 4 B per 2 MiB region up to max_pfn = 0x4070000 / 512 =
 *    131,968 regions × 4 = 527,872 B, rounded up to 129 pages.
 *  - so Dynamic PAMT with no TD: IDLE = 10,498,048 + 528,384 = 11,026,432 B; each pair adds 8,192 B
 *    and each vCPU's pamt cache 10 × 4,096 B.
 */
const STATIC_PAMT = 1_075_851_264
const STATIC_PART = 10_498_048
const REFCOUNTS = 528_384
const IDLE = STATIC_PART + REFCOUNTS
const PAIR = 8192
const CACHE_PER_VCPU = 10 * 4096

const s = useBrowserMode({
  example: 'tdx-spr-8480c-2s-256g-cmr-only',
  tab: 'workload',
  ready: 'scenario-editor'
})

const traceFixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/traces/${name}`, import.meta.url))

const text = (testId: string): Promise<string> => s.page.getByTestId(testId).innerText()
const value = (testId: string): Promise<string> => s.page.getByTestId(testId).inputValue()

/** CSV text (a leading BOM dropped) as rows of header-keyed cells. */
function csvRows(csv: string): { fields: string[]; rows: Record<string, string>[] } {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: true
  })
  expect(parsed.errors).toEqual([])
  return { fields: parsed.meta.fields ?? [], rows: parsed.data }
}

/** Run a preset and wait for its result cards. */
async function runPreset(page: Page, preset: string): Promise<void> {
  await page.getByTestId('preset-select').selectOption(preset)
  await page.getByTestId('run-simulation').click()
  await page.getByTestId('peak-total').waitFor()
  await page.getByTestId('job-progress').waitFor({ state: 'detached' })
}

describe('browser mode, workload view (real worker)', () => {
  it('runs the 10 x 16 GiB preset: peak, savings against static, one REMOVE per ADD', async () => {
    await runPreset(s.page, 'ten-16g-no-hugepages')
    // Derivation (one node, fresh host, 10 TDs × 16 GiB, 4 vCPUs, all 4K, lazy accept over 20 s,
    // torn down at 40 s): guest pages 10 × 16 GiB / 2 MiB = 81,920 whole regions; kernel pages per
    // TD = 7 control (TDR + 6 TDCS) + 4 × 6 per vCPU (TDVPR + 5 TDCX) + S-EPT 8,192 PT + 16 PD +
    // 1 PDPT = 8,240, all TDs' packed together: ⌈82,400 / 512⌉ = 161 regions. Peak at the end of
    // accept (20 s): 82,081 pairs, plus 10 × 4 caches: 11,026,432 + 82,081 × 8,192 + 40 × 40,960 =
    // 685,072,384 B = 653.34 MiB. Every page is put at teardown: 82,081 REMOVEs, 0 pairs left.
    // test/shared/model/workload/tenTdsDerivation.test.ts pins the same derivation term by term on
    // the model, and the CLI prints this run (`pamt-planner simulate --preset ten-16g-no-hugepages`).
    expect(await titleBytes(s.page, 'peak-total')).toBe(IDLE + 82_081 * PAIR + 40 * CACHE_PER_VCPU)
    expect(await text('peak-total')).toContain('653.34 MiB')
    expect(await text('peak-total')).toContain('82,081 pairs')
    expect(await titleBytes(s.page, 'static-pamt-ref')).toBe(STATIC_PAMT)
    expect(await text('static-pamt-ref')).toContain('1.00 GiB')
    // Saved at peak = static − peak = 1,075,851,264 − 685,072,384 = 390,778,880 B.
    expect(await titleBytes(s.page, 'savings-at-peak')).toBe(390_778_880)
    expect(await s.page.getByTestId('add-count').locator('.v').innerText()).toBe('82,081')
    expect(await s.page.getByTestId('remove-count').locator('.v').innerText()).toBe('82,081')
    expect(await text('remove-count')).toContain('0 pairs held at the end')
    await s.page
      .locator('[data-testid=chart-pamt-over-time] svg path')
      .first()
      .waitFor({ state: 'attached' })
  })

  it('updates the result live as the fragmentation slider moves, without pressing Run', async () => {
    await runPreset(s.page, 'ten-16g-no-hugepages')
    const fresh = await titleBytes(s.page, 'peak-total')
    expect(fresh).toBe(IDLE + 82_081 * PAIR + 40 * CACHE_PER_VCPU)
    await expect.poll(() => text('live-note')).toContain('edits re-run this simulation')
    // Five steps right on the slider: fragmentation 0.05. Each 4K visit then takes
    // round(512^0.95) = 375 pages of a region, so the same pages spread over more regions and
    // need more pairs: the peak rises, and no click on Run is involved.
    const slider = s.page.getByTestId('scenario-fragmentation')
    await slider.focus()
    for (let k = 0; k < 5; k++) await s.page.keyboard.press('ArrowRight')
    expect(await value('scenario-fragmentation')).toBe('0.05')
    await expect
      .poll(() => titleBytes(s.page, 'peak-total'), { timeout: E2E_WAIT_MS })
      .toBeGreaterThan(fresh)
    // Back to 0: the live run returns the hand-derived fresh-host peak.
    for (let k = 0; k < 5; k++) await s.page.keyboard.press('ArrowLeft')
    await expect.poll(() => titleBytes(s.page, 'peak-total'), { timeout: E2E_WAIT_MS }).toBe(fresh)
  })

  it('sweeps the 4K share: the CSV has the hand-derived peaks at 0 %, 50 % and 100 %, in order', async () => {
    await s.page.getByTestId('preset-select').selectOption('one-16g-td')
    await s.page.getByTestId('sweep-parameter').selectOption('share4k')
    // The defaults of the 4K share sweep: 0 % to 100 % in 11 steps.
    expect(await value('sweep-from')).toBe('0')
    expect(await value('sweep-to')).toBe('100')
    expect(await value('sweep-steps')).toBe('11')
    await s.page.getByTestId('run-sweep').click()
    await s.page
      .locator('[data-testid=chart-sweep] svg path')
      .first()
      .waitFor({ state: 'attached' })
    const file = await downloadText(s.page, 'save-csv-sweep')
    expect(file.name).toMatch(/^sweep-tdx-spr-8480c-2s-256g-cmr-only-\d{4}-\d{2}-\d{2}\.csv$/)
    const { fields, rows } = csvRows(file.text)
    expect(fields).toEqual([
      'share4k',
      'peak_total_bytes',
      'average_total_bytes',
      'static_pamt_bytes',
      'savings_at_peak_bytes',
      'peak_pairs'
    ])
    expect(rows.map((r) => Number(r['share4k']))).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1
    ])
    // One TD of 16 GiB, 4 vCPUs, image 4 MiB (4K), fresh host, no teardown; 7 + 4 × 6 = 31 control
    // pages. Peak = IDLE + pairs × 8 KiB + 4 caches × 40 KiB, reached when accept ends.
    //  0 %:  the rest 2M-mapped: ⌊(16 GiB − 4 MiB) / 2 MiB⌋ = 8,190 mappings, no gets; 4K pages =
    //        the image, 1,024 = 2 regions; S-EPT 2 PT + 16 PD + 1 PDPT = 19; 31 + 19 = 50 kernel
    //        pages = 1 region → 3 pairs.
    //  50 %: 4,095 2M mappings; 4K pages 1,024 + (8 GiB − 2 MiB) / 4 KiB = 2,097,664 = 4,097
    //        regions; S-EPT 4,097 PT + 16 PD + 1 = 4,114; 31 + 4,114 = 4,145 → 9 regions → 4,106.
    //  100 %: 16 GiB / 2 MiB = 8,192 regions; S-EPT 8,192 + 16 + 1 = 8,209; 31 + 8,209 = 8,240 →
    //        17 regions → 8,209 pairs.
    const at = (share: number): Record<string, string> =>
      rows.find((r) => Number(r['share4k']) === share)!
    const expected: Array<[number, number]> = [
      [0, 3],
      [0.5, 4_106],
      [1, 8_209]
    ]
    for (const [share, pairs] of expected) {
      const peak = IDLE + pairs * PAIR + 4 * CACHE_PER_VCPU
      expect(Number(at(share)['peak_pairs'])).toBe(pairs)
      expect(Number(at(share)['peak_total_bytes'])).toBe(peak)
      expect(Number(at(share)['savings_at_peak_bytes'])).toBe(STATIC_PAMT - peak)
    }
    for (const r of rows) expect(Number(r['static_pamt_bytes'])).toBe(STATIC_PAMT)
    // More of the TD 4K-mapped touches more regions: pairs and peak rise, savings fall, strictly.
    for (let i = 1; i < rows.length; i++) {
      expect(Number(rows[i]!['peak_pairs'])).toBeGreaterThan(Number(rows[i - 1]!['peak_pairs']))
      expect(Number(rows[i]!['savings_at_peak_bytes'])).toBeLessThan(
        Number(rows[i - 1]!['savings_at_peak_bytes'])
      )
    }
    // The sweep ran the preset itself too (all 4K): its card shows the 100 % row's peak.
    expect(await titleBytes(s.page, 'peak-total')).toBe(Number(at(1)['peak_total_bytes']))
  })

  it('saves the over-time chart as SVG (parses, names its axis and series) and CSV (the numbers shown)', async () => {
    await runPreset(s.page, 'one-16g-td')
    // one-16g-td all 4K: 8,209 pairs at the peak (derived in the sweep test above).
    const peak = IDLE + 8_209 * PAIR + 4 * CACHE_PER_VCPU
    expect(await titleBytes(s.page, 'peak-total')).toBe(peak)
    expect(await text('peak-total')).toContain('74.80 MiB') // 78,438,400 B / 2^20 = 74.803…

    const svg = await downloadText(s.page, 'save-svg-pamt-over-time')
    expect(svg.name).toMatch(/^pamt-over-time-tdx-spr-8480c-2s-256g-cmr-only-[\d-]+\.svg$/)
    const parsed = await s.page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml')
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.localName,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? '')
      }
    }, svg.text)
    expect(parsed.error).toBeNull()
    expect(parsed.root).toBe('svg')
    for (const label of [
      'PAMT memory over time: Dynamic PAMT vs static', // title
      'time since start', // x axis name (its ticks carry their units)
      'Static part', // the legend's series
      'Refcounts (dense)',
      'Page pairs',
      'pamt caches',
      'Static PAMT'
    ])
      expect(parsed.texts).toContain(label)
    expect(parsed.texts.join('\n')).toContain('peak 74.80 MiB')

    const csv = await downloadText(s.page, 'save-csv-pamt-over-time')
    expect(csv.text.startsWith('\uFEFF')).toBe(true) // spreadsheets read it as UTF-8
    const { fields, rows } = csvRows(csv.text)
    expect(fields).toEqual([
      'time_ns',
      'static_part_bytes',
      'refcount_bytes',
      'pair_bytes',
      'cache_bytes',
      'total_bytes',
      'static_pamt_bytes'
    ])
    // One row per sample, as many as the editor's Samples field; from 0 to the 60 s duration.
    expect(rows).toHaveLength(Number(await value('scenario-samples')))
    const first = rows[0]!
    const last = rows[rows.length - 1]!
    expect(Number(first['time_ns'])).toBe(0)
    expect(Number(last['time_ns'])).toBe(60e9)
    for (const r of [first, last]) {
      expect(Number(r['static_part_bytes'])).toBe(STATIC_PART)
      expect(Number(r['refcount_bytes'])).toBe(REFCOUNTS)
      expect(Number(r['static_pamt_bytes'])).toBe(STATIC_PAMT)
      expect(Number(r['cache_bytes'])).toBe(4 * CACHE_PER_VCPU)
    }
    // At 0 s the TD is built: the image's 2 regions and 1 kernel region (control pages, 4 S-EPT
    // pages) = 3 pairs. At 60 s it holds all 8,209.
    expect(Number(first['pair_bytes'])).toBe(3 * PAIR)
    expect(Number(first['total_bytes'])).toBe(IDLE + 3 * PAIR + 4 * CACHE_PER_VCPU)
    expect(Number(last['pair_bytes'])).toBe(8_209 * PAIR)
    // The largest total in the CSV is the peak the card shows.
    expect(Math.max(...rows.map((r) => Number(r['total_bytes'])))).toBe(peak)
  })

  it('saves the scenario as JSON and opens it back: the edited fields return', async () => {
    await s.page.getByTestId('preset-select').selectOption('one-16g-td')
    await s.page.getByTestId('scenario-name').fill('e2e saved scenario')
    await s.page.getByTestId('scenario-duration').fill('30')
    await s.page.getByTestId('scenario-seed').fill('7')
    await s.page.getByTestId('class-0-count').fill('3')
    await s.page.getByTestId('class-0-memory').fill('8')
    await s.page.getByTestId('class-0-share2m').fill('25')
    const saved = await downloadText(s.page, 'save-scenario')
    expect(saved.name).toBe('e2e-saved-scenario.scenario.json')
    const scenario = JSON.parse(saved.text) as {
      format: string
      name: string
      durationNs: number
      seed: number
      tdClasses: Array<{
        count: number
        memoryBytes: number
        vcpus: number
        share2m: number
        share1g: number
      }>
    }
    // The file is the scenario in model units: seconds → ns, GiB → bytes, percent → fraction.
    expect(scenario.format).toBe('pamt-planner-scenario')
    expect(scenario.name).toBe('e2e saved scenario')
    expect(scenario.durationNs).toBe(30e9)
    expect(scenario.seed).toBe(7)
    expect(scenario.tdClasses).toHaveLength(1)
    expect(scenario.tdClasses[0]).toMatchObject({
      count: 3,
      memoryBytes: 8 * 2 ** 30,
      vcpus: 4,
      share2m: 0.25,
      share1g: 0
    })

    // Edit everything that was saved, then open the file.
    await s.page.getByTestId('preset-select').selectOption('ten-16g-no-hugepages')
    await s.page.getByTestId('scenario-name').fill('something else')
    expect(await value('class-0-count')).toBe('10')
    await s.page.getByTestId('scenario-input').setInputFiles(saved.path)
    await s.page.waitForFunction(
      () =>
        (document.querySelector('[data-testid=scenario-name]') as HTMLInputElement | null)
          ?.value === 'e2e saved scenario'
    )
    expect(await value('scenario-duration')).toBe('30')
    expect(await value('scenario-seed')).toBe('7')
    expect(await value('class-0-count')).toBe('3')
    expect(await value('class-0-memory')).toBe('8')
    expect(await value('class-0-share2m')).toBe('25')
    expect(await value('class-0-vcpus')).toBe('4')
    expect(await text('class-0-share4k')).toBe('75') // what 25 % 2M and 0 % 1G leave
    // The editor no longer claims a preset.
    expect(await value('preset-select')).toBe('')
  })

  it('replays small.csv and small.jsonl: the counts derived from the trace by hand', async () => {
    // test/fixtures/traces/small.csv, sorted by t_ns (replay order), regions = pfn >> 9:
    //  1000 get 0x1234a 4k ×1      region 145 (0x1234a = 74,570): 0→1, ADD        pairs 1
    //  1100 pamt_add 0x1234a 2m    observed ADD of region 145: agrees, no finding
    //  2000 get 0x401f0 4k ×544    pfn 262,640 = region 512 + 496: 16 pages in 512, 512 in 513,
    //                              16 in 514: three 0→1, 3 ADDs                   pairs 4
    //  2500 get 0x80000 2m         a 2m get is a kernel no-op: skipped (1)
    //  3000 demote 524800 2m       region 1,025 (524,800 = 1,025 × 512): pair, refcount 512, ADD
    //                              via DEMOTE                                    pairs 5 (peak)
    //  3500 put 0x80200 4k ×512    0x80200 = 524,800: region 1,025 512→0, REMOVE  pairs 4
    //  4000 put 0x1234a 4k         region 145 1→0, REMOVE                         pairs 3
    //  4100 pamt_remove 0x12200 2m 0x12200 >> 9 = 145: the observed REMOVE agrees
    // → 5 ADDs (1 via DEMOTE), 2 REMOVEs, peak 5 pairs, 3 pairs held at the end (one finding,
    //   PAIRS_HELD_AT_END, 3 × 8 KiB = 24 KiB). Traces have no caches: peak = IDLE + 5 × 8,192.
    // Rows 8 (get 3, pamt_add 1, demote 1, put 2, pamt_remove 1); TDs {7} = 1 (the last put has
    // none); CPUs {3, 1, 2, 0} = 4; lines: 15 in the CSV (5 comments, header, 8 rows, 1 blank),
    // 14 in the JSON Lines file (no header).
    for (const [file, format, lines] of [
      ['small.csv', 'CSV', 15],
      ['small.jsonl', 'JSON Lines', 14]
    ] as const) {
      await s.page.getByTestId('trace-input').setInputFiles(traceFixture(file))
      await s.page.getByTestId('trace-file').getByText(file, { exact: true }).waitFor()
      expect(await text('trace-format')).toContain(format)
      expect(await text('trace-lines')).toBe(String(lines))
      expect(await text('trace-rows')).toBe('8')
      expect(await text('trace-kind-get')).toBe('3')
      expect(await text('trace-kind-put')).toBe('2')
      expect(await text('trace-kind-demote')).toBe('1')
      expect(await text('trace-kind-pamt_add')).toBe('1')
      expect(await text('trace-kind-pamt_remove')).toBe('1')
      expect(await text('trace-skipped')).toBe('1')
      expect(await text('trace-tds')).toBe('1')
      expect(await text('trace-cpus')).toBe('4')
      expect(await text('trace-lost')).toBe('0')

      expect(await text('result-title')).toContain(`Trace ${file}`)
      expect(await s.page.getByTestId('add-count').locator('.v').innerText()).toBe('5')
      expect(await text('add-count')).toContain('1 via DEMOTE')
      expect(await s.page.getByTestId('remove-count').locator('.v').innerText()).toBe('2')
      expect(await text('remove-count')).toContain('3 pairs held at the end')
      expect(await text('peak-total')).toContain('5 pairs')
      expect(await titleBytes(s.page, 'peak-total')).toBe(IDLE + 5 * PAIR)

      const findings = await text('trace-findings')
      expect(findings).toContain('1 finding')
      expect(findings).toContain('PAIRS_HELD_AT_END × 1')
      expect(findings).toContain('3 region(s) still hold a PAMT pair at the end (24 KiB)')
    }
  })

  it('replays an uploaded trace and lists what it found, with lines', async () => {
    const csv = [
      '# a put without a get on line 4',
      't_ns,ev,pfn,level,n,cpu,td',
      '1000,get,0x100000,4k,1,0,1',
      '2000,put,0x200000,4k,1,0,1',
      '3000,put,0x100000,4k,1,0,1'
    ].join('\n')
    await s.page
      .getByTestId('trace-input')
      .setInputFiles({ name: 'bad-order.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await s.page.getByTestId('trace-findings').waitFor()
    expect(await text('trace-findings')).toContain('PUT_WITHOUT_GET')
    expect(await text('trace-findings')).toMatch(/line 4\b/)
  })
  it('labels a 24 h run in hours and a day, and zooms to Dynamic PAMT with static as a marker', async () => {
    await s.page.getByTestId('preset-select').selectOption('one-16g-td')
    await s.page.getByTestId('scenario-duration').fill('86400')
    await s.page.getByTestId('run-simulation').click()
    await s.page.getByTestId('peak-total').waitFor()
    await s.page.getByTestId('job-progress').waitFor({ state: 'detached' })
    const chartTexts = (): Promise<string[]> =>
      s.page
        .locator('[data-testid=chart-pamt-over-time] svg text')
        .evaluateAll((els) =>
          els.filter((e) => e.getAttribute('fill-opacity') !== '0').map((e) => e.textContent ?? '')
        )
    // 86,400 s / 6 = 4 h → 6 h ticks (docs/workload-model.md, "Time axes"); it read "333 min 20 s".
    const before = await chartTexts()
    for (const t of ['0 h', '6 h', '12 h', '18 h', '1 d']) expect(before).toContain(t)
    expect(before.some((t) => t.includes('min'))).toBe(false)
    expect(before).toContain('static 1.00 GiB')
    // The same peak as in 60 s (no teardown): IDLE + 8,209 pairs + 4 caches = 78,438,400 B
    // (derived in the SVG/CSV test above). Zoomed top: 1.2 × 78,438,400 = 94,126,080 B; / 6 =
    // 15,687,680 → 16 MiB steps; ⌈94,126,080 / 16,777,216⌉ = 6 → 96 MiB. Static PAMT
    // 1,075,851,264 B is over twice that: off scale, drawn at 96 MiB.
    expect(await titleBytes(s.page, 'peak-total')).toBe(IDLE + 8_209 * PAIR + 4 * CACHE_PER_VCPU)
    const toggle = s.page.getByTestId('zoom-dynamic')
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')
    await toggle.focus()
    await s.page.keyboard.press('Enter')
    await s.page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=chart-pamt-over-time] svg text')].some(
        (e) => e.textContent === '↑ off scale'
      )
    )
    expect(await toggle.getAttribute('aria-pressed')).toBe('true')
    const after = await chartTexts()
    expect(after).toContain('static 1.00 GiB')
    expect(after).toContain('96 MiB')
  })
})
