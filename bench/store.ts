/**
 * Object-store streaming: a generated snapshot of N instances (default 50,000) is published to a
 * local S3-compatible server (s3rver) and read back, in a child process that only streams, so its
 * peak RSS is that of the store, not of generating the estate.
 *
 *   npx tsx bench/store.ts [instances]
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { specFor } from './estate-spec.js';

const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'sgaudit-bench';

async function generate(instances: number, file: string): Promise<void> {
  const { generateEstate } = await import('../src/emulator/index.js');
  const { writeSnapshot } = await import('../src/model/snapshot-file.js');
  const estate = generateEstate(specFor(instances));
  await writeSnapshot(file, {
    schema: 'sgaudit/snapshot@1',
    id: `bench-store-${instances}`,
    takenAt: new Date().toISOString(),
    tool: { name: 'sgaudit', version: 'bench' },
    provider: 'alicloud',
    coverage: [],
    accounts: estate.accounts,
  });
}

async function roundTrip(file: string): Promise<void> {
  const { openStore } = await import('../src/store/open.js');
  const { readSnapshotHeader } = await import('../src/store/local.js');
  const header = await readSnapshotHeader(file);
  const store = openStore(`s3://${BUCKET}/bench`);
  const staged = store.pathFor(header.takenAt, header.id);
  await pipeline(createReadStream(file), createWriteStream(staged));
  let t = performance.now();
  await store.publish(staged);
  const uploadMs = performance.now() - t;
  t = performance.now();
  const local = await openStore(`s3://${BUCKET}/bench`).localPath((await store.latest())!);
  const downloadMs = performance.now() - t;
  const bytes = (await stat(local)).size;
  process.stdout.write(JSON.stringify({ bytes, uploadMs: Math.round(uploadMs), downloadMs: Math.round(downloadMs), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--generate') return generate(Number(process.argv[3]), process.argv[4]!);
  if (mode === '--round-trip') return roundTrip(arg!);
  const instances = Number(mode ?? 50_000);
  const { default: S3rver } = await import('s3rver');
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-bench-store-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: join(dir, 's3'), silent: true, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  try {
    const file = join(dir, 'snapshot.jsonl.gz');
    execFileSync(process.execPath, ['--import', 'tsx', SELF, '--generate', String(instances), file], { stdio: 'inherit' });
    const env = { ...process.env, SGAUDIT_S3_ENDPOINT: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
    // Asynchronously: the server runs in this process and must keep answering.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, '--round-trip', file], { env, encoding: 'utf8' });
    const result = JSON.parse(stdout) as { bytes: number; uploadMs: number; downloadMs: number; peakRssMiB: number };
    console.log(`store round trip, ${instances.toLocaleString('en')} instances: ${(result.bytes / 2 ** 20).toFixed(1)} MiB .jsonl.gz; upload ${result.uploadMs} ms, download ${result.downloadMs} ms; peak RSS of the streaming process ${result.peakRssMiB} MiB`);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
