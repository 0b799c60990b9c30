import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli.js';
import { parseConfigText } from '../../src/config/load.js';
import { REPO } from '../ops/helpers.js';

/**
 * deploy/: the Kubernetes manifests validate against the Kubernetes API schemas (kubernetes-models),
 * and say what docs/fleet.md says they do — an Indexed Job whose completions, parallelism and
 * SGAUDIT_SHARD_COUNT agree with the merge's, pods that run as the image's non-root user on a
 * read-only root filesystem, RRSA on the ServiceAccount; every sgaudit command in them and in the
 * systemd unit is a real command with real flags.
 */
const KUBERNETES = join(REPO, 'deploy/kubernetes');
const SYSTEMD = join(REPO, 'deploy/systemd');

interface Validatable {
  validate(): void;
}
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'batch/v1/CronJob': CronJob,
};

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read as plain YAML data */
const documents: { file: string; doc: any }[] = readdirSync(KUBERNETES)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(KUBERNETES, file), 'utf8')).map((parsed) => {
      expect(parsed.errors, file).toEqual([]);
      return { file, doc: parsed.toJS() };
    }),
  );
const byName = (kind: string, name: string): any => documents.find(({ doc }) => doc.kind === kind && doc.metadata?.name === name)?.doc;
const collect = byName('CronJob', 'sgaudit-collect');
const merge = byName('CronJob', 'sgaudit-merge');
const podOf = (cronJob: any) => cronJob.spec.jobTemplate.spec.template.spec;
const envOf = (cronJob: any): Record<string, string> => Object.fromEntries(podOf(cronJob).containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The uid the Dockerfile's runtime stage runs as. */
const imageUser = /^USER (\d+)(?::(\d+))?$/m.exec(readFileSync(join(REPO, 'Dockerfile'), 'utf8'))?.[1];

/** `sgaudit <command> [--flags]` in a shell script or an ExecStart= line: the command and its long flags. */
function sgauditCalls(text: string): { command: string; flags: string[] }[] {
  const calls: { command: string; flags: string[] }[] = [];
  const joined = text.replace(/\\\n\s*/g, ' ');
  for (const match of joined.matchAll(/(?:^|[\s/])sgaudit ([a-z]+(?: [a-z]+)?)((?: [^\n;|&]*)?)/g)) {
    calls.push({ command: match[1] as string, flags: [...(match[2] ?? '').matchAll(/\s(--[a-z-]+)/g)].map((flag) => flag[1] as string) });
  }
  return calls;
}

/** The commander command a call names (`snapshots prune` is a subcommand), and its long flags plus the global ones. */
function knownFlags(program: Command, words: string): Set<string> | undefined {
  let command: Command | undefined = program;
  for (const word of words.split(' ')) {
    const next: Command | undefined = command?.commands.find((sub) => sub.name() === word);
    if (!next) break;
    command = next;
  }
  if (command === program) return undefined;
  return new Set([...(command?.options ?? []), ...program.options].map((option) => option.long as string));
}

describe('deploy/kubernetes: the manifests', () => {
  it.each(documents.map(({ file, doc }) => [`${file}: ${doc.kind} ${doc.metadata?.name}`, doc] as const))('%s validates against the Kubernetes API schema', (_name, doc) => {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    expect(Model, `no model for ${doc.apiVersion} ${doc.kind}: add it to MODELS`).toBeDefined();
    expect(() => new (Model as new (data: unknown) => Validatable)(doc).validate()).not.toThrow();
  });

  it('the schemas do catch a broken manifest (the check above can fail)', () => {
    const broken = structuredClone(collect);
    broken.spec.jobTemplate.spec.completions = 'four';
    expect(() => new CronJob(broken).validate()).toThrow(/completions must be integer/);
  });

  it('collect is an Indexed Job whose shard count is the merge\'s, and the merge expects it', () => {
    const job = collect.spec.jobTemplate.spec;
    expect(job.completionMode).toBe('Indexed');
    expect(job.parallelism).toBe(job.completions);
    expect(envOf(collect).SGAUDIT_SHARD_COUNT).toBe(String(job.completions));
    expect(envOf(merge).SGAUDIT_SHARD_COUNT).toBe(String(job.completions));
    expect(podOf(collect).containers[0].args.join(' ')).toMatch(/sgaudit collect .*--store "\$SHARD_STORE\/\$\(date -u \+%F\)"/);
    expect(podOf(merge).containers[0].args.join(' ')).toMatch(/sgaudit merge "\$SHARD_STORE\/\$day"/);
    expect(envOf(merge).SHARD_STORE).toBe(envOf(collect).SHARD_STORE);
    expect(envOf(collect).SHARD_STORE).toMatch(/^oss:\/\//);
    expect(envOf(merge).STORE).toMatch(/^oss:\/\//);
    // The merge runs after the collection's deadline, the same UTC day.
    expect(collect.spec.timeZone).toBe('Etc/UTC');
    expect(merge.spec.timeZone).toBe('Etc/UTC');
    const [collectMinute, collectHour] = collect.spec.schedule.split(' ').map(Number);
    const [mergeMinute, mergeHour] = merge.spec.schedule.split(' ').map(Number);
    expect(mergeHour * 60 + mergeMinute - (collectHour * 60 + collectMinute)).toBeGreaterThan(job.activeDeadlineSeconds / 60);
  });

  it('pods run as the image\'s non-root user, on a read-only root filesystem, with requests and limits, as the RRSA ServiceAccount', () => {
    expect(imageUser).toMatch(/^[1-9]\d*$/);
    for (const cronJob of [collect, merge]) {
      const pod = podOf(cronJob);
      expect(pod.serviceAccountName).toBe('sgaudit');
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(imageUser) });
      const [container] = pod.containers;
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(container.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath)).toContain('/tmp');
      expect(container.resources.requests.memory).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
    }
    const account = byName('ServiceAccount', 'sgaudit');
    expect(account.metadata.annotations['pod-identity.alibabacloud.com/role-name']).toBeTruthy();
    expect(byName('Namespace', 'sgaudit').metadata.labels['pod-identity.alibabacloud.com/injection']).toBe('on');
  });

  it('the ConfigMap holds a valid sgaudit.yaml', () => {
    const config = byName('ConfigMap', 'sgaudit-config').data['sgaudit.yaml'];
    expect(() => parseConfigText(config, 'deploy/kubernetes/configmap.yaml')).not.toThrow();
  });

  it('every sgaudit command in the manifests and the systemd unit exists with the flags given', () => {
    const program = buildProgram();
    const scripts = [...[collect, merge].map((cronJob) => podOf(cronJob).containers[0].args.join('\n')), readFileSync(join(SYSTEMD, 'sgaudit-scan.service'), 'utf8')];
    const calls = scripts.flatMap(sgauditCalls);
    expect(calls.map((call) => call.command)).toEqual(expect.arrayContaining(['collect', 'merge', 'analyze', 'report', 'snapshots prune', 'schedule']));
    for (const call of calls) {
      const flags = knownFlags(program, call.command);
      expect(flags, `sgaudit ${call.command}`).toBeDefined();
      for (const flag of call.flags) expect(flags?.has(flag), `sgaudit ${call.command} ${flag}`).toBe(true);
    }
  });
});

const systemdAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;

describe('deploy/systemd: the scan service and its timer', () => {
  const service = readFileSync(join(SYSTEMD, 'sgaudit-scan.service'), 'utf8');
  const timer = readFileSync(join(SYSTEMD, 'sgaudit-scan.timer'), 'utf8');

  it('is a hardened oneshot service with its own state directory, started nightly by a persistent timer', () => {
    for (const line of ['Type=oneshot', 'DynamicUser=yes', 'StateDirectory=sgaudit', 'WorkingDirectory=/var/lib/sgaudit', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'NoNewPrivileges=yes', 'CapabilityBoundingSet=']) {
      expect(service.split('\n'), line).toContain(line);
    }
    expect(service).toMatch(/^ExecStart=\/usr\/bin\/sgaudit schedule --once .*--strict$/m);
    expect(timer).toMatch(/^OnCalendar=\S/m);
    expect(timer.split('\n')).toContain('Persistent=true');
    expect(timer.split('\n')).toContain('WantedBy=timers.target');
  });

  it.skipIf(!systemdAnalyze)(`passes systemd-analyze verify${systemdAnalyze ? '' : ' (skipped: systemd-analyze is not installed on this machine)'}`, () => {
    // The binary is swapped for one that exists here; verify checks ExecStart's path.
    const dir = mkdtempSync(join(tmpdir(), 'sgaudit-systemd-'));
    try {
      writeFileSync(join(dir, 'sgaudit-scan.service'), service.replace('/usr/bin/sgaudit', '/bin/true'));
      writeFileSync(join(dir, 'sgaudit-scan.timer'), timer);
      const run = spawnSync('systemd-analyze', ['verify', join(dir, 'sgaudit-scan.service'), join(dir, 'sgaudit-scan.timer')], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
