import { readAtMost } from '../../shared/read-at-most.ts';
import { formatDuration } from '../durations.ts';

/** Why a call to Alipay gave no body to read, in one line; each adapter wraps it in its own error. */
export class CallFailed extends Error {
  override readonly name = 'CallFailed';
}

/**
 * The body of one HTTP call, bounded in time (ALIPAY_HTTP_TIMEOUT, the whole call) and in size;
 * CallFailed for anything but a 2xx that arrives in time. `what` names the call in those lines.
 */
export async function boundedFetch(
  url: string,
  init: RequestInit,
  { timeoutMs, maxBytes, what = 'an answer' }: { timeoutMs: number; maxBytes: number; what?: string },
): Promise<Uint8Array> {
  const host = new URL(url).host;
  try {
    const response = await fetch(url, { redirect: 'error', ...init, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new CallFailed(`${host} answered HTTP ${response.status} to ${what}`);
    }
    if (!response.body) return new Uint8Array(0);
    return await readAtMost(response.body, maxBytes, () => new CallFailed(`${what} passed ${maxBytes} bytes, more than Alipay sends`));
  } catch (error) {
    if (error instanceof CallFailed) throw error;
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new CallFailed(`${what} from ${host} did not complete within ${formatDuration(timeoutMs)} (ALIPAY_HTTP_TIMEOUT)`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    throw new CallFailed(`cannot reach ${host}: ${cause?.code ?? cause?.message ?? (error as Error)?.message}`);
  }
}
