import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAnalyzerSettings } from '../../src/config/defaults.js';
import { loadConfig, parseConfigText, resolveAnalyzerSettings } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { SgauditError } from '../../src/model/errors.js';

const fixtures = new URL('../fixtures/config/', import.meta.url).pathname;
const repoRoot = new URL('../../', import.meta.url).pathname;

async function configProblem(file: string): Promise<SgauditError> {
  const error = await loadConfig(join(fixtures, file)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SgauditError);
  return error as SgauditError;
}

describe('invalid configs report every problem with its key path', () => {
  it.each([
    [
      'bad/typos.yaml',
      [
        'thresholds.broadPortSapn: unknown key (did you mean "broadPortSpan"?)',
        'checks.broad-rule.severity: Invalid option: expected one of "critical"|"high"|"medium"|"low"|"info"',
        'checks.unused-groups: unknown check id (did you mean "unused-group"?)',
        'regoins: unknown key (did you mean "regions"?)',
      ],
    ],
    [
      'bad/ports.yaml',
      [
        'allowedPublicPorts[2]: "tcp/99999": port 99999 is outside 1-65535',
        'allowedPublicPorts[3]: "sctp/1": unknown protocol "sctp" (expected one of tcp, udp, icmp, icmpv6, gre, all)',
        'allowedPublicPorts[4]: "tcp/90-80": range start 90 is above its end 80',
        'allowedPublicPorts[5]: "icmp/8": ports only apply to tcp and udp, write "icmp" alone',
        'allowedPublicPorts[6]: expected protocol/port like "tcp/22", "tcp/8000-8100", "udp/500-501" or "all"',
        'sensitivePorts[0].port: required (string)',
      ],
    ],
    [
      'bad/suppressions.yaml',
      [
        'suppressions[0].expires: Invalid ISO date',
        'suppressions[1]: needs either id, or both check and resource',
        'suppressions[2].reason: required (string)',
        'suppressions[2].expires: required (string)',
        'suppressions[3].check: unknown check id "nope"',
      ],
    ],
    [
      'bad/misc.yaml',
      [
        'accounts[0].id: account id is the numeric Alibaba Cloud account (UID)',
        'accounts[0].roleArn: give roleArn or roleName, not both',
        'reports.formats[1]: Invalid option: expected one of "html"|"md"|"json"|"csv"|"sarif"',
        'baseline.against: Invalid option: expected one of "none"|"approved"|"previous"',
        'thresholds.broadSourcePrefix: Too big: expected number to be <=32',
        'thresholds.maxGroupsPerEni: Too small: expected number to be >0',
        'schedule.cron: invalid cron expression "every night"',
        'schedule.timezone: unknown time zone "Mars/Olympus" (expected an IANA name like Asia/Shanghai)',
        'notify.webhook.url: Invalid URL',
      ],
    ],
    ['bad/syntax.yaml', ['line 2:1: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['bad/duplicate-key.yaml', ['line 2:1: Map keys must be unique']],
    ['bad/not-a-mapping.yaml', ['(top level): Invalid input: expected object, received array']],
  ])('%s', async (file, problems) => {
    const error = await configProblem(file);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    const [first, ...lines] = error.message.split('\n');
    expect(first).toBe(`${join(fixtures, file)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    expect(lines.map((line) => line.trim()).sort()).toEqual([...problems].sort());
  });
});

describe('a good config', () => {
  it('fills defaults and resolves analyzer settings', async () => {
    const config = await loadConfig(join(fixtures, 'good.yaml'));
    expect(config.store.dir).toBe('snapshots');
    expect(config.reports).toEqual({ dir: 'out/reports', formats: ['html', 'sarif'] });
    expect(config.checks?.['too-many-groups']).toEqual({ enabled: false });
    expect(config.suppressions).toHaveLength(2);

    const settings = resolveAnalyzerSettings(config);
    const defaults = defaultAnalyzerSettings();
    expect(settings.allowedPublicPorts).toEqual([
      { protocol: 'tcp', from: 80, to: 80 },
      { protocol: 'tcp', from: 443, to: 443 },
      { protocol: 'udp', from: 500, to: 501 },
    ]);
    expect(settings.sensitivePorts).toEqual([...defaults.sensitivePorts, { protocol: 'tcp', from: 3000, to: 3000, name: 'grafana' }]);
    expect(settings.broadPortSpan).toBe(1000);
    expect(settings.broadSourcePrefix).toBe(20);
    expect(settings.broadSourcePrefixV6).toBe(defaults.broadSourcePrefixV6);
    expect(settings.maxGroupsPerEni).toBe(3);
    expect(settings.internalTier.instanceNamePatterns).toEqual(['*-backend-*']);
    expect(settings.internalTier.tags).toEqual(defaults.internalTier.tags);
  });

  it('sensitivePorts replaces the built-in list', () => {
    const settings = resolveAnalyzerSettings(parseConfigText('sensitivePorts: [{ name: ssh, port: tcp/22 }]\n', 'x.yaml'));
    expect(settings.sensitivePorts).toEqual([{ protocol: 'tcp', from: 22, to: 22, name: 'ssh' }]);
  });

  it('breadth thresholds override the defaults one key at a time, and wide may not be broader than internet', () => {
    const settings = resolveAnalyzerSettings(parseConfigText('breadth:\n  internet: { ipv4Prefix: 12 }\n  wide: { ipv6Prefix: 56 }\n', 'x.yaml'));
    expect(settings.breadth).toEqual({ internetIpv4Prefix: 12, internetIpv6Prefix: 32, wideIpv4Prefix: 16, wideIpv6Prefix: 56 });
    expect(() => parseConfigText('breadth:\n  wide: { ipv4Prefix: 4 }\n', 'x.yaml')).toThrow(/breadth\.wide\.ipv4Prefix: wide \(\/4\) must not be broader than internet \(\/8\)/);
  });

  it('an empty file is the defaults', () => {
    const config = parseConfigText('', 'empty.yaml');
    expect(resolveAnalyzerSettings(config)).toEqual(defaultAnalyzerSettings());
    expect(config.baseline.against).toBe('none');
  });
});

describe('discovery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgaudit-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withLocal = join(dir, 'with-local');
  const empty = join(dir, 'empty');
  mkdirSync(withLocal);
  mkdirSync(empty);
  writeFileSync(join(withLocal, 'sgaudit.yaml'), 'regions: [local]\n');
  writeFileSync(join(dir, 'env.yaml'), 'regions: [from-env]\n');
  writeFileSync(join(dir, 'explicit.yaml'), 'regions: [explicit]\n');
  const env = { SGAUDIT_CONFIG: join(dir, 'env.yaml') };

  it.each([
    ['explicit path first', 'explicit.yaml', withLocal, env, ['explicit'], 'explicit.yaml'],
    ['then ./sgaudit.yaml', undefined, withLocal, env, ['local'], 'sgaudit.yaml'],
    ['then $SGAUDIT_CONFIG', undefined, empty, env, ['from-env'], join(dir, 'env.yaml')],
    ['then defaults', undefined, empty, {}, undefined, undefined],
  ])('%s', async (_name, path, cwd, environment, regions, configFile) => {
    const config = await loadConfig(path === undefined ? undefined : join(dir, path), { cwd, env: environment });
    expect(config.regions).toEqual(regions);
    expect(config.configFile).toBe(configFile === 'explicit.yaml' ? join(dir, 'explicit.yaml') : configFile);
  });

  it('a missing explicit file is an error naming it', async () => {
    await expect(loadConfig('nope.yaml', { cwd: empty, env: {} })).rejects.toThrow('nope.yaml: config file not found');
  });
});

describe('JSON Schema', () => {
  const file = join(repoRoot, 'schema/sgaudit.schema.json');
  const generated = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  it('schema/sgaudit.schema.json is up to date (UPDATE_GENERATED=1 rewrites it)', () => {
    if (process.env.UPDATE_GENERATED === '1') {
      mkdirSync(join(repoRoot, 'schema'), { recursive: true });
      writeFileSync(file, generated);
    }
    expect(readFileSync(file, 'utf8')).toBe(generated);
  });
  it('describes strict objects and the port pattern', () => {
    const schema = JSON.parse(generated) as { additionalProperties: boolean; properties: Record<string, { items?: { pattern?: string } }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.allowedPublicPorts?.items?.pattern).toBeDefined();
  });
});
