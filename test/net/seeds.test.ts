/**
 * Evaluator fixtures taken from the seed documents (test/fixtures/net/seeds/*.yaml): each case is
 * an estate plus probes of single packets with the outcome the seed states. Probes only assert;
 * the evaluator computes exact sets and never samples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { decisionFor, EVAL_PROTOCOLS, type EvalProtocol } from '../../src/analyze/net/evaluate.js';
import { PolicyEvaluator } from '../../src/analyze/net/evaluator.js';
import { viewOf } from './estate.js';

const FOLDER = new URL('../fixtures/net/seeds/', import.meta.url).pathname;

const Probe = z.strictObject({
  eni: z.string(),
  direction: z.enum(['ingress', 'egress']),
  nic: z.enum(['internet', 'intranet']).optional(),
  /** "tcp/22 1.2.3.4", "icmp 10.0.0.5 by r-1": protocol[/port], the peer address, optionally the deciding rule id (or inner-access / default). */
  accepted: z.array(z.string()).default([]),
  denied: z.array(z.string()).default([]),
});
const SeedCase = z.strictObject({
  description: z.string(),
  seed: z.string(),
  estate: z.unknown(),
  probes: z.array(Probe).min(1),
});

function parseProbe(text: string): { protocol: EvalProtocol; port: number; address: string; by?: string } {
  const [traffic = '', address = '', keyword, by] = text.trim().split(/\s+/);
  if (keyword !== undefined && (keyword !== 'by' || by === undefined)) throw new Error(`bad probe "${text}"`);
  const [protocol = '', portText] = traffic.split('/');
  if (!(EVAL_PROTOCOLS as readonly string[]).includes(protocol)) throw new Error(`bad probe protocol in "${text}"`);
  return { protocol: protocol as EvalProtocol, port: portText === undefined ? 1 : Number(portText), address, by };
}

const files = readdirSync(FOLDER).filter((f) => f.endsWith('.yaml')).sort();

describe('seed scenarios', () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    const fixture = SeedCase.parse(parseYaml(readFileSync(join(FOLDER, file), 'utf8')));
    it(`${file}: ${fixture.description} (seed ${fixture.seed})`, () => {
      const view = viewOf(fixture.estate);
      // The ordering follows each ENI's account provider (Huawei fixtures say `provider: huaweicloud`).
      const evaluator = new PolicyEvaluator(view);
      for (const probe of fixture.probes) {
        const eni = view.enis.get(probe.eni);
        if (!eni) throw new Error(`${file}: no ENI ${probe.eni}`);
        const policy = evaluator.policyOf(eni.item, { direction: probe.direction, nic: probe.nic });
        for (const [expected, list] of [['accept', probe.accepted], ['drop', probe.denied]] as const) {
          for (const text of list) {
            const { protocol, port, address, by } = parseProbe(text);
            const piece = decisionFor(policy, protocol, port, address);
            const label = `${probe.eni} ${probe.direction} ${text}`;
            expect(piece, label).toBeDefined();
            expect({ packet: label, decision: piece?.decision, by: piece?.decidedBy.ruleId ?? piece?.decidedBy.kind }).toMatchObject(by === undefined ? { decision: expected } : { decision: expected, by });
          }
        }
      }
    });
  }
});
