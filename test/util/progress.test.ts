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
    expect(writes[1]).toMatch(/\[#+-*\] 99% 4 of 4 pages, 1 retries .* acct\/cn-hangzhou DescribeInstances/);
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
    expect(writes[0]).toBe('collect: 30% — 300 of 1,000 pages, ETA 7s after 3.0s (acct/cn-shanghai 150, acct/cn-hangzhou 150)\n');
    expect(writes[2]).toMatch(/ETA 1s/);
  });

  it('says pages done of pages known, the total marked ≥ while sources are open, exact (with a percentage) once final', () => {
    const { writes, stream } = fakeStream(false);
    const time = clock();
    const progress = createProgress('collect', { stream, intervalMs: 1000, now: time.now });
    const run = progress.discovering();
    progress.grow(10);
    time.advance(1000);
    progress.tick(8);
    const listing = progress.discovering();
    run();
    progress.grow(1520); // pages discovered
    time.advance(1000);
    progress.tick(1196);
    listing();
    time.advance(1000);
    progress.tick(100);
    progress.done();
    expect(writes).toEqual([
      'collect: 8 of ≥10 pages after 1.0s\n',
      'collect: 1,204 of ≥1,530 pages after 2.0s\n',
      'collect: 85% — 1,304 of 1,530 pages, ETA 1s after 3.0s\n',
      'collect: 1,304 of 1,530 pages done in 3.0s\n',
    ]);
  });

  it('never goes back: pages done only grow, the known total never shows below them, the percentage never drops', () => {
    const { writes, stream } = fakeStream(false);
    const time = clock();
    const progress = createProgress('collect', { stream, intervalMs: 0, now: time.now });
    const source = progress.discovering();
    // Ticks may arrive before the grows that announce their pages (a request counted as it ends).
    let pending = 0;
    for (let step = 0; step < 300; step++) {
      time.advance(10);
      if (step % 7 === 0) progress.grow(5);
      if (step === 200) source();
      if (step % 3 === 0 && pending < 200) {
        progress.tick();
        pending++;
      }
    }
    const parsed = writes.map((line) => /^collect: (?:(\d+)% — )?([\d,]+) of (≥?)([\d,]+) pages/.exec(line)).filter((match) => match !== null);
    expect(parsed.length).toBeGreaterThan(50);
    let [lastDone, lastPercent, sawFinal] = [0, 0, false];
    for (const [, percent, done, growing, total] of parsed) {
      const [d, t] = [Number(done?.replace(/,/g, '')), Number(total?.replace(/,/g, ''))];
      expect(d).toBeGreaterThanOrEqual(lastDone);
      expect(t).toBeGreaterThanOrEqual(d);
      if (growing) expect(percent).toBeUndefined();
      else {
        sawFinal = true;
        expect(Number(percent)).toBeGreaterThanOrEqual(lastPercent);
        lastPercent = Number(percent);
      }
      // Once exact, the total is never marked growing again.
      if (sawFinal) expect(growing).toBe('');
      lastDone = d;
    }
    expect(sawFinal).toBe(true);
  });

  it('a source closed twice is closed once', () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress('collect', { stream, intervalMs: 0 });
    const first = progress.discovering();
    const second = progress.discovering();
    progress.grow(2);
    first();
    first();
    progress.tick();
    second();
    progress.tick();
    expect(writes[0]).toMatch(/^collect: 1 of ≥2 pages/);
    expect(writes[1]).toMatch(/^collect: 99% — 2 of 2 pages/);
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
    expect(records[0]).toMatchObject({ level: 'info', message: 'collect progress', done: 1, total: 2, totalFinal: true, percent: 50, scopes: { 'acct/cn-hangzhou': 1 } });
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
