import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { FileFormatError, SgauditError } from './errors.js';
import { explainWrongKind, notJsonAtStart } from './file-kind.js';
import { fastInstance, fastNetworkInterface, fastSecurityGroup } from './record-fast-path.js';
import { Provider, Region, Snapshot, SNAPSHOT_RECORD_SCHEMAS, SNAPSHOT_SCHEMA, SnapshotHeader, type Account } from './snapshot.js';
import { writeFileAtomic, writeStreamAtomic } from '../util/atomic-write.js';
import { splitLines } from '../util/lines.js';

/**
 * The on-disk snapshot: gzip-compressed JSON Lines. Line 1 is the header (schema, id, takenAt,
 * tool, coverage); then one line per record tagged with its kind and account/region; the last
 * line is `{"kind":"end","records":N}` so a file cut at a line boundary is still detected as
 * truncated. Nothing ever builds a string of the whole file: at fleet scale a snapshot is more JSON
 * than one string or one JSON.parse can hold.
 *
 * The header must come first but coverage is only known when collection ends, so the writer
 * streams records into a gzip body file and, on finish, writes the header as its own gzip member
 * followed by the body. Concatenated gzip members are one valid gzip stream (RFC 1952 §2.2),
 * which zlib's gunzip reads as a whole.
 */

export const SNAPSHOT_EXTENSION = '.jsonl.gz';

const RESOURCE_KINDS = ['securityGroup', 'instance', 'networkInterface', 'eip', 'prefixList', 'addressGroup'] as const;
type ResourceKind = (typeof RESOURCE_KINDS)[number];
const REGION_FIELD: Record<ResourceKind, keyof Omit<Region, 'regionId'>> = {
  securityGroup: 'securityGroups',
  instance: 'instances',
  networkInterface: 'networkInterfaces',
  eip: 'eips',
  prefixList: 'prefixLists',
  addressGroup: 'addressGroups',
};
/** What the stripping schemas return for the bulk of the records, without zod (see record-fast-path.ts); zod for the rest. */
const FAST_RECORD: Partial<Record<ResourceKind, (record: unknown) => object | undefined>> = {
  securityGroup: fastSecurityGroup,
  instance: fastInstance,
  networkInterface: fastNetworkInterface,
};

/** Stripping schemas (see SNAPSHOT_RECORD_SCHEMAS): records are sgaudit's own output, maybe of a newer version. */
const RESOURCE_SCHEMA: Record<ResourceKind, z.ZodType> = {
  securityGroup: SNAPSHOT_RECORD_SCHEMAS.SecurityGroup,
  instance: SNAPSHOT_RECORD_SCHEMAS.Instance,
  networkInterface: SNAPSHOT_RECORD_SCHEMAS.NetworkInterface,
  eip: SNAPSHOT_RECORD_SCHEMAS.Eip,
  prefixList: SNAPSHOT_RECORD_SCHEMAS.PrefixList,
  addressGroup: SNAPSHOT_RECORD_SCHEMAS.AddressGroup,
};

export interface SnapshotWriteResult {
  path: string;
  bytes: number;
  records: number;
}

/** Who a region belongs to: the account record written before its first region. */
export interface AccountHeader {
  accountId: string;
  alias?: string | undefined;
  provider?: Provider | undefined;
}

export interface SnapshotWriter {
  /** Stream one region's resources; call once per (account, region), in any order. */
  addRegion(account: AccountHeader, region: Region): Promise<void>;
  /**
   * Stream one record as read from another snapshot (merging shards): an account's record is
   * written once, however often it comes; a region's resources follow its region record.
   */
  addRecord(record: SnapshotRecord): Promise<void>;
  /** Write the header (its provider, unless given, from the accounts written), then commit the file atomically. */
  finish(header: Omit<SnapshotHeader, 'schema' | 'provider'> & { provider?: string }): Promise<SnapshotWriteResult>;
  /** Drop everything written so far; the target path is untouched. */
  abort(): Promise<void>;
}

async function writeLine(stream: Writable, value: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain');
}

export async function createSnapshotWriter(path: string): Promise<SnapshotWriter> {
  const bodyPath = join(dirname(path), `.sgaudit-tmp-body-${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await (await import('node:fs/promises')).mkdir(dirname(path), { recursive: true });
  const gzip = createGzip({ level: 6 });
  const file = createWriteStream(bodyPath, { flags: 'wx', mode: 0o600 });
  const piped = pipeline(gzip, file);
  let records = 0;
  const seenAccounts = new Set<string>();
  const providers = new Set<Provider>();
  let closed = false;

  const closeBody = async () => {
    if (closed) return;
    closed = true;
    gzip.end();
    await piped;
  };

  const addAccount = async ({ accountId, alias, provider }: AccountHeader) => {
    if (closed) throw new Error('snapshot writer already finished');
    if (seenAccounts.has(accountId)) return;
    seenAccounts.add(accountId);
    providers.add(provider ?? 'alicloud');
    // Alibaba accounts carry no provider member, so their records read exactly as before Huawei support.
    await writeLine(gzip, { kind: 'account', accountId, ...(alias ? { alias } : {}), ...(provider && provider !== 'alicloud' ? { provider } : {}) });
    records++;
  };

  return {
    async addRegion(account, region) {
      await addAccount(account);
      const { accountId } = account;
      await writeLine(gzip, { kind: 'region', accountId, regionId: region.regionId });
      records++;
      for (const kind of RESOURCE_KINDS) {
        for (const item of region[REGION_FIELD[kind]]) {
          await writeLine(gzip, { kind, accountId, regionId: region.regionId, ...item });
          records++;
        }
      }
    },
    async addRecord(record) {
      if (record.kind === 'account') return addAccount(record);
      if (closed) throw new Error('snapshot writer already finished');
      await writeLine(gzip, record.kind === 'region' ? record : { kind: record.kind, accountId: record.accountId, regionId: record.regionId, ...(record.item as object) });
      records++;
    },
    async finish(header) {
      try {
        await writeLine(gzip, { kind: 'end', records });
        await closeBody();
        const fullHeader: SnapshotHeader = { schema: SNAPSHOT_SCHEMA, provider: headerProvider(providers), ...header };
        const headerMember = gzipSync(`${JSON.stringify(fullHeader)}\n`);
        await writeStreamAtomic(path, async (out) => {
          if (!out.write(headerMember)) await once(out, 'drain');
          await pipeline(createReadStream(bodyPath), out);
        });
        return { path, bytes: (await stat(path)).size, records };
      } finally {
        await rm(bodyPath, { force: true });
      }
    },
    async abort() {
      gzip.destroy();
      file.destroy();
      await piped.catch(() => undefined);
      closed = true;
      await rm(bodyPath, { force: true });
    },
  };
}

/** The header's summary of the accounts' providers (see SnapshotHeader.provider). */
export function headerProvider(providers: ReadonlySet<Provider>): string {
  if (providers.size > 1) return 'mixed';
  return [...providers][0] ?? 'alicloud';
}

/** Write a whole in-memory snapshot (fixtures, tests, the 250k benchmark). */
export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<SnapshotWriteResult> {
  if (path.endsWith('.json')) {
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    await writeFileAtomic(path, text);
    return { path, bytes: Buffer.byteLength(text), records: 0 };
  }
  const writer = await createSnapshotWriter(path);
  try {
    for (const account of snapshot.accounts) for (const region of account.regions) await writer.addRegion(account, region);
    return await writer.finish({ id: snapshot.id, takenAt: snapshot.takenAt, tool: snapshot.tool, provider: snapshot.provider, coverage: snapshot.coverage });
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Nested `.json` export of a snapshot for small estates and other tools. */
export async function exportSnapshotJson(path: string, snapshot: Snapshot): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

export type SnapshotRecord =
  | { kind: 'account'; accountId: string; alias?: string; provider?: Provider }
  | { kind: 'region'; accountId: string; regionId: string }
  | { kind: ResourceKind; accountId: string; regionId: string; item: unknown };

export interface ReadOptions {
  /** Validate every record against the model schema (default true). */
  validate?: boolean;
}

async function openText(path: string): Promise<Readable> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SgauditError('FILE_NOT_FOUND', `${path}: no such snapshot file`);
    if (code === 'EISDIR') throw new SgauditError('FILE_NOT_FOUND', `${path}: is a directory, not a snapshot file`);
    throw new SgauditError('FILE_NOT_FOUND', `${path}: cannot open (${code ?? String(error)})`, { cause: error });
  }
  const magic = Buffer.alloc(2);
  const { bytesRead } = await handle.read(magic, 0, 2, 0);
  await handle.close();
  // Large reads and inflate chunks: with zlib's default 16 KB output chunks a large snapshot takes
  // thousands of thread-pool round trips and the reader mostly waits on them.
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    raw.on('error', (error) => gunzip.destroy(error));
    return raw.pipe(gunzip);
  }
  return raw;
}

function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(record)'}: ${issue.message}`)
    .join('; ');
}

function parseSnapshotHeader(path: string, line: string): SnapshotHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new FileFormatError('SNAPSHOT_INVALID', path, 'not an sgaudit snapshot (first line is not JSON)', 1);
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (typeof schema !== 'string' || !schema.startsWith('sgaudit/snapshot@')) {
    throw new FileFormatError('SNAPSHOT_INVALID', path, `not an sgaudit snapshot (schema ${schema === undefined ? 'missing' : JSON.stringify(schema)})`, 1);
  }
  if (schema !== SNAPSHOT_SCHEMA) {
    throw new FileFormatError('SNAPSHOT_INVALID', path, `unsupported snapshot schema ${schema} (this sgaudit reads ${SNAPSHOT_SCHEMA})`, 1);
  }
  const parsed = SnapshotHeader.safeParse(value);
  if (!parsed.success) throw new FileFormatError('SNAPSHOT_INVALID', path, `invalid header: ${describeZodIssues(parsed.error)}`, 1);
  return parsed.data;
}

/**
 * Stream a snapshot file: yields the header first, then each record. Errors name the file and
 * line: a foreign or wrong-version file, a corrupt line, a truncated stream, a missing end record.
 */
export async function* readSnapshotRecords(path: string, options: ReadOptions = {}): AsyncGenerator<{ header: SnapshotHeader } | SnapshotRecord> {
  for await (const batch of records(path, options.validate ?? true)) yield* batch;
}

/** readSnapshotRecords in batches (header first, then records in file order): the same checks, one async step per chunk of the file. */
export function readSnapshotRecordBatches(path: string, options: ReadOptions = {}): AsyncGenerator<({ header: SnapshotHeader } | SnapshotRecord)[]> {
  return records(path, options.validate ?? true);
}

/**
 * Shares records between two snapshots of one estate (drift): a resource line of the second file
 * that is byte-identical to a line of the first is neither parsed nor validated again, and both
 * snapshots hold the same object. sgaudit writes records in a stable order, so the second file's
 * lines are matched by walking the first file's lines in step (a string comparison per line)
 * rather than through a map keyed by the lines, which hashed every line's text once more.
 * Inserted, deleted and changed records move the walk: a few lines ahead are tried, then the
 * record's own key. Whatever is not matched is parsed as usual, so any order reads correctly; an
 * unexpected order only costs the parsing the sharing would have saved.
 */
class LineAlignment {
  private readonly lines: string[] = [];
  private readonly records: SnapshotRecord[] = [];
  private cursor = 0;
  private byKey: Map<string, number> | undefined;

  /** While reading the first file: a resource line and its record, in file order. */
  remember(line: string, record: SnapshotRecord): void {
    this.lines.push(line);
    this.records.push(record);
  }

  /** While reading the second file: the first file's record for an identical line near the walk, if any. */
  match(line: string): SnapshotRecord | undefined {
    const end = Math.min(this.lines.length, this.cursor + LOOKAHEAD);
    for (let k = this.cursor; k < end; k++) {
      if (this.lines[k] !== line) continue;
      this.cursor = k + 1;
      return this.records[k];
    }
    return undefined;
  }

  /**
   * A second-file line `match` missed, parsed: the walk resumes after the first file's record of
   * the same resource (a changed record, or the end of a run of insertions or deletions), whose
   * object is returned when its line is identical after all.
   */
  resync(line: string, record: SnapshotRecord): SnapshotRecord {
    const key = resourceKey(record);
    if (key === undefined) return record;
    this.byKey ??= this.indexByKey();
    const index = this.byKey.get(key);
    if (index === undefined) return record;
    this.cursor = index + 1;
    return this.lines[index] === line ? (this.records[index] as SnapshotRecord) : record;
  }

  private indexByKey(): Map<string, number> {
    const byKey = new Map<string, number>();
    this.records.forEach((record, index) => {
      const key = resourceKey(record);
      if (key !== undefined && !byKey.has(key)) byKey.set(key, index);
    });
    return byKey;
  }
}

/** How many lines past the walk an identical line is looked for before the record's key is used. */
const LOOKAHEAD = 8;

function resourceKey(record: SnapshotRecord): string | undefined {
  if (!('item' in record)) return undefined;
  const item = record.item as { id?: unknown; allocationId?: unknown };
  const id = typeof item.id === 'string' ? item.id : typeof item.allocationId === 'string' ? item.allocationId : undefined;
  return id === undefined ? undefined : `${record.kind}\u0000${record.accountId}\u0000${record.regionId}\u0000${id}`;
}

interface LineSharing {
  /** Filled while reading the first file. */
  remember?: LineAlignment;
  /** Consulted while reading the second. */
  known?: LineAlignment;
}

async function* records(path: string, validate: boolean, share?: LineSharing): AsyncGenerator<({ header: SnapshotHeader } | SnapshotRecord)[]> {
  if (path.endsWith('.json')) {
    const snapshot = await readNestedJson(path);
    const { accounts, ...header } = snapshot;
    const batch: ({ header: SnapshotHeader } | SnapshotRecord)[] = [{ header }];
    for (const account of accounts) {
      batch.push({ kind: 'account', accountId: account.accountId, ...(account.alias ? { alias: account.alias } : {}), ...(account.provider ? { provider: account.provider } : {}) });
      for (const region of account.regions) {
        batch.push({ kind: 'region', accountId: account.accountId, regionId: region.regionId });
        for (const kind of RESOURCE_KINDS) for (const item of region[REGION_FIELD[kind]]) batch.push({ kind, accountId: account.accountId, regionId: region.regionId, item });
      }
    }
    yield batch;
    return;
  }
  const input = await openText(path);
  const lines = splitLines(input);
  let lineNumber = 0;
  let records = 0;
  let ended = false;
  try {
    for await (const chunkLines of lines) {
      const batch: ({ header: SnapshotHeader } | SnapshotRecord)[] = [];
      for (const line of chunkLines) {
        lineNumber++;
        if (lineNumber === 1) {
          batch.push({ header: parseSnapshotHeader(path, line) });
          continue;
        }
        if (line.length === 0) continue;
        if (ended) throw new FileFormatError('SNAPSHOT_INVALID', path, 'data after the end record', lineNumber);
        const shared = share?.known?.match(line);
        if (shared) {
          records++;
          batch.push(shared);
          continue;
        }
        let record = parseRecordLine(path, line, lineNumber, validate);
        if (share?.remember && 'item' in record) share.remember.remember(line, record);
        else if (share?.known && 'item' in record) record = share.known.resync(line, record);
        if (record.kind === 'end') {
          if (record.records !== records) {
            throw new FileFormatError('SNAPSHOT_INVALID', path, `end record counts ${String(record.records)} records but ${records} were read`, lineNumber);
          }
          ended = true;
          continue;
        }
        records++;
        batch.push(record);
      }
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file/i.test(String((error as Error).message))) {
      throw new FileFormatError('SNAPSHOT_INVALID', path, code === 'Z_DATA_ERROR' ? 'corrupt gzip data' : 'truncated (the compressed stream ends early)', lineNumber || undefined, error);
    }
    throw error;
  } finally {
    await lines.return(undefined);
    input.destroy();
  }
  if (lineNumber === 0) throw new FileFormatError('SNAPSHOT_INVALID', path, 'empty file');
  if (!ended) throw new FileFormatError('SNAPSHOT_INVALID', path, 'truncated (no end record)', lineNumber);
}

/**
 * One record line (not the header) → its record, validated unless `validate` is false; the end
 * record comes back as `{ kind: 'end', records }` for the caller to check against its count.
 * Errors name the file and line.
 */
function parseRecordLine(path: string, line: string, lineNumber: number, validate: boolean): SnapshotRecord | { kind: 'end'; records: unknown } {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new FileFormatError('SNAPSHOT_INVALID', path, 'corrupt record (not JSON)', lineNumber);
  }
  const { kind, accountId, regionId } = value;
  const rest = value;
  if (kind === 'end') return { kind, records: rest.records };
  if (typeof accountId !== 'string') throw new FileFormatError('SNAPSHOT_INVALID', path, 'record without accountId', lineNumber);
  if (kind === 'account') {
    if (rest.provider !== undefined && !Provider.safeParse(rest.provider).success) throw new FileFormatError('SNAPSHOT_INVALID', path, `unknown provider ${JSON.stringify(rest.provider)}`, lineNumber);
    return { kind, accountId, ...(typeof rest.alias === 'string' ? { alias: rest.alias } : {}), ...(rest.provider === undefined ? {} : { provider: rest.provider as Provider }) };
  }
  if (typeof regionId !== 'string') throw new FileFormatError('SNAPSHOT_INVALID', path, 'record without regionId', lineNumber);
  if (kind === 'region') return { kind, accountId, regionId };
  if (typeof kind !== 'string' || !(RESOURCE_KINDS as readonly string[]).includes(kind)) {
    throw new FileFormatError('SNAPSHOT_INVALID', path, `unknown record kind ${JSON.stringify(kind)}`, lineNumber);
  }
  const resourceKind = kind as ResourceKind;
  let item: unknown = rest;
  if (validate) {
    // The record schemas strip unknown keys, the envelope fields among them, into a new object:
    // the parsed line is left alone (deleting its first members would turn it into a slow
    // dictionary-mode object for every property read the validation makes).
    const copied = FAST_RECORD[resourceKind]?.(rest);
    if (copied) item = copied;
    else {
      const parsed = RESOURCE_SCHEMA[resourceKind].safeParse(rest);
      if (!parsed.success) throw new FileFormatError('SNAPSHOT_INVALID', path, `invalid ${kind}: ${describeZodIssues(parsed.error)}`, lineNumber);
      item = parsed.data;
    }
  } else {
    // Unvalidated reads (listings, the benchmark floor) keep the parsed object, minus the envelope.
    delete rest.kind;
    delete rest.accountId;
    delete rest.regionId;
  }
  return { kind: resourceKind, accountId, regionId, item };
}

/** Collects records into a Snapshot, keeping accounts and regions in the order they first appear. */
class SnapshotAssembler {
  private readonly accounts = new Map<string, Account>();
  private readonly regions = new Map<string, Region>();

  add(record: SnapshotRecord): void {
    if (record.kind === 'account') {
      const account = this.accountOf(record.accountId);
      if (record.alias) account.alias = record.alias;
      if (record.provider) account.provider = record.provider;
    } else if (record.kind === 'region') {
      this.regionOf(record.accountId, record.regionId);
    } else {
      (this.regionOf(record.accountId, record.regionId)[REGION_FIELD[record.kind]] as unknown[]).push(record.item);
    }
  }

  finish(header: SnapshotHeader): Snapshot {
    return { ...header, accounts: [...this.accounts.values()] };
  }

  private accountOf(accountId: string): Account {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { accountId, regions: [] };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  private regionOf(accountId: string, regionId: string): Region {
    const key = `${accountId}\u0000${regionId}`;
    let region = this.regions.get(key);
    if (!region) {
      region = { regionId, securityGroups: [], instances: [], networkInterfaces: [], eips: [], prefixLists: [], addressGroups: [] };
      this.regions.set(key, region);
      this.accountOf(accountId).regions.push(region);
    }
    return region;
  }
}

async function readNestedJson(path: string): Promise<Snapshot> {
  const { readFile } = await import('node:fs/promises');
  const notJson = await notJsonAtStart(path);
  if (notJson) throw new FileFormatError('SNAPSHOT_INVALID', path, notJson);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SgauditError('FILE_NOT_FOUND', `${path}: no such snapshot file`);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError('SNAPSHOT_INVALID', path, `not valid JSON (${(error as Error).message})`);
  }
  parseSnapshotHeader(path, JSON.stringify({ ...(value as object), accounts: undefined }));
  const parsed = Snapshot.safeParse(value);
  if (!parsed.success) throw new FileFormatError('SNAPSHOT_INVALID', path, `invalid snapshot: ${describeZodIssues(parsed.error)}`);
  return parsed.data;
}

/** Read a whole snapshot into memory (records streamed, never one big string). */
export async function readSnapshot(path: string, options: ReadOptions = {}): Promise<Snapshot> {
  try {
    return await readSharing(path, options);
  } catch (error) {
    throw await explainWrongKind(error, path, 'snapshot');
  }
}

/**
 * Two snapshots of the same estate (drift): the second file's lines that are byte-identical to
 * lines of the first are neither parsed nor validated again, and both snapshots share those
 * records' objects, so `before === after` means unchanged. Each file's errors are those of
 * `readSnapshot` on it; the first file's are reported first.
 */
export async function readSnapshotPair(firstPath: string, secondPath: string, options: ReadOptions = {}): Promise<[Snapshot, Snapshot]> {
  const alignment = new LineAlignment();
  const first = await readSharing(firstPath, options, { remember: alignment }).catch(async (error: unknown) => Promise.reject(await explainWrongKind(error, firstPath, 'snapshot')));
  const second = await readSharing(secondPath, options, { known: alignment }).catch(async (error: unknown) => Promise.reject(await explainWrongKind(error, secondPath, 'snapshot')));
  return [first, second];
}

async function readSharing(path: string, options: ReadOptions, share?: LineSharing): Promise<Snapshot> {
  let header: SnapshotHeader | undefined;
  const assembler = new SnapshotAssembler();
  for await (const batch of records(path, options.validate ?? true, share)) {
    for (const record of batch) {
      if ('header' in record) header = record.header;
      else assembler.add(record);
    }
  }
  if (!header) throw new FileFormatError('SNAPSHOT_INVALID', path, 'empty file');
  return assembler.finish(header);
}
