import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import JobProgressBar from '@renderer/components/JobProgressBar.vue'
import type { ActiveJob } from '@renderer/stores/host'

const job = (phase: ActiveJob['phase'], fraction: number): ActiveJob => ({
  jobId: 'j',
  label: 'Simulating',
  phase,
  fraction
})

describe('JobProgressBar', () => {
  it('shows a running job with its phase and percentage', () => {
    const wrapper = mount(JobProgressBar, { props: { job: job('parsing', 0.25) } })
    expect(wrapper.text()).toContain('Simulating — parsing')
    // 0.25 → 25 %.
    expect(wrapper.text()).toContain('25%')
    expect(wrapper.get('progress').attributes('value')).toBe('25')
  })

  it('shows a queued job as waiting for a worker, with an indeterminate bar and no percentage', () => {
    const wrapper = mount(JobProgressBar, { props: { job: job('queued', 0) } })
    expect(wrapper.text()).toContain('Simulating — queued: waiting for a free model worker')
    expect(wrapper.text()).not.toContain('%')
    // A <progress> without a value attribute is indeterminate.
    expect(wrapper.get('progress').attributes('value')).toBeUndefined()
    expect(wrapper.get('progress').attributes('aria-label')).toBe('Simulating: queued')
  })

  it('can be cancelled while queued', async () => {
    const wrapper = mount(JobProgressBar, { props: { job: job('queued', 0) } })
    await wrapper.get('button').trigger('click')
    expect(wrapper.emitted('cancel')).toHaveLength(1)
  })
})
