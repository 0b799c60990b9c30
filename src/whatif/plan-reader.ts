import { AttributeError, regionOfZone, type Attributes } from '../analyze/drift/terraform-provider.js';
import { SgauditError } from '../model/errors.js';
import type { Change, ChangeOrigin } from './changes.js';
import type { Draft } from './draft.js';

/**
 * The envelope of `terraform show -json plan.out` (Terraform's JSON output format, format_version
 * 1.x): its resource changes, the configuration's references between resources, and the
 * placeholders and assumptions for what is known only after apply. What each resource type
 * means is plan-resources.ts.
 */

export interface ResourceChange {
  address: string;
  /** `module.a["x"]`, or '' in the root module. */
  moduleAddress: string;
  type: string;
  name: string;
  index?: string | number;
  actions: string[];
  before: Attributes | undefined;
  after: Attributes | undefined;
  /** `after_unknown`: true where the value is known only after apply. */
  afterUnknown: Readonly<Record<string, unknown>>;
  providerKey: string | undefined;
  origin: ChangeOrigin;
}

/** Addresses in documentation ranges (RFC 5737), so no one mistakes them for real ones. */
const PLACEHOLDER_IP_PREFIX = '198.51.100.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `module.a["x"].module.b[0]` → `module.a.module.b`: a module instance's configuration path. */
function modulePath(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

interface ConfigResource {
  expressions: Record<string, unknown>;
  providerKey: string | undefined;
}

export class PlanReader {
  readonly assumptions: string[] = [];
  readonly changes: Change[] = [];
  readonly resourceChanges: ResourceChange[] = [];
  private readonly config = new Map<string, ConfigResource>();
  /** `module.app|group_id` → the output's expression. */
  private readonly outputs = new Map<string, unknown>();
  private readonly providerRegions = new Map<string, string>();
  private placeholderIps = 0;

  constructor(
    readonly file: string,
    plan: Record<string, unknown>,
    readonly index: Draft,
  ) {
    const version = typeof plan.format_version === 'string' ? plan.format_version : '';
    if (!/^1\./.test(version)) throw this.error(`Terraform plan format_version ${JSON.stringify(plan.format_version)} is not supported (sgaudit reads 1.x, written by Terraform ≥ 0.12)`);
    if (plan.errored === true) throw this.error('the plan errored (Terraform could not finish planning); fix the plan first');
    if (!Array.isArray(plan.resource_changes)) throw this.error('"resource_changes" is not a list');
    if (plan.complete === false) this.assumptions.push(`${file}: the plan is incomplete (Terraform deferred some changes to a later plan); only the changes it lists are applied`);
    const configuration = isRecord(plan.configuration) ? plan.configuration : {};
    this.readProviders(configuration.provider_config);
    this.readModule(configuration.root_module, '');
    plan.resource_changes.forEach((raw: unknown, position: number) => {
      const change = this.resourceChange(raw, position);
      if (change) this.resourceChanges.push(change);
    });
  }

  error(problem: string): SgauditError {
    return new SgauditError('USAGE', `${this.file}: ${problem}`);
  }

  private readProviders(value: unknown): void {
    if (!isRecord(value)) return;
    for (const [key, provider] of Object.entries(value)) {
      const region = isRecord(provider) && isRecord(provider.expressions) && isRecord(provider.expressions.region) ? provider.expressions.region.constant_value : undefined;
      if (typeof region === 'string' && region !== '') this.providerRegions.set(key, region);
    }
  }

  private readModule(value: unknown, path: string): void {
    if (!isRecord(value)) return;
    for (const resource of Array.isArray(value.resources) ? value.resources : []) {
      if (!isRecord(resource) || typeof resource.type !== 'string' || typeof resource.name !== 'string') continue;
      this.config.set(`${path}|${resource.type}.${resource.name}`, {
        expressions: isRecord(resource.expressions) ? resource.expressions : {},
        providerKey: typeof resource.provider_config_key === 'string' ? resource.provider_config_key : undefined,
      });
    }
    if (isRecord(value.outputs)) for (const [name, output] of Object.entries(value.outputs)) if (isRecord(output)) this.outputs.set(`${path}|${name}`, output.expression);
    if (!isRecord(value.module_calls)) return;
    for (const [name, call] of Object.entries(value.module_calls)) {
      if (isRecord(call)) this.readModule(call.module, `${path ? `${path}.` : ''}module.${name}`);
    }
  }

  private resourceChange(raw: unknown, position: number): ResourceChange | undefined {
    if (!isRecord(raw) || typeof raw.address !== 'string' || typeof raw.type !== 'string' || !isRecord(raw.change) || !Array.isArray(raw.change.actions)) {
      throw this.error(`resource_changes[${position}]: not a resource change (needs "address", "type" and "change.actions")`);
    }
    if (raw.mode === 'data') return undefined;
    const { change } = raw;
    const moduleAddress = typeof raw.module_address === 'string' ? raw.module_address : '';
    const name = typeof raw.name === 'string' ? raw.name : '';
    const config = this.config.get(`${modulePath(moduleAddress)}|${raw.type}.${name}`);
    return {
      address: raw.address,
      moduleAddress,
      type: raw.type,
      name,
      ...(typeof raw.index === 'string' || typeof raw.index === 'number' ? { index: raw.index } : {}),
      actions: (change.actions as unknown[]).filter((action): action is string => typeof action === 'string'),
      before: isRecord(change.before) ? change.before : undefined,
      after: isRecord(change.after) ? change.after : undefined,
      afterUnknown: isRecord(change.after_unknown) ? change.after_unknown : {},
      providerKey: config?.providerKey,
      origin: { file: this.file, address: raw.address, ...(typeof raw.deposed === 'string' ? { path: `deposed ${raw.deposed}` } : {}) },
    };
  }

  /** Read attributes with a terraform-provider.ts reader; a bad value names the file, the address and the attribute. */
  read<T>(change: ResourceChange, reader: () => T): T {
    try {
      return reader();
    } catch (error) {
      if (error instanceof AttributeError) throw this.error(`${change.address}: ${error.message}`);
      throw error;
    }
  }

  /** `alicloud_security_group.web` → `tf:alicloud_security_group.web`: the id of an object the plan creates, until apply names it. */
  placeholderId(change: ResourceChange): string {
    return `tf:${change.address}`;
  }

  /** The object's id after apply: known, kept through an update, or the placeholder of a new object. */
  idOf(change: ResourceChange): string {
    const after = change.after?.id;
    if (typeof after === 'string' && after !== '') return after;
    const before = change.before?.id;
    if (typeof before === 'string' && before !== '' && !change.actions.includes('create')) return before;
    return this.placeholderId(change);
  }

  /** A public IPv4 for an address known only after apply, in a documentation range. */
  placeholderIp(): string {
    this.placeholderIps += 1;
    return `${PLACEHOLDER_IP_PREFIX}${this.placeholderIps}`;
  }

  isUnknown(change: ResourceChange, attribute: string): boolean {
    return change.afterUnknown[attribute] === true;
  }

  /**
   * The resource changes an attribute's expression refers to, in the change's module instance:
   * `alicloud_security_group.app.id` → the change of `alicloud_security_group.app` (the instance
   * with the same index when the target has several, e.g. `count.index`); `module.app.group_id`
   * → what that module output refers to inside the module.
   */
  referenced(change: ResourceChange, attribute: string): ResourceChange[] {
    const config = this.config.get(`${modulePath(change.moduleAddress)}|${change.type}.${change.name}`);
    const found = new Set<ResourceChange>();
    this.resolveReferences(config?.expressions[attribute], change.moduleAddress, change.index, found, 0);
    return [...found];
  }

  private resolveReferences(expression: unknown, moduleAddress: string, index: string | number | undefined, found: Set<ResourceChange>, depth: number): void {
    const references = isRecord(expression) && Array.isArray(expression.references) ? expression.references.filter((item): item is string => typeof item === 'string') : [];
    const prefix = moduleAddress ? `${moduleAddress}.` : '';
    for (const reference of references) {
      const output = /^module\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(reference);
      if (output && depth < 10) {
        const child = `${prefix}module.${output[1]}`;
        this.resolveReferences(this.outputs.get(`${modulePath(child)}|${output[2]}`), child, undefined, found, depth + 1);
        continue;
      }
      const match = /^(alicloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]+\])?/.exec(reference);
      if (!match) continue;
      const [, type, name, key] = match;
      const candidates = this.resourceChanges.filter((other) => other.moduleAddress === moduleAddress && other.type === type && other.name === name);
      const exact = key ? candidates.filter((other) => other.address === `${prefix}${type}.${name}${key}`) : candidates;
      const picked = exact.length > 1 ? exact.filter((other) => other.index === index) : exact;
      if (picked.length === 1) found.add(picked[0]!);
    }
  }

  /** The id an unknown attribute will hold, when its expression names one resource of the plan. */
  referencedId(change: ResourceChange, attribute: string, type?: RegExp): string | undefined {
    const targets = this.referenced(change, attribute).filter((target) => !type || type.test(target.type));
    return targets.length === 1 ? this.idOf(targets[0]!) : undefined;
  }

  /** Account and region of a new object: from its VPC or vswitch in the snapshot, its groups, its zone, else its provider's region. */
  locate(change: ResourceChange, hint: { vpcId?: string; vSwitchId?: string; zone?: string; groupIds?: readonly string[] }): { accountId: string; regionId: string } {
    const { index } = this;
    const known = (hint.vSwitchId && index.vswitches.get(hint.vSwitchId)) || (hint.vpcId && index.vpcs.get(hint.vpcId)) || undefined;
    if (known) return { accountId: known.accountId, regionId: known.regionId };
    for (const id of hint.groupIds ?? []) {
      const group = index.groups.get(id);
      if (group) return { accountId: group.accountId, regionId: group.regionId };
    }
    const accounts = index.snapshot.accounts;
    const regions = accounts.flatMap((account) => account.regions.map((region) => ({ accountId: account.accountId, regionId: region.regionId })));
    const regionId = (hint.zone ? regionOfZone(hint.zone, new Set(regions.map((region) => region.regionId))) : undefined) ?? (change.providerKey ? this.providerRegions.get(change.providerKey) : undefined);
    const inRegion = regions.filter((region) => !regionId || region.regionId === regionId);
    const place = inRegion[0] ?? (regionId && accounts[0] ? { accountId: accounts[0].accountId, regionId } : regions[0]);
    if (!place) throw this.error(`${change.address}: cannot tell which account and region it is in (the snapshot holds no account)`);
    if (inRegion.length !== 1) this.assumptions.push(`${change.address}: its account and region are not in the plan; assumed ${place.accountId}/${place.regionId}`);
    return place;
  }
}
