/**
 * Time limits of the e2e project, shared by vitest.config.ts (test and hook timeouts) and
 * browserApp.ts (every Playwright wait). Pure constants: vitest.config.ts imports this file.
 *
 * Why these numbers:
 * - The slowest single step any e2e test waits for is a worker job: the calibration contention run
 *   of four designs (~2 s on this 2-core machine when idle, a few times that with the other core
 *   busy), a sweep of 11 runs (<1 s) or a 10 × 16 GiB simulation (~1 s). A step still not done after
 *   E2E_WAIT_MS (45 s, over 10× the slowest step) is hung, and the Playwright wait fails with its
 *   own message (which locator, what state).
 * - A whole test is a handful of such steps and takes 2-10 s here. E2E_TEST_TIMEOUT_MS is twice
 *   E2E_WAIT_MS, so a test whose earlier steps took up to 45 s in total still reaches the failing
 *   wait's message before vitest's timeout: vitest's timeout is the last resort, never the way a
 *   test is meant to fail.
 * - Hooks start the server (fails after SERVER_START_MS) and Chromium (after E2E_WAIT_MS), 65 s at
 *   worst, or open a page: a few waits that take about a second each here, any one failing after
 *   E2E_WAIT_MS with its own message. E2E_HOOK_TIMEOUT_MS (120 s) is above both.
 */
export const E2E_WAIT_MS = 45_000
export const E2E_TEST_TIMEOUT_MS = 90_000
export const E2E_HOOK_TIMEOUT_MS = 120_000
/** The built CLI prints its URL in well under a second; 20 s means it is not starting. */
export const SERVER_START_MS = 20_000
