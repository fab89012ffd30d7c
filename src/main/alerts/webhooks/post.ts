import type { DeliveryResult } from '../../../shared/webhooks';

/**
 * One POST of a webhook body. Never throws: a refused connection, a timeout
 * or a non-2xx answer is a failed result with words a DBA can act on.
 * Redirects are not followed (a webhook that moved is a configuration to fix).
 */
export async function postWebhook(url: string, body: string, timeoutMs: number): Promise<DeliveryResult> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Tidemark' },
      body,
      redirect: 'manual',
      signal: timeout,
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300)
      return { ok: true, status: response.status, error: null };
    return { ok: false, status: response.status, error: `the receiver answered HTTP ${response.status}` };
  } catch (err) {
    if (timeout.aborted) {
      return { ok: false, status: null, error: `no answer within ${Math.round(timeoutMs / 1000)} s` };
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    return { ok: false, status: null, error: `could not reach the receiver (${reason})` };
  }
}
