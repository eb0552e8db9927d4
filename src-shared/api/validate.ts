import { err, type ApiResult } from './errors'
import type { PlannerMethods } from './contract'
import { isPlannerMethodName, requestSchemas } from './schemas'

/**
 * Validate an untrusted request for `method` and, when valid, call the service. Shared by the IPC
 * and HTTP adapters so both reject the same inputs with the same error.
 */
export async function dispatchPlannerRequest(
  service: PlannerMethods,
  method: string,
  body: unknown
): Promise<ApiResult<unknown>> {
  if (!isPlannerMethodName(method))
    return err('NOT_FOUND', `unknown API method "${method.slice(0, 64)}"`)
  const parsed = requestSchemas[method].safeParse(body ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length ? ` at "${issue.path.join('.')}"` : ''
    return err(
      'INVALID_REQUEST',
      `invalid ${method} request${where}: ${issue?.message ?? 'bad value'}`
    )
  }
  // The schema for `method` has just accepted the body, so it is that method's request type.
  const call = service[method] as (req: unknown) => Promise<ApiResult<unknown>>
  return call.call(service, parsed.data)
}
