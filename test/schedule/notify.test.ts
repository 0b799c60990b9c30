import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { notifyWebhook } from '../../src/schedule/notify.js';
import { configureLog } from '../../src/util/log.js';

let server: Server | undefined;
afterEach(async () => {
  configureLog({ level: 'normal', sink: (line) => process.stderr.write(`${line}\n`) });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, body: string) => number | 'hang'): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const status = handler(req, body);
      if (status === 'hang') return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook?token=s3cr3t`;
}

describe('webhook notification', () => {
  it('POSTs the summary JSON', async () => {
    const received: unknown[] = [];
    const url = await listen((req, body) => {
      received.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) });
      return 204;
    });
    const result = await notifyWebhook({ url }, { findings: 3 });
    expect(result).toEqual({ delivered: true, attempts: 1, status: 204 });
    expect(received).toEqual([{ method: 'POST', type: 'application/json', body: { findings: 3 } }]);
  });

  it('retries 5xx, gives up quietly, and never logs the URL token', async () => {
    const lines: string[] = [];
    configureLog({ level: 'debug', sink: (line) => lines.push(line) });
    let calls = 0;
    const url = await listen(() => {
      calls++;
      return 503;
    });
    const result = await notifyWebhook({ url, retries: 2, retryDelayMs: 10 }, {});
    expect(result).toMatchObject({ delivered: false, attempts: 3, status: 503 });
    expect(calls).toBe(3);
    expect(lines.join('\n')).not.toContain('s3cr3t');
    expect(lines.join('\n')).toMatch(/not delivered \(last status 503\)/);
  });

  it('times out a hung webhook', async () => {
    configureLog({ level: 'quiet' });
    const url = await listen(() => 'hang');
    const started = Date.now();
    const result = await notifyWebhook({ url, retries: 0, timeoutMs: 200 }, {});
    expect(result.delivered).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    server?.closeAllConnections();
  });
});
