import { readFile } from 'node:fs/promises';
import { FileFormatError, SgauditError } from '../../model/errors.js';
import type { SecurityGroup } from '../../model/snapshot.js';
import { log } from '../../util/log.js';
import {
  AttributeError,
  attachmentFromAttributes,
  eipAssociationFromAttributes,
  groupFromAttributes,
  instanceFromAttributes,
  interfaceFromAttributes,
  isComparedType,
  ruleFromAttributes,
  type Attributes,
  type ComparedType,
  type TerraformAttachment,
  type TerraformEipAssociation,
  type TerraformInstance,
  type TerraformInterface,
  type TerraformRule,
} from './terraform-provider.js';

/**
 * Terraform state v4 (`terraform state pull > state.json`, Terraform ≥ 0.12) read into what drift
 * compares. The state's envelope (modules, `count`/`for_each` keys, deposed objects, data sources)
 * is handled here; what each attribute means is terraform-provider.ts. A bad value of an object
 * drift compares refuses the file with its address and attribute; a shape sgaudit does not
 * expect is skipped with a warning and listed as not compared.
 */

/** A Terraform-managed object, the address that manages it and the provider configuration that placed it. */
export interface Managed<T> {
  address: string;
  provider: string;
  item: T;
}

/** What the state says about where things are: zones of vswitches and VPCs, regions and accounts of provider configurations. */
export interface StatePlaces {
  vswitchZone: Map<string, string>;
  vpcZone: Map<string, string>;
  vpcRegion: Map<string, string>;
  providerZones: Map<string, Set<string>>;
  providerRegions: Map<string, Set<string>>;
  providerAccounts: Map<string, Set<string>>;
}

export interface TerraformBaseline {
  path: string;
  /** `terraform:<lineage>#<serial>`: what the findings document records as baselineId. */
  id: string;
  groups: Map<string, Managed<SecurityGroup>>;
  /** Managed rules by group id, the group managed or not (a group read through a data source). */
  rules: Map<string, Managed<TerraformRule>[]>;
  instances: Map<string, Managed<TerraformInstance>>;
  networkInterfaces: Map<string, Managed<TerraformInterface>>;
  /** Interface attachments by network interface id. */
  attachments: Map<string, Managed<TerraformAttachment>>;
  eipAssociations: Map<string, Managed<TerraformEipAssociation>>;
  /** Groups the configuration reads through `data "alicloud_security_groups"`: not managed, but known. */
  dataGroups: Map<string, { provider: string; vpcId?: string }>;
  /** Objects `create_before_destroy` left behind for the next apply to destroy: never current, but not "unmanaged" either. */
  deposed: { groupIds: Set<string>; rules: Map<string, TerraformRule[]>; addresses: string[] };
  places: StatePlaces;
  /** `address: problem` of objects that could not be read: not compared. */
  skipped: string[];
  /** One line each, naming the file: printed on stderr. */
  warnings: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the parsed JSON looks like any Terraform state (used to auto-detect `sgaudit diff OLD`). */
function looksLikeTerraformState(value: unknown): boolean {
  return isRecord(value) && 'version' in value && ('terraform_version' in value || 'lineage' in value);
}

const DATA_SOURCES = new Set(['alicloud_security_groups', 'alicloud_regions', 'alicloud_zones', 'alicloud_vswitches', 'alicloud_vpcs', 'alicloud_account', 'alicloud_caller_identity']);
const PLACE_RESOURCES = new Set(['alicloud_vswitch']);
const DEFAULT_PROVIDER = 'provider';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

function field(value: unknown, name: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const found = value[name];
  return typeof found === 'string' && found !== '' ? found : undefined;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function addTo(map: Map<string, Set<string>>, key: string, value: string | undefined): void {
  if (!value) return;
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

class StateReader {
  readonly baseline: TerraformBaseline;

  constructor(private readonly path: string, id: string) {
    this.baseline = {
      path,
      id,
      groups: new Map(),
      rules: new Map(),
      instances: new Map(),
      networkInterfaces: new Map(),
      attachments: new Map(),
      eipAssociations: new Map(),
      dataGroups: new Map(),
      deposed: { groupIds: new Set(), rules: new Map(), addresses: [] },
      places: { vswitchZone: new Map(), vpcZone: new Map(), vpcRegion: new Map(), providerZones: new Map(), providerRegions: new Map(), providerAccounts: new Map() },
      skipped: [],
      warnings: [],
    };
  }

  private skip(address: string, problem: string): void {
    this.baseline.skipped.push(`${address}: ${problem}`);
    this.baseline.warnings.push(`${this.path}: ${address}: ${problem}; not compared`);
  }

  resource(raw: unknown, position: number): void {
    if (!isRecord(raw) || typeof raw.type !== 'string' || typeof raw.name !== 'string' || typeof raw.mode !== 'string') {
      this.skip(`resources[${position}]`, 'not a resource (needs "mode", "type" and "name")');
      return;
    }
    const { mode, type, name } = raw;
    const module = typeof raw.module === 'string' && raw.module !== '' ? `${raw.module}.` : '';
    const provider = typeof raw.provider === 'string' && raw.provider !== '' ? raw.provider : DEFAULT_PROVIDER;
    const base = `${module}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
    const compared = mode === 'managed' && isComparedType(type);
    if (!compared && !(mode === 'managed' && PLACE_RESOURCES.has(type)) && !(mode === 'data' && DATA_SOURCES.has(type))) {
      if (mode !== 'managed' && mode !== 'data' && isComparedType(type)) this.skip(base, `unknown mode ${JSON.stringify(mode)}`);
      return;
    }
    if (!Array.isArray(raw.instances)) {
      if (compared) this.skip(base, raw.instances === undefined ? 'no "instances"' : '"instances" is not a list');
      return;
    }
    raw.instances.forEach((instance: unknown, index: number) => this.instance(mode, type, base, provider, instance, index));
  }

  private instance(mode: string, type: string, base: string, provider: string, raw: unknown, position: number): void {
    const compared = mode === 'managed' && isComparedType(type);
    if (!isRecord(raw)) {
      if (compared) this.skip(`${base} (instance ${position})`, 'not an object');
      return;
    }
    let address = base;
    const indexKey = raw.index_key;
    if (typeof indexKey === 'string' || typeof indexKey === 'number') address = `${base}[${JSON.stringify(indexKey)}]`;
    else if (indexKey !== undefined && indexKey !== null) {
      if (compared) this.skip(`${base} (instance ${position})`, `index_key ${JSON.stringify(indexKey)} is neither a number nor a string`);
      return;
    }
    const deposed = typeof raw.deposed === 'string' && raw.deposed !== '' ? raw.deposed : undefined;
    const attributes = raw.attributes;
    if (!isRecord(attributes)) {
      if (!compared) return;
      if (raw.attributes_flat !== undefined && !deposed) {
        throw new FileFormatError(
          'SNAPSHOT_INVALID',
          this.path,
          `${address}: attributes_flat: written by Terraform 0.11 and not refreshed since; run \`terraform apply -refresh-only\` with Terraform ≥ 0.12 and pull the state again`,
        );
      }
      this.skip(deposed ? `${address} (deposed ${deposed})` : address, attributes === undefined ? 'no "attributes"' : '"attributes" is not an object');
      return;
    }
    if (mode === 'data') this.dataSource(type, provider, attributes);
    else if (PLACE_RESOURCES.has(type)) this.vswitch(provider, attributes);
    else if (isComparedType(type)) this.managed(type, address, provider, attributes, deposed);
  }

  private managed(type: ComparedType, address: string, provider: string, attributes: Attributes, deposed: string | undefined): void {
    const { baseline } = this;
    try {
      if (deposed) {
        this.deposedObject(type, attributes);
        baseline.deposed.addresses.push(`${address} (deposed ${deposed})`);
        return;
      }
      switch (type) {
        case 'alicloud_security_group': {
          const item = groupFromAttributes(attributes);
          this.unique(baseline.groups, item.id, address);
          baseline.groups.set(item.id, { address, provider, item });
          break;
        }
        case 'alicloud_security_group_rule': {
          const item = ruleFromAttributes(attributes);
          const list = baseline.rules.get(item.groupId) ?? [];
          list.push({ address, provider, item });
          baseline.rules.set(item.groupId, list);
          break;
        }
        case 'alicloud_instance': {
          const item = instanceFromAttributes(attributes);
          this.unique(baseline.instances, item.id, address);
          baseline.instances.set(item.id, { address, provider, item });
          addTo(baseline.places.providerZones, provider, item.zone);
          if (item.vSwitchId && item.zone && !baseline.places.vswitchZone.has(item.vSwitchId)) baseline.places.vswitchZone.set(item.vSwitchId, item.zone);
          break;
        }
        case 'alicloud_ecs_network_interface':
        case 'alicloud_network_interface': {
          const item = interfaceFromAttributes(attributes);
          this.unique(baseline.networkInterfaces, item.id, address);
          baseline.networkInterfaces.set(item.id, { address, provider, item });
          break;
        }
        case 'alicloud_ecs_network_interface_attachment':
        case 'alicloud_network_interface_attachment': {
          const item = attachmentFromAttributes(attributes);
          this.unique(baseline.attachments, item.networkInterfaceId, address);
          baseline.attachments.set(item.networkInterfaceId, { address, provider, item });
          break;
        }
        case 'alicloud_eip_association': {
          const item = eipAssociationFromAttributes(attributes);
          this.unique(baseline.eipAssociations, item.allocationId, address);
          baseline.eipAssociations.set(item.allocationId, { address, provider, item });
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof AttributeError)) throw error;
      if (deposed) {
        this.baseline.warnings.push(`${this.path}: ${address} (deposed ${deposed}): ${error.message}; ignored`);
        return;
      }
      throw new FileFormatError('SNAPSHOT_INVALID', this.path, `${address}: ${error.message}`);
    }
  }

  /** Deposed groups and rules are remembered so their live counterparts are not "unmanaged"; nothing else of them matters. */
  private deposedObject(type: ComparedType, attributes: Attributes): void {
    const { deposed } = this.baseline;
    if (type === 'alicloud_security_group') deposed.groupIds.add(groupFromAttributes(attributes).id);
    else if (type === 'alicloud_security_group_rule') {
      const rule = ruleFromAttributes(attributes);
      deposed.rules.set(rule.groupId, [...(deposed.rules.get(rule.groupId) ?? []), rule]);
    }
  }

  private unique(map: Map<string, Managed<unknown>>, id: string, address: string): void {
    const existing = map.get(id);
    if (existing) this.baseline.warnings.push(`${this.path}: ${id} is managed by both ${existing.address} and ${address}; ${address} is compared`);
  }

  private vswitch(provider: string, attributes: Attributes): void {
    const { places } = this.baseline;
    const id = field(attributes, 'id');
    const zone = field(attributes, 'zone_id') ?? field(attributes, 'availability_zone');
    const vpcId = field(attributes, 'vpc_id');
    addTo(places.providerZones, provider, zone);
    if (id && zone) places.vswitchZone.set(id, zone);
    if (vpcId && zone && !places.vpcZone.has(vpcId)) places.vpcZone.set(vpcId, zone);
  }

  /** Data sources only tell where things are, and which groups the configuration uses without managing them. */
  private dataSource(type: string, provider: string, attributes: Attributes): void {
    const { places } = this.baseline;
    switch (type) {
      case 'alicloud_security_groups':
        for (const group of records(attributes.groups)) {
          const id = field(group, 'id');
          const vpcId = field(group, 'vpc_id');
          if (id) this.baseline.dataGroups.set(id, { provider, ...(vpcId ? { vpcId } : {}) });
        }
        for (const id of strings(attributes.ids)) if (!this.baseline.dataGroups.has(id)) this.baseline.dataGroups.set(id, { provider });
        break;
      case 'alicloud_regions':
        // Without `current = true` the data source lists every region, which says nothing about this configuration.
        if (attributes.current === true) {
          for (const id of strings(attributes.ids)) addTo(places.providerRegions, provider, id);
          for (const region of records(attributes.regions)) addTo(places.providerRegions, provider, field(region, 'id') ?? field(region, 'region_id'));
        }
        break;
      case 'alicloud_zones':
        for (const id of strings(attributes.ids)) addTo(places.providerZones, provider, id);
        for (const zone of records(attributes.zones)) addTo(places.providerZones, provider, field(zone, 'id'));
        break;
      case 'alicloud_vswitches':
        for (const vswitch of records(attributes.vswitches)) this.vswitch(provider, { id: vswitch.id, vpc_id: vswitch.vpc_id, zone_id: vswitch.zone_id ?? vswitch.availability_zone });
        break;
      case 'alicloud_vpcs':
        for (const vpc of records(attributes.vpcs)) {
          const id = field(vpc, 'id');
          const region = field(vpc, 'region_id');
          if (id && region) places.vpcRegion.set(id, region);
          addTo(places.providerRegions, provider, region);
        }
        break;
      case 'alicloud_account':
        addTo(places.providerAccounts, provider, field(attributes, 'id'));
        break;
      case 'alicloud_caller_identity':
        addTo(places.providerAccounts, provider, field(attributes, 'account_id'));
        break;
    }
  }
}

/** Parse tfstate JSON text; errors name the file and what is wrong in one line. */
export function parseTerraformState(path: string, text: string): TerraformBaseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FileFormatError('SNAPSHOT_INVALID', path, 'not a Terraform state (not JSON)');
  }
  if (!looksLikeTerraformState(value)) throw new FileFormatError('SNAPSHOT_INVALID', path, 'not a Terraform state (no "version" and "terraform_version"/"lineage")');
  const state = value as Record<string, unknown>;
  if (state.version !== 4) {
    throw new FileFormatError('SNAPSHOT_INVALID', path, `Terraform state version ${JSON.stringify(state.version)} is not supported (sgaudit reads version 4, written by Terraform ≥ 0.12)`);
  }
  const resources = state.resources ?? [];
  if (!Array.isArray(resources)) throw new FileFormatError('SNAPSHOT_INVALID', path, 'invalid Terraform state: "resources" is not a list');
  const lineage = typeof state.lineage === 'string' && state.lineage !== '' ? state.lineage : 'unknown';
  const serial = typeof state.serial === 'number' && Number.isInteger(state.serial) ? state.serial : 0;
  const reader = new StateReader(path, `terraform:${lineage}#${serial}`);
  resources.forEach((resource: unknown, position: number) => reader.resource(resource, position));
  const { baseline } = reader;
  const { addresses } = baseline.deposed;
  if (addresses.length > 0) {
    const shown = addresses.slice(0, 5).join(', ');
    baseline.warnings.push(
      `${path}: ${addresses.length} deposed object(s) ignored (left by create_before_destroy for the next apply to destroy): ${shown}${addresses.length > 5 ? `, +${addresses.length - 5} more` : ''}`,
    );
  }
  return baseline;
}

/** Read a state file; its warnings go to stderr, one line each. */
export async function readTerraformState(path: string): Promise<TerraformBaseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SgauditError('FILE_NOT_FOUND', `${path}: ${code === 'ENOENT' ? 'no such Terraform state file' : `cannot read (${code ?? String(error)})`}`, { cause: error });
  }
  const baseline = parseTerraformState(path, text);
  for (const warning of baseline.warnings) log.warn(warning);
  return baseline;
}
