import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { collectionFromFlags } from '../../src/commands/scan-flags.js';
import { collectOptionsFromConfig } from '../../src/pipeline/collect-options.js';
import { SgauditError } from '../../src/model/errors.js';

const problems = (text: string): string[] => {
  try {
    parseConfigText(text, 'sgaudit.yaml');
  } catch (error) {
    if (error instanceof SgauditError) return error.message.split('\n').slice(1).map((line) => line.trim());
    throw error;
  }
  return [];
};

describe('discover, resourceDirectory and the collect settings of organisations', () => {
  it('maps onto the collector options', () => {
    const config = parseConfigText(
      [
        'discover: resourceDirectory',
        'resourceDirectory: { roleName: sgaudit-readonly, folders: [fd-prod, r-root], accounts: ["prod-*"], exclude: ["*-old"], statuses: [CreateSuccess] }',
        'accounts: [{ id: "1234567890123456", alias: legacy, roleName: audit }]',
        'collect: { rateLimit: 50, sessionDurationSeconds: 7200, concurrency: { accounts: 8, perAccount: 16, regions: 2 } }',
      ].join('\n'),
      'sgaudit.yaml',
    );
    expect(collectOptionsFromConfig(config, {})).toEqual({
      accounts: [{ accountId: '1234567890123456', alias: 'legacy', roleArn: 'acs:ram::1234567890123456:role/audit' }],
      discover: { roleName: 'sgaudit-readonly', folders: ['fd-prod', 'r-root'], accounts: ['prod-*'], exclude: ['*-old'], statuses: ['CreateSuccess'] },
      concurrency: { accounts: 8, perAccount: 16, regions: 2 },
      rateLimit: 50,
      sessionDurationSeconds: 7200,
    });
    // resourceDirectory settings without discover do nothing (--discover may switch it on).
    expect(collectOptionsFromConfig(parseConfigText('resourceDirectory: { roleName: r }', undefined), {}).discover).toBeUndefined();
  });

  it.each<[string, string, string[]]>([
    ['an unknown discovery source', 'discover: ldap', ['discover: Invalid input: expected "resourceDirectory"']],
    ['a typo in the directory settings', 'resourceDirectory: { folder: [fd-1] }', ['resourceDirectory.folder: unknown key (did you mean "folders"?)']],
    ['a folder that is not one', 'resourceDirectory: { folders: [prod] }', ['resourceDirectory.folders[0]: a folder id (fd-…) or the root folder id (r-…)']],
    ['a role name with a slash', 'resourceDirectory: { roleName: "a/b" }', ['resourceDirectory.roleName: a RAM role name (letters, digits, . _ @ -; at most 64)']],
    ['a session STS would refuse', 'collect: { sessionDurationSeconds: 600 }', ['collect.sessionDurationSeconds: Too small: expected number to be >=900']],
    ['a session too long', 'collect: { sessionDurationSeconds: 50000 }', ['collect.sessionDurationSeconds: Too big: expected number to be <=43200']],
    ['no request rate', 'collect: { rateLimit: 0 }', ['collect.rateLimit: Too small: expected number to be >0']],
    ['a typo in concurrency', 'collect: { concurrency: { perAcount: 3 } }', ['collect.concurrency.perAcount: unknown key (did you mean "perAccount"?)']],
  ])('%s', (_name, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });
});

describe('--discover, --accounts and --role-name over the config', () => {
  const configured = parseConfigText('accounts: [{ id: "1111111111111111", alias: prod, roleName: r }, { id: "2222222222222222", alias: dev, roleName: r }]', undefined);
  const empty = parseConfigText('', undefined);
  const discovering = parseConfigText('discover: resourceDirectory\nresourceDirectory: { roleName: from-config, accounts: ["x-*"] }', undefined);

  it.each<[string, Parameters<typeof collectionFromFlags>[0], ReturnType<typeof parseConfigText>, (result: ReturnType<typeof collectionFromFlags>) => void]>([
    ['no flags: the config as it is', {}, configured, (result) => expect(result).toEqual({ config: configured })],
    [
      '--accounts with --role-name: the accounts to assume, as before',
      { accounts: ['3333333333333333'], roleName: 'ro' },
      configured,
      (result) => expect(result.accounts).toEqual([{ accountId: '3333333333333333', roleArn: 'acs:ram::3333333333333333:role/ro' }]),
    ],
    [
      '--accounts alone selects among the configured accounts, by alias or id',
      { accounts: ['dev'] },
      configured,
      (result) => expect(result.config.accounts?.map((account) => account.id)).toEqual(['2222222222222222']),
    ],
    [
      '--discover switches discovery on; --accounts and --role-name replace the directory settings',
      { discover: true, accounts: ['prod-*'], roleName: 'audit' },
      empty,
      (result) => {
        expect(result.accounts).toBeUndefined();
        expect(result.config.discover).toBe('resourceDirectory');
        expect(result.config.resourceDirectory).toEqual({ roleName: 'audit', accounts: ['prod-*'] });
      },
    ],
    [
      'discovery from the config: --accounts narrows the explicit accounts too',
      { accounts: ['prod'] },
      { ...discovering, accounts: configured.accounts },
      (result) => {
        expect(result.config.resourceDirectory).toEqual({ roleName: 'from-config', accounts: ['prod'] });
        expect(result.config.accounts?.map((account) => account.alias)).toEqual(['prod']);
      },
    ],
  ])('%s', (_name, flags, config, check) => {
    check(collectionFromFlags(flags, config));
  });

  it.each<[string, Parameters<typeof collectionFromFlags>[0], ReturnType<typeof parseConfigText>, RegExp]>([
    ['--accounts with nothing to select from', { accounts: ['1'] }, empty, /^--accounts needs --role-name/],
    ['--accounts selecting none of the configured', { accounts: ['staging'] }, configured, /^--accounts staging matches none of the accounts in the config \(1111111111111111, 2222222222222222\)$/],
    ['--role-name without accounts or discovery', { roleName: 'r' }, empty, /^--role-name needs --accounts .* or --discover/],
  ])('usage error: %s', (_name, flags, config, message) => {
    expect(() => collectionFromFlags(flags, config)).toThrow(message);
  });
});
