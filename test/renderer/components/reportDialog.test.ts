import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { useWorkspaceStore } from '@renderer/stores/workspace'
import type { ExportReportRequest, ExportedReport } from '@shared/api/reportContract'
import { ok, type ApiResult } from '@shared/api/errors'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

afterEach(() => vi.restoreAllMocks())

async function mountApp(): Promise<{
  wrapper: ReturnType<typeof mount>
  requests: ExportReportRequest[]
  blobs: Blob[]
}> {
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  const requests: ExportReportRequest[] = []
  // Main builds the report; here it answers with a tiny PDF ("%PDF" in base64) to download.
  api.exportReport = async (req): Promise<ApiResult<ExportedReport | null>> => {
    requests.push(req)
    return ok({
      fileName: 'r.workspace-report.pdf',
      format: 'pdf',
      path: null,
      bytes: 4,
      pdfBase64: btoa('%PDF')
    })
  }
  const blobs: Blob[] = []
  vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
    blobs.push(b as Blob)
    return 'blob:report'
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  host.connect(api)
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(host)
  await useWorkspaceStore().start({ confirm: () => true })
  await flushPromises()
  return { wrapper, requests, blobs }
}

describe('Export report…', () => {
  it('opens on this view’s scope, focused, and sends the chosen scope and format', async () => {
    const { wrapper, requests, blobs } = await mountApp()
    await wrapper.get('[data-testid=export-report]').trigger('click')
    await flushPromises()
    const hostScope = wrapper.get('[data-testid=report-scope-host]')
    expect((hostScope.element as HTMLInputElement).checked).toBe(true)
    expect(document.activeElement).toBe(hostScope.element)
    // Adding contention is only for workload and workspace reports.
    expect(wrapper.get('[data-testid=report-include-contention]').attributes('disabled')).toBe('')

    await wrapper.get('[data-testid=report-scope-workspace]').setValue(true)
    await wrapper.get('[data-testid=report-format-pdf]').setValue(true)
    await wrapper.get('[data-testid=report-dialog]').trigger('submit')
    await flushPromises()

    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ scope: 'workspace', format: 'pdf' })
    expect(requests[0]!.state.hosts).toHaveLength(1)
    expect(wrapper.find('[data-testid=report-dialog]').exists()).toBe(false)
    expect(blobs.map((b) => b.type)).toEqual(['application/pdf'])
    expect(await blobs[0]!.text()).toBe('%PDF')
    wrapper.unmount()
  })

  it('closes with Esc without exporting', async () => {
    const { wrapper, requests } = await mountApp()
    await wrapper.get('[data-testid=export-report]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid=report-dialog]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(wrapper.find('[data-testid=report-dialog]').exists()).toBe(false)
    expect(requests).toHaveLength(0)
    wrapper.unmount()
  })
})
