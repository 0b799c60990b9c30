import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How many modules of each cloud's SDKs a fresh process has loaded after importing `modulePath` (and building the CLI). */
function sdkModulesLoadedBy(modulePath: string): { alicloud: number; huaweicloud: number } {
  const script = [
    "const { createRequire } = await import('node:module');",
    'const require = createRequire(import.meta.url);',
    `const loaded = await import(${JSON.stringify(modulePath)});`,
    'if (typeof loaded.buildProgram === "function") loaded.buildProgram();',
    'const count = (scope) => Object.keys(require.cache).filter((path) => path.includes(scope)).length;',
    "console.log(JSON.stringify({ alicloud: count('@alicloud'), huaweicloud: count('@huaweicloud') }));",
  ].join('\n');
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(output.trim()) as { alicloud: number; huaweicloud: number };
}

describe('start-up', () => {
  // Every command (analyze, report, diff, --help, --version) used to pay ~0.8 s loading the SDKs
  // that only collection needs; they are imported when a collecting command runs.
  it('building the CLI loads none of the cloud SDKs', () => {
    expect(sdkModulesLoadedBy('./src/cli.ts')).toEqual({ alicloud: 0, huaweicloud: 0 });
  });

  // The Huawei SDKs wait further: for the first Huawei account a collection reaches.
  it('the collector still loads the Alibaba ones (the check above can fail), not the Huawei ones', () => {
    const loaded = sdkModulesLoadedBy('./src/collect/index.ts');
    expect(loaded.alicloud).toBeGreaterThan(0);
    expect(loaded.huaweicloud).toBe(0);
  });
});
