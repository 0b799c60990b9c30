import ipaddr from 'ipaddr.js';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { closest } from '../config/load.js';
import { SgauditError } from '../model/errors.js';
import { Protocol, type Peer, type PortRange, type Rule, type SecurityGroup } from '../model/snapshot.js';
import type { Change, ChangeOrigin, RuleFields, RuleMatch } from './changes.js';

/**
 * The change file: a short YAML (or JSON) list of what a reviewer wants to try, one change per
 * entry, keyed by its kind (`add-rule: {…}`). Values are written the way the console shows them
 * (`ports: 8000-9000`, `source: 10.0.0.0/8`) and defaults are Alibaba's API's (priority 1, accept).
 * Every problem is reported at once, each with its path: `changes[2].add-rule.ports: …`.
 */

const Id = z.string().trim().min(1, 'must not be empty');
const PORTED = new Set(['tcp', 'udp']);

/** `22`, `"8000-9000"`, `"22/22"` (the API's form), `{from, to}`, or `all`/`-1/-1`. */
const Ports = z.union([z.number(), z.string(), z.strictObject({ from: z.number(), to: z.number() })]).transform((value, ctx): PortRange => {
  let from: number;
  let to: number;
  if (typeof value === 'object') ({ from, to } = value);
  else {
    const text = String(value).trim().toLowerCase();
    if (text === 'all' || text === '-1/-1') return { from: 1, to: 65535 };
    const match = /^(\d+)(?:\s*[-/]\s*(\d+))?$/.exec(text);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a port or range (22, "8000-9000" or {from, to})` });
      return z.NEVER;
    }
    from = Number(match[1]);
    to = match[2] === undefined ? from : Number(match[2]);
  }
  if (![from, to].every((port) => Number.isInteger(port) && port >= 1 && port <= 65535) || from > to) {
    ctx.addIssue({ code: 'custom', message: `${from === to ? from : `${from}-${to}`} is not a port${from === to ? '' : ' range'} within 1-65535` });
    return z.NEVER;
  }
  return { from, to };
});

/** An IPv4 or IPv6 CIDR (a bare address is its /32 or /128), a group `sg-…` or a prefix list `pl-…`. */
const PeerText = z.string().transform((value, ctx): Peer => {
  const text = value.trim();
  if (/^sg-/i.test(text)) return { groupId: text };
  if (/^pl-/i.test(text)) return { prefixListId: text };
  const [address, prefix] = text.split('/');
  const ipv6 = text.includes(':');
  const max = ipv6 ? 128 : 32;
  const valid = address !== undefined && (ipv6 ? ipaddr.IPv6.isValid(address) : ipaddr.IPv4.isValidFourPartDecimal(address)) && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= max));
  if (!valid) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an IPv4 or IPv6 CIDR, a security group id (sg-…) or a prefix list id (pl-…)` });
    return z.NEVER;
  }
  const cidr = prefix === undefined ? `${address}/${max}` : text;
  return ipv6 ? { ipv6Cidr: cidr } : { cidr };
});

const Lower = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), schema);

const RULE_SHAPE = {
  direction: Lower(z.enum(['ingress', 'egress'])).optional(),
  protocol: Lower(Protocol).optional(),
  ports: Ports.optional(),
  source: PeerText.optional(),
  destination: PeerText.optional(),
  priority: z.number().int().min(1, 'must be 1-100').max(100, 'must be 1-100').optional(),
  policy: Lower(z.enum(['accept', 'drop'])).optional(),
  description: z.string().optional(),
};
type RuleInput = { [K in keyof typeof RULE_SHAPE]?: z.output<(typeof RULE_SHAPE)[K]> };

/** A whole rule: protocol, and the peer its direction needs. */
function checkWholeRule(rule: RuleInput, ctx: z.RefinementCtx): void {
  if (!rule.protocol) {
    ctx.addIssue({ code: 'custom', path: ['protocol'], message: `required (one of ${Protocol.options.join(', ')})` });
    return;
  }
  if (PORTED.has(rule.protocol) && !rule.ports) ctx.addIssue({ code: 'custom', path: ['ports'], message: `required for ${rule.protocol} (22, "8000-9000", or all)` });
  if (!PORTED.has(rule.protocol) && rule.ports && (rule.ports.from !== 1 || rule.ports.to !== 65535)) ctx.addIssue({ code: 'custom', path: ['ports'], message: `${rule.protocol} has no ports; leave ports out` });
  const side = (rule.direction ?? 'ingress') === 'ingress' ? 'source' : 'destination';
  if (!rule[side]) ctx.addIssue({ code: 'custom', path: [side], message: `required for an ${rule.direction ?? 'ingress'} rule (a CIDR, sg-… or pl-…)` });
}

const RuleBody = z.strictObject({ ...RULE_SHAPE, id: Id.optional() }).superRefine(checkWholeRule);
const AddRule = z.strictObject({ group: Id, ...RULE_SHAPE, id: Id.optional() }).superRefine(checkWholeRule);

/** `rule: sgr-…`, or the rule's own fields (with add-rule's defaults), or both. */
function checkRuleRef(value: RuleInput & { rule?: string }, ctx: z.RefinementCtx): void {
  const { rule, ...fields } = value;
  const given = Object.keys(RULE_SHAPE).some((key) => fields[key as keyof RuleInput] !== undefined);
  if (rule === undefined && !given) ctx.addIssue({ code: 'custom', path: ['rule'], message: 'required: the rule id (sgr-…), or the rule’s fields (protocol, ports, source …)' });
  else if (rule === undefined || fields.protocol !== undefined) checkWholeRule(fields, ctx);
}

const RuleRef = z.strictObject({ group: Id, rule: Id.optional(), ...RULE_SHAPE }).superRefine(checkRuleRef);
const RuleSet = z.strictObject(RULE_SHAPE).refine((set) => Object.values(set).some((field) => field !== undefined), 'nothing to set');
const ModifyRule = z.strictObject({ group: Id, rule: Id.optional(), ...RULE_SHAPE, set: RuleSet }).superRefine(({ set: _set, ...ref }, ctx) => checkRuleRef(ref, ctx));

const CreateGroup = z.strictObject({
  id: Id,
  account: z.union([Id, z.number().int().nonnegative().transform(String)]).optional(),
  region: Id.optional(),
  vpc: Id.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  type: Lower(z.enum(['normal', 'enterprise'])).optional(),
  'inner-access': Lower(z.enum(['accept', 'drop'])).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  rules: z.array(RuleBody).optional(),
});

const ENTRY_SHAPE = {
  'add-rule': AddRule.optional(),
  'remove-rule': RuleRef.optional(),
  'modify-rule': ModifyRule.optional(),
  'create-group': CreateGroup.optional(),
  'delete-group': Id.optional(),
  'attach-group': z.strictObject({ group: Id, to: Id }).optional(),
  'detach-group': z.strictObject({ group: Id, from: Id }).optional(),
  'bind-eip': z.strictObject({ eip: Id, to: Id }).optional(),
  'unbind-eip': z.strictObject({ eip: Id, from: Id.optional() }).optional(),
};
const ENTRY_KEYS = Object.keys(ENTRY_SHAPE);

const Entry = z.strictObject(ENTRY_SHAPE).superRefine((entry, ctx) => {
  const given = Object.keys(entry).filter((key) => entry[key as keyof typeof entry] !== undefined);
  if (given.length !== 1) ctx.addIssue({ code: 'custom', message: given.length === 0 ? `empty; one of ${ENTRY_KEYS.join(', ')}` : `${given.join(' and ')} in one entry; write one change per entry` });
});
const ChangeFileSchema = z.strictObject({ changes: z.array(Entry).min(1, 'no changes') });
type EntryInput = z.output<typeof Entry>;

/** Where a new group goes when the file does not say: the account and region its VPC is in. */
export type VpcPlaces = ReadonlyMap<string, { accountId: string; regionId: string }>;

/** Parse and validate a change file's text (YAML, so JSON too) into changes, in the file's order. */
export function parseChangeFile(text: string, file: string, vpcs: VpcPlaces): Change[] {
  if (text.slice(0, 65_536).includes('\u0000')) throw changeFileError(file, ['binary data, not YAML or JSON']);
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw changeFileError(
      file,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        return `${at ? `line ${at.line}:${at.col}` : 'yaml'}: ${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  const parsed = ChangeFileSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    // An entry whose only key is misspelt is also "empty": the misspelling is the problem to show.
    const misspelt = new Set(parsed.error.issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => formatPath(issue.path)));
    const issues = parsed.error.issues.filter((issue) => issue.code !== 'custom' || !misspelt.has(formatPath(issue.path)));
    throw changeFileError(file, issues.flatMap(describeIssue));
  }
  const problems: string[] = [];
  const changes = parsed.data.changes.map((entry, index) => toChange(entry, { file, path: `changes[${index}]` }, vpcs, problems));
  if (problems.length > 0) throw changeFileError(file, problems);
  return changes;
}

function changeFileError(file: string, problems: string[]): SgauditError {
  return new SgauditError('USAGE', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the change file`, {
    details: problems,
    hint: 'docs/whatif.md lists every change and its fields',
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`;
  return text === '' ? '(top level)' : text;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const atEntry = issue.path.length === 2 && issue.path[0] === 'changes';
    return issue.keys.map((key) => {
      const suggestion = atEntry ? closest(key, ENTRY_KEYS) : undefined;
      return `${formatPath([...issue.path, key])}: unknown ${atEntry ? 'change' : 'key'}${suggestion ? ` (did you mean "${suggestion}"?)` : atEntry ? ` (one of ${ENTRY_KEYS.join(', ')})` : ''}`;
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [`${formatPath(issue.path)}: required (${issue.expected})`];
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

// ---------------------------------------------------------------------------------------------

function ruleOf(input: RuleInput & { id?: string }): Rule {
  const direction = input.direction ?? 'ingress';
  const protocol = input.protocol!;
  return {
    ...(input.id ? { id: input.id } : {}),
    direction,
    policy: input.policy ?? 'accept',
    priority: input.priority ?? 1,
    protocol,
    ports: input.ports ?? { from: 1, to: 65535 },
    ...(input.source ? { source: input.source } : {}),
    ...(input.destination ? { destination: input.destination } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  };
}

function matchOf(input: RuleInput & { rule?: string }): RuleMatch {
  const { rule: ruleId, ...fields } = input;
  if (ruleId === undefined) return { rule: ruleOf(fields) };
  return fields.protocol === undefined ? { ruleId } : { ruleId, rule: ruleOf(fields) };
}

function setOf(input: RuleInput): RuleFields {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as RuleFields;
}

function toChange(entry: EntryInput, origin: ChangeOrigin, vpcs: VpcPlaces, problems: string[]): Change {
  const [key, body] = Object.entries(entry).find(([, value]) => value !== undefined)!;
  const at = { ...origin, path: `${origin.path}.${key}` };
  switch (key) {
    case 'add-rule': {
      const { group, ...rule } = body as z.output<typeof AddRule>;
      return { kind: 'addRule', groupId: group, rule: ruleOf(rule), origin: at };
    }
    case 'remove-rule': {
      const { group, ...match } = body as z.output<typeof RuleRef>;
      return { kind: 'removeRule', groupId: group, match: matchOf(match), origin: at };
    }
    case 'modify-rule': {
      const { group, set, ...match } = body as z.output<typeof ModifyRule>;
      return { kind: 'modifyRule', groupId: group, match: matchOf(match), set: setOf(set), origin: at };
    }
    case 'create-group':
      return createGroup(body as z.output<typeof CreateGroup>, at, vpcs, problems);
    case 'delete-group':
      return { kind: 'deleteGroup', groupId: body as string, origin: at };
    case 'attach-group': {
      const { group, to } = body as { group: string; to: string };
      return { kind: 'attachGroup', groupId: group, target: to, origin: at };
    }
    case 'detach-group': {
      const { group, from } = body as { group: string; from: string };
      return { kind: 'detachGroup', groupId: group, target: from, origin: at };
    }
    case 'bind-eip': {
      const { eip, to } = body as { eip: string; to: string };
      return { kind: 'bindEip', eip, target: to, origin: at };
    }
    default: {
      const { eip, from } = body as { eip: string; from?: string };
      return { kind: 'unbindEip', eip, ...(from ? { target: from } : {}), origin: at };
    }
  }
}

function createGroup(input: z.output<typeof CreateGroup>, origin: ChangeOrigin, vpcs: VpcPlaces, problems: string[]): Change {
  const place = input.vpc ? vpcs.get(input.vpc) : undefined;
  const accountId = input.account ?? place?.accountId;
  const regionId = input.region ?? place?.regionId;
  if (!accountId || !regionId) {
    const missing = [!accountId && 'account', !regionId && 'region'].filter(Boolean).join(' and ');
    problems.push(`${origin.path}: ${missing} required${input.vpc ? ` (VPC ${input.vpc} is not in the snapshot)` : ' (or a vpc the snapshot holds)'}`);
  }
  const type = input.type ?? 'normal';
  const group: SecurityGroup = {
    id: input.id,
    name: input.name ?? input.id,
    description: input.description ?? '',
    ...(input.vpc ? { vpcId: input.vpc } : {}),
    type,
    innerAccessPolicy: input['inner-access'] ?? (type === 'normal' ? 'accept' : 'drop'),
    serviceManaged: false,
    tags: input.tags ?? {},
    rules: (input.rules ?? []).map(ruleOf),
  };
  return { kind: 'createGroup', accountId: accountId ?? '', regionId: regionId ?? '', group, origin };
}
