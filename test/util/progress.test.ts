import { afterEach, describe, expect, it } from 'vitest';
import { configureLog } from '../../src/util/log.js';
import { createProgress } from '../../src/util/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 140, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream };
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

const savedCi = process.env.CI;
afterEach(() => {
  process.env.CI = savedCi;
  configureLog({ level: 'normal', format: 'text', sink: (line) => process.stderr.write(`${line}\n`) });
});

describe('progress', () => {
  it('redraws one bar on a TTY with requests, retries and the step', () => {
    delete process.env.CI;
    const { writes, stream } = fakeStream(true);
    const time = clock();
    const progress = createProgress('collect', { stream, intervalMs: 0, now: time.now });
    progress.grow(4);
    time.advance(10);
    progress.tick(1, 'acct/cn-hangzhou', 'DescribeSecurityGroups');
    progress.retry();
    time.advance(10);
    progress.tick(3, 'acct/cn-hangzhou', 'DescribeInstances');
    progress.done('4 requests');
    expect(writes.slice(0, 2).every((w) => w.startsWith('\r') && !w.includes('\n'))).toBe(true);
    expect(writes[1]).toMatch(/\[#+-*\] 99% 4\/4 requests, 1 retries .* acct\/cn-hangzhou DescribeInstances/);
    expect(writes.at(-1)).toMatch(/^collect: 4 requests in \d+\.\ds\n$/);
  });

  it('writes a plain line every interval when not a TTY, not one at the start only', () => {
    const { writes, stream } = fakeStream(false);
    const time = clock();
    const progress = createProgress('collect', { stream, intervalMs: 3000, now: time.now });
    progress.grow(1000);
    for (let i = 0; i < 1000; i++) {
      time.advance(10); // 10 s of work in all
      progress.tick(1, i % 2 ? 'acct/cn-hangzhou' : 'acct/cn-shanghai', 'DescribeInstances');
    }
    progress.done();
    expect(writes.every((w) => !w.includes('\r') && w.endsWith('\n'))).toBe(true);
    expect(writes.length).toBe(4); // at 3 s, 6 s, 9 s, then the summary
    expect(writes[0]).toBe('collect: 30% — 300/1000 requests, ETA 7s after 3.0s (acct/cn-shanghai 150, acct/cn-hangzhou 150)\n');
    expect(writes[2]).toMatch(/ETA 1s/);
  });

  it('never shows the percentage going back when the total grows', () => {
    const { writes, stream } = fakeStream(false);
    const time = clock();
    const progress = createProgress('collect', { stream, intervalMs: 1000, now: time.now });
    progress.grow(10);
    time.advance(1000);
    progress.tick(8); // 80 %
    progress.grow(90); // pages discovered: 8 of 100
    time.advance(1000);
    progress.tick(2); // 10 %, shown as 80 %
    const shown = writes.map((line) => Number(/(\d+)%/.exec(line)?.[1]));
    expect(shown).toEqual([80, 80]);
  });

  it('emits only JSON log records with --log-format json', () => {
    const lines: string[] = [];
    configureLog({ format: 'json', sink: (line) => lines.push(line) });
    const { writes, stream } = fakeStream(true);
    const time = clock();
    const progress = createProgress('collect', { stream, intervalMs: 1000, now: time.now });
    progress.grow(2);
    time.advance(1500);
    progress.tick(1, 'acct/cn-hangzhou', 'DescribeRegions');
    progress.done();
    expect(writes).toEqual([]);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ level: 'info', message: 'collect progress', done: 1, total: 2, percent: 50, scopes: { 'acct/cn-hangzhou': 1 } });
    expect(records[1]).toMatchObject({ message: 'collect done', done: 1, total: 2 });
  });

  it('is silent with --quiet', () => {
    configureLog({ level: 'quiet' });
    const { writes, stream } = fakeStream(true);
    const progress = createProgress('collect', { stream, intervalMs: 0 });
    progress.tick();
    progress.done();
    expect(writes).toEqual([]);
  });
});
