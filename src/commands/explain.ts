import type { Command } from 'commander';
import { explain, ExplainTargetError, formatExplanation, type ExplainQuery } from '../analyze/explain.js';
import { EVAL_PROTOCOLS, type EvalProtocol } from '../analyze/net/evaluate.js';
import { PolicyEvaluator } from '../analyze/net/evaluator.js';
import { SnapshotView } from '../analyze/view.js';
import { SgauditError } from '../model/errors.js';
import { readSnapshot } from '../model/snapshot-file.js';
import { log } from '../util/log.js';
import { option } from './flags.js';
import { snapshotArgument } from './inputs.js';
import { closestIds, didYouMean } from './suggest.js';
import { terminalSafeData, terminalSafeJson, terminalSafeText } from '../util/terminal-safe.js';

interface ExplainFlags {
  direction: string;
  packet?: string;
  from?: string;
  format: string;
}

/** `tcp/22` → protocol and port; protocols without ports take `icmp` alone. */
function parsePacket(text: string): { protocol: EvalProtocol; port: number } {
  const [protocol, portText] = text.toLowerCase().split('/');
  if (!protocol || !(EVAL_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new SgauditError('USAGE', `--packet: protocol must be one of ${EVAL_PROTOCOLS.join(', ')}, got "${text}"`);
  }
  const port = portText === undefined ? 0 : Number(portText);
  if ((protocol === 'tcp' || protocol === 'udp') && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new SgauditError('USAGE', `--packet: expected tcp/PORT or udp/PORT with a port 1–65535, got "${text}"`);
  }
  return { protocol: protocol as EvalProtocol, port };
}

/** The usage error for an id the snapshot does not have, naming the ids that look like it. */
function unknownTarget(snapshotPath: string, view: SnapshotView, target: string): SgauditError {
  const suggestions = closestIds(target, [...view.enis.keys(), ...view.enisByInstance.keys()]);
  return new SgauditError('USAGE', `${snapshotPath}: no network interface or instance "${target}" in the snapshot${didYouMean(suggestions)}`, {
    ...(suggestions.length ? {} : { hint: 'give an ENI id (eni-…) or an instance id (i-…) of this snapshot; findings name them as their resource' }),
  });
}

export function register(program: Command): void {
  program
    .command('explain')
    .description('show what one network interface (or instance) really accepts, or the decision for one packet, with the rules that prove it')
    .argument('<snapshot>', 'snapshot file, or a store directory for its newest snapshot')
    .argument('<target>', 'ENI id, or instance id (its primary interface)')
    .option('--direction <direction>', 'ingress | egress', 'ingress')
    .option('--packet <protocol/port>', 'one packet to decide, e.g. tcp/22 (needs --from)')
    .option('--from <address>', 'the remote address of the packet (source for ingress, destination for egress)')
    .addOption(option.textOrJson())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit explain snapshots/ i-bp1web0000000000001',
        '  sgaudit explain snapshots/ eni-bp1dbmysql000000001 --packet tcp/3306 --from 203.0.113.9',
        '  sgaudit explain snapshots/ i-bp1bastion00000001 --direction egress --format json',
      ].join('\n'),
    )
    .action(async (snapshotArg: string, target: string, flags: ExplainFlags) => {
      if (flags.direction !== 'ingress' && flags.direction !== 'egress') throw new SgauditError('USAGE', `--direction must be ingress or egress, got "${flags.direction}"`);
      if ((flags.packet === undefined) !== (flags.from === undefined)) throw new SgauditError('USAGE', '--packet and --from go together');
      const query: ExplainQuery = { target, direction: flags.direction };
      if (flags.packet && flags.from) query.packet = { ...parsePacket(flags.packet), address: flags.from };
      const snapshotPath = await snapshotArgument(snapshotArg);
      const view = new SnapshotView(await readSnapshot(snapshotPath));
      if (!view.enis.has(target) && !view.enisByInstance.get(target)?.length) throw unknownTarget(snapshotPath, view, target);
      const started = performance.now();
      let explanation;
      try {
        explanation = explain(new PolicyEvaluator(view), query);
      } catch (error) {
        if (error instanceof ExplainTargetError) throw new SgauditError('USAGE', `${snapshotPath}: ${error.message}`);
        throw error;
      }
      log.verbose(`evaluated in ${(performance.now() - started).toFixed(1)} ms`);
      // Group names and rule descriptions come from the cloud: nothing in them may act on the terminal.
      process.stdout.write(flags.format === 'json' ? `${terminalSafeJson(JSON.stringify(explanation, null, 2))}\n` : `${terminalSafeText(formatExplanation(terminalSafeData(explanation)))}\n`);
    });
}
