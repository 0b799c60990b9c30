import { afterEach, describe, expect, it } from 'vitest';
import { configureLog } from '../../src/util/log.js';
import { createProgress } from '../../src/util/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream };
}

const savedCi = process.env.CI;
afterEach(() => {
  process.env.CI = savedCi;
  configureLog({ level: 'normal' });
});

describe('progress', () => {
  it('redraws one bar on a TTY', () => {
    delete process.env.CI;
    const { writes, stream } = fakeStream(true);
    const progress = createProgress('collect', { stream, intervalMs: 0 });
    progress.grow(4);
    progress.tick(1, 'groups');
    progress.tick(3, 'rules');
    progress.done('4 requests');
    expect(writes.slice(0, 2).every((w) => w.startsWith('\r') && !w.includes('\n'))).toBe(true);
    expect(writes[1]).toMatch(/\[#+\] 100% 4\/4/);
    expect(writes.at(-1)).toMatch(/^collect: 4 requests in \d+\.\ds\n$/);
  });

  it('writes plain lines when not a TTY, throttled', () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress('collect', { stream, intervalMs: 60_000 });
    progress.grow(100);
    for (let i = 0; i < 100; i++) progress.tick();
    progress.done();
    expect(writes.every((w) => !w.includes('\r') && w.endsWith('\n'))).toBe(true);
    expect(writes.length).toBe(2); // the first tick, then the summary: no flood in CI logs
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
