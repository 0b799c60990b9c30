import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { AnalyzerSettings } from './settings.js';
import { fileProblem, SgauditError } from '../model/errors.js';
import { defaultAnalyzerSettings } from './defaults.js';
import { portSpecOrThrow } from './ports.js';
import { CONFIGURABLE_CHECK_IDS, ConfigSchema, type SgauditConfig } from './schema.js';

/** The validated config with defaults filled in, and where it came from (undefined = built-in defaults). */
export type ResolvedConfig = SgauditConfig & { configFile: string | undefined };

const DEFAULT_CONFIG_FILE = 'sgaudit.yaml';

/**
 * Discovery: an explicit path → `./sgaudit.yaml` → `$SGAUDIT_CONFIG` → built-in defaults.
 * A missing explicit (or env-named) file is an error naming it; a missing `./sgaudit.yaml` is not.
 */
export async function loadConfig(path?: string, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  if (path !== undefined) return loadConfigFile(resolve(cwd, path), path);
  const local = resolve(cwd, DEFAULT_CONFIG_FILE);
  const localText = await readIfExists(local);
  if (localText !== undefined) return parseConfigText(localText, DEFAULT_CONFIG_FILE);
  const fromEnv = env.SGAUDIT_CONFIG;
  if (fromEnv) return loadConfigFile(resolve(cwd, fromEnv), fromEnv);
  return parseConfigText('', undefined);
}

async function loadConfigFile(absolute: string, shown: string): Promise<ResolvedConfig> {
  const text = await readIfExists(absolute);
  if (text === undefined) throw new SgauditError('FILE_NOT_FOUND', `${shown}: config file not found`);
  return parseConfigText(text, shown);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    // The wrong file (a snapshot, a disk image) is refused by its size, before it is read.
    const { size } = await stat(path);
    if (size > MAX_CONFIG_CHARS) throw configError(path, [`${(size / 2 ** 20).toFixed(0)} MB: far larger than any config file; is this the right file?`]);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SgauditError('CONFIG_INVALID', `${path}: ${fileProblem(code) ?? `cannot read config: ${(error as Error).message}`}`, { cause: error });
  }
}

/**
 * Parse and validate config text. Every problem (YAML syntax and schema) is collected and thrown
 * at once: first line `<file>: N problems`, then one `  <key path>: <problem>` per line.
 */
export function parseConfigText(text: string, file: string | undefined): ResolvedConfig {
  const shown = file ?? '(defaults)';
  // Not worth a YAML parse (seconds for a large file): the wrong file was given.
  if (text.length > MAX_CONFIG_CHARS) throw configError(shown, [`${(text.length / 2 ** 20).toFixed(0)} MB: far larger than any config file; is this the right file?`]);
  if (text.slice(0, 65_536).includes('\u0000')) throw configError(shown, ['binary data, not YAML']);
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw configError(
      shown,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const firstLine = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
        return `${at ? `line ${at.line}:${at.col}` : 'yaml'}: ${firstLine}`;
      }),
    );
  }
  const raw: unknown = document.toJS() ?? {};
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw configError(shown, parsed.error.issues.flatMap(describeIssue));
  return { ...parsed.data, configFile: file };
}

/** A config holding thousands of suppressions is still under a megabyte or two. */
const MAX_CONFIG_CHARS = 16 * 2 ** 20;

function configError(file: string, problems: string[]): SgauditError {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return new SgauditError('CONFIG_INVALID', `${file}: ${count}`, {
    details: problems,
    hint: 'the JSON Schema in schema/sgaudit.schema.json lists every key',
  });
}

/** `checks.public-exposure.severity`, `allowedPublicPorts[2]`, `suppressions[0].expires`. */
function formatKeyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(top level)' : text;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = formatKeyPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const isChecks = issue.path.length === 1 && issue.path[0] === 'checks';
    return issue.keys.map((key) => {
      const keyPath = formatKeyPath([...issue.path, key]);
      const known = isChecks ? CONFIGURABLE_CHECK_IDS : knownKeysAt(issue.path);
      const suggestion = closest(key, known);
      const what = isChecks ? `unknown check id` : 'unknown key';
      return `${keyPath}: ${what}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [`${at}: required (${issue.expected})`];
  return [`${at}: ${issue.message}`];
}

/** The keys the schema allows at a path, for "did you mean" hints. */
function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  let schema: unknown = ConfigSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } }).def;
    if (def?.type === 'array' && typeof key === 'number') schema = def.element;
    else if (def?.type === 'object' && typeof key === 'string') schema = def.shape?.[key];
    else return [];
  }
  const def = (unwrap(schema) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type?: string; innerType?: unknown; in?: unknown } } | undefined;
  for (let depth = 0; depth < 10 && current?.def; depth++) {
    const { type, innerType } = current.def;
    if ((type === 'optional' || type === 'default' || type === 'prefault' || type === 'nullable') && innerType) current = innerType as typeof current;
    else if (type === 'pipe' && current.def.in) current = current.def.in as typeof current;
    else break;
  }
  return current;
}

/** The candidate nearest to `word` by edit distance, if any is near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Map the config onto the settings checks read: defaults, replaced or extended by what the file says. */
export function resolveAnalyzerSettings(config: SgauditConfig | undefined): AnalyzerSettings {
  const settings = defaultAnalyzerSettings();
  if (!config) return settings;
  if (config.allowedPublicPorts) settings.allowedPublicPorts = config.allowedPublicPorts.map((text) => portSpecOrThrow(text));
  if (config.sensitivePorts) settings.sensitivePorts = config.sensitivePorts.map((entry) => portSpecOrThrow(entry.port, entry.name));
  if (config.extraSensitivePorts) settings.sensitivePorts.push(...config.extraSensitivePorts.map((entry) => portSpecOrThrow(entry.port, entry.name)));
  const thresholds = config.thresholds ?? {};
  if (thresholds.broadPortSpan !== undefined) settings.broadPortSpan = thresholds.broadPortSpan;
  if (thresholds.broadSourcePrefix !== undefined) settings.broadSourcePrefix = thresholds.broadSourcePrefix;
  if (thresholds.broadSourcePrefixV6 !== undefined) settings.broadSourcePrefixV6 = thresholds.broadSourcePrefixV6;
  if (thresholds.maxGroupsPerEni !== undefined) settings.maxGroupsPerEni = thresholds.maxGroupsPerEni;
  const breadth = config.breadth ?? {};
  if (breadth.internet?.ipv4Prefix !== undefined) settings.breadth.internetIpv4Prefix = breadth.internet.ipv4Prefix;
  if (breadth.internet?.ipv6Prefix !== undefined) settings.breadth.internetIpv6Prefix = breadth.internet.ipv6Prefix;
  if (breadth.wide?.ipv4Prefix !== undefined) settings.breadth.wideIpv4Prefix = breadth.wide.ipv4Prefix;
  if (breadth.wide?.ipv6Prefix !== undefined) settings.breadth.wideIpv6Prefix = breadth.wide.ipv6Prefix;
  const internal = config.tiers?.internal;
  if (internal?.tags) settings.internalTier.tags = internal.tags;
  if (internal?.instanceNamePatterns) settings.internalTier.instanceNamePatterns = internal.instanceNamePatterns;
  if (internal?.groupNamePatterns) settings.internalTier.groupNamePatterns = internal.groupNamePatterns;
  return settings;
}
