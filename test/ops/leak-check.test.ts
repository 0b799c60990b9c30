import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { sampleEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { scheduledScan } from '../../src/pipeline/scheduled-scan.js';
import { startScheduler } from '../../src/schedule/scheduler.js';
import { configureLog } from '../../src/util/log.js';
import { runMain, type MainRun } from './helpers.js';

/**
 * Leak check (issue 16, item 5): a full scan — two accounts (the second by STS AssumeRole), two
 * regions, every report format, the run log — with a distinctive access key secret and STS token.
 * A server in front of the emulator answers some requests with an error that echoes the request's
 * credentials headers, as gateways and some APIs do, so the SDK's error messages carry them into
 * coverage, the findings, the reports and the logs. No file written and nothing printed may hold
 * any secret: raw, URL-encoded or base64-encoded.
 */
const KEY_ID = 'LEAKCHECKKEYID0001';
const SECRET = 'LeakCheckSecret+Zq7/xW3=Kd9';
const TOKEN = 'CAISLeakCheckToken+Pm4/vN8=Tq2Xr6Hs1Jb5';

let dir: string;
let emulator: RunningEmulator;
let proxy: Server;
let proxyUrl = '';
let echoed = 0;
const saved = { ...process.env };
const runs: MainRun[] = [];

/** Forward to the emulator, except DescribeSecurityGroups in ap-southeast-1 and EIPs everywhere: echo the credentials back in an error. */
function startProxy(target: URL): Promise<void> {
  proxy = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = String(req.headers['x-acs-action'] ?? '');
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const echo = (action === 'DescribeSecurityGroups' && query.get('RegionId') === 'ap-southeast-1') || action === 'DescribeEipAddresses';
      if (echo) {
        echoed++;
        const token = String(req.headers['x-acs-security-token'] ?? '');
        const message = `The specified parameter is not valid. request: ${req.method} ${req.url} x-acs-security-token=${token} (${encodeURIComponent(token)}) authorization=${String(req.headers.authorization)}`;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ RequestId: 'ECHO-0001', HostId: 'echo', Code: 'InvalidParameter', Message: message, Recommend: `https://api.aliyun.com/troubleshoot?token=${encodeURIComponent(token)}` }));
        return;
      }
      const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => {
    const address = proxy.address();
    proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    resolve();
  }));
}

/** Every form a secret could be written in. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), JSON.stringify(secret).slice(1, -1)];
}

async function filesBelow(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function textOf(path: string): Promise<string> {
  const bytes = await readFile(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('latin1') : bytes.toString('latin1');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-leak-'));
  emulator = await startEmulator({ estate: sampleEstate(), credentials: [{ accessKeyId: KEY_ID, accessKeySecret: SECRET }] });
  await startProxy(new URL(emulator.url));
  Object.assign(process.env, { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN, SGAUDIT_CONFIG: '' });
  const config = join(dir, 'sgaudit.yaml');
  await writeFile(
    config,
    [
      'accounts:',
      '  - { id: "1234567890123456", alias: prod }',
      '  - { id: "6543210987654321", alias: shared, roleName: sgaudit-readonly }',
      'regions: [cn-hangzhou, ap-southeast-1]',
      `store: { dir: ${JSON.stringify(join(dir, 'snapshots'))} }`,
      `reports: { dir: ${JSON.stringify(join(dir, 'reports'))}, formats: [html, md, csv, sarif, json] }`,
      '',
    ].join('\n'),
  );
  const common = ['--config', config, '--endpoint', proxyUrl];
  runs.push(await runMain(['--debug', 'scan', ...common, '--against', 'previous']));
  runs.push(await runMain(['--debug', '--log-format', 'json', 'schedule', '--once', ...common]));
  runs.push(await runMain(['--verbose', 'collect', ...common, '--strict']));
  // A run whose every group listing is answered with the echo.
  runs.push(await runMain(['--debug', 'collect', ...common, '--regions', 'ap-southeast-1', '--accounts', '1234567890123456']));
  // The scheduler's run log, of a good run and of one that fails outright (its error is logged).
  const loaded = await loadConfig(config);
  const runLog = join(dir, 'logs', 'runs.jsonl');
  const good = scheduledScan({ config: loaded, endpoint: proxyUrl });
  const bad = scheduledScan({ config: loaded, endpoint: proxyUrl, regions: ['ap-southeast-1'], accounts: [{ accountId: '1234567890123456' }] });
  let started = 0;
  const logged: string[] = [];
  configureLog({ level: 'debug', sink: (line) => logged.push(line) });
  try {
    const scheduler = startScheduler({ cron: '* * * * * *', runLogPath: runLog, run: (signal) => (started++ === 0 ? good(signal) : bad(signal)) });
    while ((await readFile(runLog, 'utf8').catch(() => '')).split('\n').filter((line) => line.includes('"end"')).length < 2) await new Promise((r) => setTimeout(r, 50));
    await scheduler.stop('test');
  } finally {
    configureLog({ level: 'normal', sink: (line) => process.stderr.write(`${line}\n`) });
  }
  runs.push({ code: 0, stdout: '', stderr: logged.join('\n') });
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => proxy.close(resolve));
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('no secret in any output', () => {
  it('the runs really carried the secrets and met the echoing errors', () => {
    expect(echoed).toBeGreaterThan(0);
    expect(emulator.stsSessions().length).toBeGreaterThan(0);
    expect(runs.map((run) => run.code)).toEqual([0, 0, 3, 0, 0]);
    // The echo reached the coverage (its message, redacted) and the terminal.
    expect(runs[0]?.stderr).toContain('InvalidParameter');
  });

  it('zero hits in every file written and all stdout/stderr', async () => {
    const secrets = [SECRET, TOKEN, ...emulator.stsSessions().flatMap((session) => [session.accessKeySecret, session.securityToken])];
    const needles = secrets.flatMap(forms);
    const files = await filesBelow(dir);
    const written = files.filter((path) => !path.endsWith('sgaudit.yaml'));
    expect(written.some((path) => path.includes('snapshots'))).toBe(true);
    expect(written.some((path) => path.endsWith('findings.html'))).toBe(true);
    expect(written.some((path) => path.endsWith('runs.jsonl'))).toBe(true);
    const hits: string[] = [];
    for (const path of written) {
      const text = await textOf(path);
      for (const needle of needles) if (text.includes(needle)) hits.push(`${path}: ${needle}`);
    }
    runs.forEach((run, index) => {
      for (const needle of needles) if (`${run.stdout}\n${run.stderr}`.includes(needle)) hits.push(`run ${index} output: ${needle}`);
    });
    console.log(`leak check: ${written.length} files, ${runs.length} runs' stdout/stderr, ${secrets.length} secrets in ${forms('x').length} forms each, ${echoed} echoing errors: ${hits.length} hits`);
    expect(hits).toEqual([]);
  });
});
