import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../ops/helpers.js';

/**
 * The container image (Dockerfile): statically, a pinned non-`latest` base, a multi-stage build with
 * production dependencies only, a numeric non-root USER, TMPDIR for a read-only root filesystem and
 * `sgaudit` as the entrypoint. Where a container runtime answers, the image is built and
 * `sgaudit demo` runs in it with a read-only root filesystem.
 */
const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
/** Instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((all, line) => (line.startsWith('FROM ') ? [...all, [line]] : all.length ? [...all.slice(0, -1), [...(all.at(-1) as string[]), line]] : all), []);
const runtime = stages.at(-1) as string[];

/** A working container runtime (the client alone is not enough: docker needs its daemon). */
function containerRuntime(): string | undefined {
  for (const candidate of ['docker', 'podman']) {
    if (spawnSync(candidate, ['info'], { stdio: 'ignore', timeout: 15_000 }).status === 0) return candidate;
  }
  return undefined;
}
const runtimeCommand = containerRuntime();
if (!runtimeCommand) console.warn('test/fleet/image.test.ts: the image build and `sgaudit demo` in it are skipped: no container runtime (neither `docker info` nor `podman info` answers)');

describe('Dockerfile', () => {
  it('builds from a tagged base image, never latest', () => {
    const args = Object.fromEntries(instructions.filter((line) => line.startsWith('ARG ')).map((line) => line.slice(4).split('=') as [string, string]));
    const bases = instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1] as string);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) {
      const image = base.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
      expect(image, base).toMatch(/^[\w./-]+:[\w.-]+(@sha256:[0-9a-f]{64})?$/);
      expect(image, base).not.toMatch(/:latest\b/);
    }
  });

  it('runs as a numeric non-root user, with sgaudit as its entrypoint and TMPDIR set, and ships production dependencies only', () => {
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime).toContain('ENTRYPOINT ["sgaudit"]');
    expect(runtime.some((line) => /^ENV .*\bTMPDIR=\/tmp\b/.test(line))).toBe(true);
    expect(stages[0]?.join('\n')).toMatch(/npm ci/);
    expect(stages[0]?.join('\n')).toMatch(/npm prune --omit=dev/);
    // The runtime stage copies the build's output, not the sources or the dev tools.
    expect(runtime.join('\n')).not.toMatch(/COPY (\.|src) /);
    for (const ignored of ['.git', 'node_modules', 'dist', 'test']) expect(dockerignore).toContain(ignored);
  });

  it.skipIf(!runtimeCommand)(
    `builds, and sgaudit demo runs in it with a read-only root filesystem${runtimeCommand ? ` (${runtimeCommand})` : ' (skipped: no container runtime — neither `docker info` nor `podman info` answers here)'}`,
    () => {
      const runtimeName = runtimeCommand as string;
      const tag = `sgaudit-test:${process.pid}`;
      const build = spawnSync(runtimeName, ['build', '-t', tag, REPO], { encoding: 'utf8', timeout: 900_000 });
      expect(build.status, build.stderr.slice(-3000)).toBe(0);
      try {
        const run = spawnSync(runtimeName, ['run', '--rm', '--read-only', '--tmpfs', '/tmp', '--tmpfs', '/work:uid=10001,gid=10001', tag, 'demo'], { encoding: 'utf8', timeout: 300_000 });
        expect(run.status, run.stderr.slice(-3000)).toBe(0);
        expect(run.stdout.trim()).toMatch(/^\/work\/sgaudit-demo\/reports\/\d{8}T\d{6}Z\/findings\.html$/);
      } finally {
        spawnSync(runtimeName, ['rmi', '-f', tag], { stdio: 'ignore' });
      }
    },
    1_200_000,
  );
});
