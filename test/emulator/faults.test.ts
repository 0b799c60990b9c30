import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startEmulator, type FaultOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { $Ecs, ecsClient } from './sdk-clients.js';
import { ACCOUNT, pagingEstate, REGION } from './estates.js';

let running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((emulator) => emulator.close()));
  running = [];
});

async function emulatorWith(faults: FaultOptions, seed = 7): Promise<RunningEmulator> {
  const emulator = await startEmulator({ estate: pagingEstate({ extraGroups: 30 }), credentials: [{ ...DEMO_CREDENTIALS, accountId: ACCOUNT }], faults, seed });
  running.push(emulator);
  return emulator;
}

function listGroups(emulator: RunningEmulator, regionId = REGION, readTimeout?: number, maxResults = 10) {
  return ecsClient(emulator, DEMO_CREDENTIALS, regionId, readTimeout).describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId, maxResults }));
}

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown> & { data?: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

describe('fault injection as the SDK sees it', () => {
  it('answers a forbidden region with 403 Forbidden.RAM and a RequestId, other regions normally', async () => {
    const emulator = await emulatorWith({ forbidRegions: ['ap-southeast-1'] });
    const error = await failure(listGroups(emulator, 'ap-southeast-1'));
    expect([error.code, error.statusCode]).toEqual(['Forbidden.RAM', 403]);
    expect(error.data?.RequestId).toBeTruthy();
    expect((await listGroups(emulator)).statusCode).toBe(200);
    const regions = await ecsClient(emulator, DEMO_CREDENTIALS).describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(regions.body?.regions?.region?.map((r) => r.regionId)).toContain('ap-southeast-1');
    expect(emulator.stats().faults.forbidden).toBe(1);
  });

  it('throttles with HTTP 400 Throttling.User, the real message and x-acs-retry-after', async () => {
    const emulator = await emulatorWith({ throttleRate: 1, retryAfterMs: 250 });
    const error = await failure(listGroups(emulator));
    expect(error.name).toBe('ThrottlingError');
    expect([error.code, error.statusCode, error.retryAfter]).toEqual(['Throttling.User', 400, 250]);
    expect(String(error.message)).toContain('Request was denied due to user flow control.');
  });

  it('answers 5xx with InternalError or ServiceUnavailable', async () => {
    const emulator = await emulatorWith({ errorRate: 1 });
    const codes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const error = await failure(listGroups(emulator));
      codes.add(`${String(error.statusCode)} ${String(error.code)}`);
    }
    expect(codes).toEqual(new Set(['500 InternalError', '503 ServiceUnavailable']));
  });

  it('sends malformed bodies (HTML gateway page, truncated JSON) that surface as SDK errors', async () => {
    const emulator = await emulatorWith({ malformedRate: 1 });
    const names = new Set<string>();
    for (let i = 0; i < 10; i++) names.add(String((await failure(listGroups(emulator))).name));
    expect(names).toEqual(new Set(['SyntaxError']));
    const statuses = new Set(emulator.requests().map((r) => r.status));
    expect(statuses).toEqual(new Set([200, 502]));
  });

  it('resets connections', async () => {
    const emulator = await emulatorWith({ resetRate: 1 });
    const error = await failure(listGroups(emulator));
    expect(String(error.code ?? error.message)).toMatch(/ECONNRESET|socket hang up/);
    expect(emulator.stats().faults.reset).toBe(1);
  });

  it('hangs the Nth request until the client times out, then answers the next', async () => {
    const emulator = await emulatorWith({ hangRequests: [1] });
    const started = Date.now();
    const error = await failure(listGroups(emulator, REGION, 300));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(String(error.name) + String(error.message)).toMatch(/timeout/i);
    expect((await listGroups(emulator)).statusCode).toBe(200);
  });

  it('hangs a random share of requests (hangRate) until the client times out; the connection closes with the client', async () => {
    const emulator = await emulatorWith({ hangRate: 1 });
    const error = await failure(listGroups(emulator, REGION, 200));
    expect(String(error.name) + String(error.message)).toMatch(/timeout/i);
    expect(emulator.stats().faults.hang).toBe(1);
    // The client gave up and destroyed its socket: nothing is left open on the emulator's side.
    await expect.poll(() => emulator.connections()).toBe(0);
  });

  it('throttles with and without x-acs-retry-after (retryAfterShare)', async () => {
    const emulator = await emulatorWith({ throttleRate: 1, retryAfterMs: 40, retryAfterShare: 0.5 });
    const advised = new Set<unknown>();
    for (let i = 0; i < 16; i++) advised.add((await failure(listGroups(emulator))).retryAfter);
    expect(advised).toEqual(new Set([40, undefined]));
  });

  it('flips a region to Forbidden.RAM from its Nth ECS request on (forbidRegionsAfter)', async () => {
    const emulator = await emulatorWith({ forbidRegionsAfter: { [REGION]: 3 } });
    expect((await listGroups(emulator)).statusCode).toBe(200);
    expect((await listGroups(emulator)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const error = await failure(listGroups(emulator));
      expect([error.code, error.statusCode]).toEqual(['Forbidden.RAM', 403]);
      expect(error.data?.RequestId).toBeTruthy();
    }
    expect(emulator.stats().faults.forbidden).toBe(2);
  });

  it('adds latency', async () => {
    const emulator = await emulatorWith({ latencyMs: 150 });
    const started = Date.now();
    await listGroups(emulator);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('enforces a per account × region × API rate limit with Throttling.User and the real wait', async () => {
    const emulator = await emulatorWith({ rateLimit: 5 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => listGroups(emulator)));
    const throttled = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as Record<string, unknown>);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(5);
    expect(throttled.every((e) => e.code === 'Throttling.User' && typeof e.retryAfter === 'number' && (e.retryAfter as number) > 0)).toBe(true);
    // Another API has its own budget.
    const other = await ecsClient(emulator, DEMO_CREDENTIALS).describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION }));
    expect(other.statusCode).toBe(200);
    expect(emulator.stats().faults.rateLimit).toBe(7);
  });

  it('is deterministic by seed, and a retried request gets a fresh draw', async () => {
    const outcomes = async (seed: number) => {
      const emulator = await emulatorWith({ throttleRate: 0.5 }, seed);
      const list: string[] = [];
      for (let i = 0; i < 24; i++) list.push(await listGroups(emulator).then(() => 'ok', (e: { code: string }) => e.code));
      return list;
    };
    const first = await outcomes(11);
    expect(await outcomes(11)).toEqual(first);
    expect(await outcomes(12)).not.toEqual(first);
    // The same request repeated: not stuck on one answer.
    expect(new Set(first)).toEqual(new Set(['ok', 'Throttling.User']));
  });
});
