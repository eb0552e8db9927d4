import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ErrorBanner from '@renderer/components/ErrorBanner.vue'

/**
 * The banner's headline says what happened (issue 13, "Messages that match what happened"): a
 * refused token or an unreachable server is not a file that failed to load.
 */
describe('ErrorBanner', () => {
  it('says the access token is no longer valid, and how to get a fresh URL, for UNAUTHORIZED', () => {
    const w = mount(ErrorBanner, {
      props: { error: { code: 'UNAUTHORIZED', message: 'missing or wrong access token' } }
    })
    expect(w.get('[data-testid=error-headline]').text()).toBe(
      'This page’s access token is no longer valid.'
    )
    expect(w.text()).not.toContain('Could not load that file')
    expect(w.get('[data-testid=error-help]').text()).toContain('Open the URL the server printed')
    // A new token cannot come from retrying the same request.
    expect(w.find('[data-testid=error-retry]').exists()).toBe(false)
  })

  it('says the server cannot be reached for UNAVAILABLE, and offers Retry', async () => {
    const w = mount(ErrorBanner, {
      props: {
        error: {
          code: 'UNAVAILABLE',
          message: 'cannot reach the PAMT Planner server: Failed to fetch'
        }
      }
    })
    expect(w.get('[data-testid=error-headline]').text()).toBe(
      'Cannot reach the PAMT Planner server.'
    )
    // The message's own "cannot reach …" would repeat the headline: only the reason follows it.
    expect(w.get('.detail').text()).toBe('(Failed to fetch)')
    await w.get('[data-testid=error-retry]').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })

  it('keeps the action headline for a file error, and separates each part by a space', () => {
    const w = mount(ErrorBanner, {
      props: {
        error: { code: 'MALFORMED_LINE', fileName: 'x.log', line: 3, message: 'bad line' },
        note: 'The previous host is still shown.'
      }
    })
    const text = w.get('.text').element.textContent!
    expect(text).toMatch(
      /^Could not load that file\. x\.log:3: bad line The previous host is still shown\.$/
    )
  })

  it('shows no note when nothing is kept on screen', () => {
    const w = mount(ErrorBanner, {
      props: { error: { code: 'MALFORMED_LINE', fileName: 'x.log', message: 'empty' } }
    })
    expect(w.find('[data-testid=error-note]').exists()).toBe(false)
  })
})
