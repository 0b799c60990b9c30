import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How many modules of a cloud's SDKs (`@alicloud`, `@huaweicloud`) a fresh process has loaded after importing `modulePath` (and building the CLI). */
function sdkModulesLoadedBy(modulePath: string, scope = '@alicloud'): number {
  const script = [
    "const { createRequire } = await import('node:module');",
    'const require = createRequire(import.meta.url);',
    `const loaded = await import(${JSON.stringify(modulePath)});`,
    'if (typeof loaded.buildProgram === "function") loaded.buildProgram();',
    `console.log(Object.keys(require.cache).filter((path) => path.includes(${JSON.stringify(scope)})).length);`,
  ].join('\n');
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return Number(output.trim());
}

describe('start-up', () => {
  // Every command (analyze, report, diff, --help, --version) used to pay ~0.8 s loading the SDKs
  // that only collection needs; they are imported when a collecting command runs.
  it('building the CLI loads none of the Alibaba Cloud SDKs', () => {
    expect(sdkModulesLoadedBy('./src/cli.ts')).toBe(0);
  });

  // The Huawei SDKs are loaded by the first Huawei account a collection reaches, not by the collector module.
  it('neither the CLI nor the collector module loads the Huawei Cloud SDKs', () => {
    expect(sdkModulesLoadedBy('./src/cli.ts', '@huaweicloud')).toBe(0);
    expect(sdkModulesLoadedBy('./src/collect/index.ts', '@huaweicloud')).toBe(0);
  });

  it('the collector still loads them (the check above can fail)', () => {
    expect(sdkModulesLoadedBy('./src/collect/index.ts')).toBeGreaterThan(0);
  });
});
