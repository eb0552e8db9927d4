import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import JobProgressBar from '@renderer/components/JobProgressBar.vue'
import type { ActiveJob } from '@renderer/stores/host'

const job = (phase: ActiveJob['phase'], fraction: number, step?: string): ActiveJob => ({
  jobId: 'j',
  label: 'Simulating',
  phase,
  fraction,
  ...(step !== undefined ? { step } : {})
})

/** The bar with a clock the test sets (no real time) and no re-estimating timer. */
function mountAt(start: ActiveJob): {
  wrapper: ReturnType<typeof mount<typeof JobProgressBar>>
  at: (ms: number) => void
} {
  let now = 0
  const wrapper = mount(JobProgressBar, {
    props: { job: start, clock: () => now, tickMs: 0 }
  })
  return { wrapper, at: (ms) => (now = ms) }
}

describe('JobProgressBar', () => {
  it('shows a running job with its phase and percentage', () => {
    const wrapper = mount(JobProgressBar, { props: { job: job('parsing', 0.25), tickMs: 0 } })
    expect(wrapper.text()).toContain('Simulating — parsing')
    // 0.25 → 25 %.
    expect(wrapper.text()).toContain('25%')
    expect(wrapper.get('progress').attributes('value')).toBe('25')
  })

  it('shows the step in place of the phase, and the time left once there is enough to go on', async () => {
    const { wrapper, at } = mountAt(job('analysing', 0, 'simulating v6 (1/5)'))
    expect(wrapper.text()).toContain('Simulating — simulating v6 (1/5)')
    expect(wrapper.find('[data-testid=job-time-left]').exists()).toBe(false)
    at(10_000)
    await wrapper.setProps({ job: job('analysing', 0.2, 'simulating v6 (2/5)') })
    // 10 s for 20 %: 10 × 0.8 / 0.2 = 40 s left.
    expect(wrapper.text()).toContain('Simulating — simulating v6 (2/5) · about 40 s left')
    // Not announced every second: the live region reads the step, not the estimate.
    const left = wrapper.get('[data-testid=job-time-left]')
    expect(left.attributes('aria-hidden')).toBe('true')
    expect(wrapper.get('[data-testid=job-progress]').attributes('aria-live')).toBe('polite')
    expect(wrapper.get('[data-testid=job-progress]').attributes('role')).toBe('status')
  })

  it('starts the estimate again for a new job', async () => {
    const { wrapper, at } = mountAt(job('analysing', 0))
    at(10_000)
    await wrapper.setProps({ job: job('analysing', 0.2) })
    expect(wrapper.text()).toContain('about 40 s left')
    at(11_000)
    await wrapper.setProps({ job: { ...job('analysing', 0.3), jobId: 'k' } })
    expect(wrapper.find('[data-testid=job-time-left]').exists()).toBe(false)
  })

  it('shows a queued job as waiting for a worker, with an indeterminate bar and no percentage', () => {
    const wrapper = mount(JobProgressBar, { props: { job: job('queued', 0), tickMs: 0 } })
    expect(wrapper.text()).toContain('Simulating — queued: waiting for a free model worker')
    expect(wrapper.text()).not.toContain('%')
    expect(wrapper.text()).not.toContain('left')
    // A <progress> without a value attribute is indeterminate.
    expect(wrapper.get('progress').attributes('value')).toBeUndefined()
    expect(wrapper.get('progress').attributes('aria-label')).toBe('Simulating: queued')
  })

  it('can be cancelled while queued', async () => {
    const wrapper = mount(JobProgressBar, { props: { job: job('queued', 0), tickMs: 0 } })
    await wrapper.get('button').trigger('click')
    expect(wrapper.emitted('cancel')).toHaveLength(1)
  })
})
