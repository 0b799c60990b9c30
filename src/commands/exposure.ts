import { Option, type Command } from 'commander';
import { queryExposure, type ExposureQuery, type ExposureSource } from '../analyze/exposure-query.js';
import { AddressSet } from '../analyze/net/address-set.js';
import { EVAL_PROTOCOLS, PORT_PROTOCOLS, type EvalProtocol } from '../analyze/net/evaluate.js';
import { PolicyEvaluator } from '../analyze/net/evaluator.js';
import { SnapshotView } from '../analyze/view.js';
import { loadConfig, resolveAnalyzerSettings } from '../config/load.js';
import { SgauditError } from '../model/errors.js';
import { readSnapshot } from '../model/snapshot-file.js';
import { formatExposureCsv, formatExposureText } from '../report/exposure.js';
import { log } from '../util/log.js';
import { terminalSafeData, terminalSafeJson, terminalSafeText } from '../util/terminal-safe.js';
import { option } from './flags.js';
import { snapshotArgument } from './inputs.js';
import { closestIds, didYouMean } from './suggest.js';

interface ExposureFlags {
  port?: ExposureQuery['traffic'];
  from: string;
  format: 'text' | 'json' | 'csv';
  config?: string;
}

/** `tcp/6379`, `tcp/8000-9000`, `udp/53`, `icmp`; `all` for every protocol. */
export function parsePortFlag(text: string): ExposureQuery['traffic'] {
  const [protocolText = '', portText] = text.toLowerCase().split('/');
  if (protocolText === 'all' && portText === undefined) return undefined;
  if (!(EVAL_PROTOCOLS as readonly string[]).includes(protocolText)) {
    throw new SgauditError('USAGE', `--port: expected PROTOCOL[/PORT[-PORT]] with a protocol of ${EVAL_PROTOCOLS.join(', ')} (or all), got "${text}"`);
  }
  const protocol = protocolText as EvalProtocol;
  if (portText === undefined) return { protocol };
  if (!PORT_PROTOCOLS.has(protocol)) throw new SgauditError('USAGE', `--port: ${protocol} has no ports, give it alone ("${protocol}"), got "${text}"`);
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(portText);
  const from = Number(match?.[1]);
  const to = Number(match?.[2] ?? match?.[1]);
  if (!match || from < 1 || to > 65535 || from > to) throw new SgauditError('USAGE', `--port: expected ${protocol}/PORT or ${protocol}/FROM-TO with ports 1–65535, got "${text}"`);
  return { protocol, ports: { from, to } };
}

/** `internet`, a CIDR or address (IPv4 or IPv6), or a security group id of the snapshot (its members). */
export function parseFromFlag(text: string, view: SnapshotView, snapshotPath: string): ExposureSource {
  if (text === 'internet') return { kind: 'internet' };
  const addresses = AddressSet.parse(text);
  if (addresses) return { kind: 'cidr', text, addresses };
  if (view.groups.has(text)) return { kind: 'group', groupId: text };
  const suggestions = closestIds(text, [...view.groups.keys()]);
  throw new SgauditError('USAGE', `--from: "${text}" is not internet, an address or CIDR, or a security group of ${snapshotPath}${didYouMean(suggestions)}`);
}

function formatFlag(value: string): ExposureFlags['format'] {
  if (value === 'text' || value === 'json' || value === 'csv') return value;
  throw new SgauditError('USAGE', `--format must be text, json or csv, got "${value}"`);
}

export function register(program: Command): void {
  program
    .command('exposure')
    .description('list every interface that accepts some traffic from the internet, a range or a group, grouped by the rule that admits it')
    .argument('<snapshot>', 'snapshot file, store directory or store URL (its newest snapshot)')
    .addOption(new Option('--port <protocol/port>', 'the traffic: tcp/6379, tcp/8000-9000, udp/53, icmp (default: every protocol and port)').argParser(parsePortFlag))
    .option('--from <source>', 'internet, a CIDR or address (IPv4 or IPv6), or a security group id (its members)', 'internet')
    .addOption(new Option('--format <format>', 'text | json | csv').default('text').argParser(formatFlag))
    .addOption(option.config())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit exposure snapshots/ --port tcp/6379                       # who has Redis open to the internet',
        '  sgaudit exposure snapshots/ --port tcp/22 --from 203.0.113.0/24   # what a partner range reaches',
        '  sgaudit exposure snapshots/ --from sg-bp1app00000000000001 --format csv',
        '',
        'Severities are what analyze ranks the same exposure as (public sources only); allowed public ports',
        '(checks.public-exposure.allowedPublicPorts) are listed and marked, not ranked.',
      ].join('\n'),
    )
    .action(async (snapshotArg: string, flags: ExposureFlags) => {
      const settings = resolveAnalyzerSettings(await loadConfig(flags.config));
      const snapshotPath = await snapshotArgument(snapshotArg);
      let started = performance.now();
      const view = new SnapshotView(await readSnapshot(snapshotPath));
      const loadMs = performance.now() - started;
      const query: ExposureQuery = { from: parseFromFlag(flags.from, view, snapshotPath) };
      if (flags.port) query.traffic = flags.port;
      started = performance.now();
      const answer = queryExposure(new PolicyEvaluator(view), settings, query);
      log.verbose(`loaded in ${(loadMs / 1000).toFixed(2)} s, answered in ${((performance.now() - started) / 1000).toFixed(2)} s (${answer.evaluatedContexts} evaluation contexts)`);
      // Names and descriptions come from the cloud: nothing in them may act on the terminal.
      if (flags.format === 'json') process.stdout.write(`${terminalSafeJson(JSON.stringify(answer, null, 2))}\n`);
      else if (flags.format === 'csv') process.stdout.write(terminalSafeText(formatExposureCsv(terminalSafeData(answer))));
      else process.stdout.write(terminalSafeText(formatExposureText(terminalSafeData(answer))));
    });
}
