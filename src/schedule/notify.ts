import { log } from '../util/log.js';

export interface WebhookOptions {
  url: string;
  timeoutMs?: number;
  retries?: number;
  /** Base delay between attempts; doubles each time. */
  retryDelayMs?: number;
}

/**
 * POST a run summary to a webhook (chat, incident tooling). Never throws and never changes the
 * scan's result: a dead webhook is a warning, not a failed audit. The URL may carry a token, so
 * only its origin is ever logged.
 */
export async function notifyWebhook(options: WebhookOptions, summary: unknown): Promise<{ delivered: boolean; attempts: number; status?: number }> {
  const attempts = 1 + (options.retries ?? 2);
  const origin = safeOrigin(options.url);
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'sgaudit' },
        body: JSON.stringify(summary),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      lastStatus = response.status;
      await response.body?.cancel();
      if (response.ok) return { delivered: true, attempts: attempt, status: response.status };
      // 4xx other than 429 will not get better by retrying
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      log.verbose(`webhook ${origin} attempt ${attempt} failed: ${error instanceof Error ? error.name : String(error)}`);
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, (options.retryDelayMs ?? 1000) * 2 ** (attempt - 1)));
  }
  log.warn(`webhook ${origin} not delivered${lastStatus ? ` (last status ${lastStatus})` : ''}; the scan result is unaffected`);
  return { delivered: false, attempts, ...(lastStatus ? { status: lastStatus } : {}) };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
