import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { CHECK_IDS, DEFAULT_BREADTH_THRESHOLDS } from './settings.js';
import { Severity } from '../model/findings.js';
import { parsePortSpec, PORT_SPEC_PATTERN } from './ports.js';

/**
 * The one schema of `sgaudit.yaml`. Types come from it (z.infer), the JSON Schema for editors is
 * generated from it (`configJsonSchema`), and every object is strict so a typo is an error, not a
 * silently ignored key.
 */

/** `drift` is produced by the drift stage, not by a catalog check, but it is configured like one. */
export const CONFIGURABLE_CHECK_IDS: readonly string[] = [...new Set([...CHECK_IDS, 'drift'])];

const PortSpecString = z
  .string()
  .regex(PORT_SPEC_PATTERN, 'expected protocol/port like "tcp/22", "tcp/8000-8100", "udp/500-501" or "all"')
  .superRefine((value, ctx) => {
    if (!PORT_SPEC_PATTERN.test(value)) return;
    const parsed = parsePortSpec(value);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  })
  .meta({ description: 'protocol/port: "tcp/22", "tcp/8000-8100", "udp/500-501", "tcp" (all tcp ports) or "all"' });

const NamedPort = z.strictObject({ name: z.string().min(1), port: PortSpecString });

const PositiveInt = z.number().int().positive();

const BreadthThreshold = z.strictObject({
  ipv4Prefix: z.number().int().min(0).max(32).optional(),
  ipv6Prefix: z.number().int().min(0).max(128).optional(),
});
const DEFAULT_BREADTH = { ipv4Prefix: DEFAULT_BREADTH_THRESHOLDS.internetIpv4Prefix, ipv6Prefix: DEFAULT_BREADTH_THRESHOLDS.internetIpv6Prefix };
const DEFAULT_WIDE = { ipv4Prefix: DEFAULT_BREADTH_THRESHOLDS.wideIpv4Prefix, ipv6Prefix: DEFAULT_BREADTH_THRESHOLDS.wideIpv6Prefix };

const Account = z
  .strictObject({
    id: z.string().regex(/^\d+$/, 'account id is the numeric Alibaba Cloud account (UID)'),
    alias: z.string().optional(),
    roleArn: z.string().regex(/^acs:ram::\d+:role\/.+$/, 'expected acs:ram::<account>:role/<name>').optional(),
    roleName: z.string().min(1).optional(),
  })
  .superRefine((account, ctx) => {
    if (account.roleArn !== undefined && account.roleName !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give roleArn or roleName, not both', path: ['roleArn'] });
    }
  });

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/**
 * A Huawei Cloud account. Its AK/SK are read from the environment (never from this file); each
 * region to collect is named with its project id, which the Huawei APIs are called in.
 */
const HuaweiAccount = z.strictObject({
  id: z.string().min(1).meta({ description: 'the account (domain) id or a name of your choosing: how findings and reports name the account' }),
  alias: z.string().optional(),
  accessKeyIdEnv: EnvName.default('HUAWEICLOUD_SDK_AK').meta({ description: 'environment variable holding the AK (default HUAWEICLOUD_SDK_AK)' }),
  secretAccessKeyEnv: EnvName.default('HUAWEICLOUD_SDK_SK').meta({ description: 'environment variable holding the SK (default HUAWEICLOUD_SDK_SK)' }),
  projects: z
    .record(z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'a Huawei Cloud region id like cn-north-4'), z.string().regex(/^[0-9a-f]{32}$/, 'a project id (32 hex digits)'))
    .refine((projects) => Object.keys(projects).length > 0, 'name at least one region: its project id')
    .meta({ description: 'region id → project id, e.g. cn-north-4: 0123456789abcdef0123456789abcdef' }),
});

const HuaweiSection = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).optional().meta({ description: 'replace every Huawei service endpoint (emulator, private endpoints); default https://<service>.<region>.myhuaweicloud.com' }),
  accounts: z.array(HuaweiAccount).min(1),
});

/** What `discover: resourceDirectory` lists and how it enters each member (docs/organisations.md). */
const ResourceDirectorySettings = z.strictObject({
  roleName: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'a RAM role name (letters, digits, . _ @ -; at most 64)')
    .optional()
    .meta({ description: 'the role assumed in each member (default ResourceDirectoryAccountAccessRole)' }),
  folders: z
    .array(z.string().regex(/^(fd|r)-[A-Za-z0-9]+$/, 'a folder id (fd-…) or the root folder id (r-…)'))
    .optional()
    .meta({ description: 'only members in these folders or their subfolders' }),
  accounts: z.array(z.string().min(1)).optional().meta({ description: 'only members whose id or display name matches one of these globs' }),
  exclude: z.array(z.string().min(1)).optional().meta({ description: 'leave out members whose id or display name matches one of these globs' }),
  statuses: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: 'only members with one of these Status values; a member that is not active is skipped and recorded in coverage either way' }),
});

const TimeZone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    ctx.addIssue({ code: 'custom', message: `unknown time zone "${value}" (expected an IANA name like Asia/Shanghai)` });
  }
});

const CronExpression = z.string().superRefine((value, ctx) => {
  if (!validateCron(value)) ctx.addIssue({ code: 'custom', message: `invalid cron expression "${value}"` });
});

const Suppression = z
  .strictObject({
    id: z.string().min(1).optional().meta({ description: 'a finding id (SG-…)' }),
    check: z.string().min(1).optional(),
    resource: z.string().min(1).optional().meta({ description: 'glob on the resource id or name, e.g. "sg-legacy-*"' }),
    reason: z.string().min(1),
    owner: z.string().min(1),
    expires: z.iso.date().meta({ description: 'YYYY-MM-DD; the suppression holds through this day (UTC)' }),
  })
  .superRefine((suppression, ctx) => {
    if (suppression.id === undefined && (suppression.check === undefined || suppression.resource === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs either id, or both check and resource' });
    }
    if (suppression.check !== undefined && !CONFIGURABLE_CHECK_IDS.includes(suppression.check)) {
      ctx.addIssue({ code: 'custom', message: `unknown check id "${suppression.check}"`, path: ['check'] });
    }
  });

const CheckSetting = z.strictObject({ enabled: z.boolean().optional(), severity: Severity.optional() });

const ChecksSection = z.strictObject(Object.fromEntries(CONFIGURABLE_CHECK_IDS.map((id) => [id, CheckSetting.optional()])) as Record<string, z.ZodOptional<typeof CheckSetting>>);

const ReportFormat = z.enum(['html', 'md', 'json', 'csv', 'sarif']);

export const ConfigSchema = z
  .strictObject({
    providers: z
      .array(z.enum(['alicloud', 'huaweicloud']))
      .min(1)
      .optional()
      .meta({ description: 'clouds to audit; default alicloud, plus huaweicloud when the huaweicloud section is present' }),
    huaweicloud: HuaweiSection.optional().meta({ description: 'Huawei Cloud accounts, their AK/SK environment variables and the project of each region' }),
    accounts: z
      .array(Account)
      .optional()
      .meta({ description: 'Alibaba Cloud accounts to audit; omitted = the account of the default credentials (or, with discover, the discovered ones); with discover, an entry overrides the discovered member of that id' }),
    discover: z
      .enum(['resourceDirectory'])
      .optional()
      .meta({ description: 'resourceDirectory: also audit every member of the Resource Directory the credentials manage (ListAccounts), through AssumeRole' }),
    resourceDirectory: ResourceDirectorySettings.optional().meta({ description: 'which members discover: resourceDirectory lists, and the role it assumes in them' }),
    regions: z.array(z.string().min(1)).optional().meta({ description: 'region ids; omitted = every region DescribeRegions returns' }),
    endpoint: z.string().min(1).optional().meta({ description: 'override every product endpoint (emulator, private endpoints)' }),
    collect: z
      .strictObject({
        concurrency: z
          .strictObject({
            perRegion: PositiveInt.optional(),
            perApi: PositiveInt.optional(),
            regions: PositiveInt.optional().meta({ description: 'regions of one account collected at once (default 4)' }),
            accounts: PositiveInt.optional().meta({ description: 'accounts collected at once (default 4)' }),
            perAccount: PositiveInt.optional().meta({ description: 'requests in flight per account, all its regions together (default 32)' }),
          })
          .optional(),
        timeouts: z.strictObject({ connectMs: PositiveInt.optional(), readMs: PositiveInt.optional() }).optional(),
        retry: z.strictObject({ maxAttempts: PositiveInt.optional() }).optional(),
        rateLimit: z.number().positive().optional().meta({ description: 'requests per second for the whole run, every account and region together (retries count); default unlimited' }),
        sessionDurationSeconds: z
          .number()
          .int()
          .min(900)
          .max(43200)
          .optional()
          .meta({ description: 'DurationSeconds asked of STS AssumeRole (900–43200, default 3600); sessions are renewed before they expire either way' }),
      })
      .optional(),
    store: z
      .strictObject({ dir: z.string().min(1).default('snapshots'), keep: PositiveInt.optional(), maxAgeDays: PositiveInt.optional() })
      .prefault({}),
    reports: z
      .strictObject({
        dir: z.string().min(1).default('reports'),
        formats: z.array(ReportFormat).default(['html', 'md']),
        keep: PositiveInt.optional(),
      })
      .prefault({}),
    baseline: z
      .strictObject({
        against: z.enum(['none', 'approved', 'previous']).default('none'),
        terraformState: z.string().min(1).optional().meta({ description: 'path to a terraform.tfstate to compare against' }),
      })
      .prefault({}),
    allowedPublicPorts: z.array(PortSpecString).optional().meta({ description: 'replaces the default tcp/80, tcp/443' }),
    sensitivePorts: z.array(NamedPort).optional().meta({ description: 'replaces the built-in list of admin and database ports' }),
    extraSensitivePorts: z.array(NamedPort).optional().meta({ description: 'added to the built-in (or configured) sensitive ports' }),
    thresholds: z
      .strictObject({
        broadPortSpan: PositiveInt.max(65535).optional(),
        broadSourcePrefix: z.number().int().min(0).max(32).optional(),
        broadSourcePrefixV6: z.number().int().min(0).max(128).optional(),
        maxGroupsPerEni: PositiveInt.optional(),
      })
      .optional(),
    breadth: z
      .strictObject({
        internet: BreadthThreshold.optional().meta({ description: 'from how many public addresses a source is "the internet": a /N\'s worth (default ipv4Prefix 8, ipv6Prefix 32)' }),
        wide: BreadthThreshold.optional().meta({ description: 'from how many public addresses a source is "wide" (default ipv4Prefix 16, ipv6Prefix 48)' }),
      })
      .optional()
      .superRefine((breadth, ctx) => {
        if (!breadth) return;
        const internet = { ...DEFAULT_BREADTH, ...breadth.internet };
        const wide = { ...DEFAULT_WIDE, ...breadth.wide };
        for (const key of ['ipv4Prefix', 'ipv6Prefix'] as const) {
          if (wide[key] < internet[key]) ctx.addIssue({ code: 'custom', path: ['wide', key], message: `wide (/${wide[key]}) must not be broader than internet (/${internet[key]})` });
        }
      })
      .meta({ description: 'how many public addresses an exposure admits decides its severity (sensitivity × breadth)' }),
    tiers: z
      .strictObject({
        internal: z
          .strictObject({
            tags: z.array(z.strictObject({ key: z.string().min(1), values: z.array(z.string()).min(1) })).optional(),
            instanceNamePatterns: z.array(z.string().min(1)).optional(),
            groupNamePatterns: z.array(z.string().min(1)).optional(),
          })
          .optional(),
      })
      .optional(),
    checks: ChecksSection.optional(),
    suppressions: z.array(Suppression).default([]),
    schedule: z.strictObject({ cron: CronExpression, timezone: TimeZone.optional() }).optional(),
    notify: z
      .strictObject({
        webhook: z
          .strictObject({ url: z.url({ protocol: /^https?$/ }), timeoutMs: PositiveInt.optional(), retries: z.number().int().min(0).optional() })
          .optional(),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (config.providers?.includes('huaweicloud') && !config.huaweicloud) {
      ctx.addIssue({ code: 'custom', path: ['huaweicloud'], message: 'providers lists huaweicloud: configure its accounts here' });
    }
  })
  .meta({ title: 'sgaudit configuration (sgaudit.yaml)' });

export type SgauditConfig = z.output<typeof ConfigSchema>;

/** The JSON Schema of sgaudit.yaml for editors (yaml-language-server), generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
