import type { PortSpec } from './settings.js';
import { Protocol } from '../model/snapshot.js';

/** Shape an editor can check before sgaudit runs; `parsePortSpec` does the range checks. */
export const PORT_SPEC_PATTERN = /^(all|[a-z0-9]+)(\/\d+(-\d+)?)?$/i;

const PORTED_PROTOCOLS = new Set(['tcp', 'udp']);

/**
 * Parse `tcp/22`, `tcp/8000-8100`, `udp/500-501`, `tcp` (every tcp port) or `all` (every protocol and port).
 * Protocols without ports (icmp, gre …) take the full range, mirroring how the snapshot model normalizes them.
 * Returns the spec or a one-line problem; never throws, so the config validator can report all problems at once.
 */
export function parsePortSpec(text: string): { spec: PortSpec } | { problem: string } {
  const trimmed = text.trim().toLowerCase();
  const [protocolText = '', portText, ...rest] = trimmed.split('/');
  if (rest.length > 0) return { problem: `"${text}" has more than one "/"; expected protocol/port, e.g. tcp/22` };
  const protocol = Protocol.safeParse(protocolText);
  if (!protocol.success) return { problem: `"${text}": unknown protocol "${protocolText}" (expected one of ${Protocol.options.join(', ')})` };
  if (portText === undefined) return { spec: { protocol: protocol.data, from: 1, to: 65535 } };
  if (!PORTED_PROTOCOLS.has(protocol.data)) return { problem: `"${text}": ports only apply to tcp and udp, write "${protocol.data}" alone` };
  const match = /^(\d+)(?:-(\d+))?$/.exec(portText);
  if (!match) return { problem: `"${text}": port must be a number or a range like 8000-8100` };
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  for (const port of [from, to]) {
    if (port < 1 || port > 65535) return { problem: `"${text}": port ${port} is outside 1-65535` };
  }
  if (from > to) return { problem: `"${text}": range start ${from} is above its end ${to}` };
  return { spec: { protocol: protocol.data, from, to } };
}

/** For callers that already validated the text (the config schema did): throws on a bad spec. */
export function portSpecOrThrow(text: string, name?: string): PortSpec {
  const parsed = parsePortSpec(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return name === undefined ? parsed.spec : { ...parsed.spec, name };
}

/** `tcp/22`, `tcp/8000-8100`, `all`: the inverse of parsePortSpec, for messages. */
export function formatPortSpec(spec: Pick<PortSpec, 'protocol' | 'from' | 'to'>): string {
  if (spec.protocol === 'all') return 'all';
  if (!PORTED_PROTOCOLS.has(spec.protocol)) return spec.protocol;
  if (spec.from === 1 && spec.to === 65535) return `${spec.protocol}/1-65535`;
  return spec.from === spec.to ? `${spec.protocol}/${spec.from}` : `${spec.protocol}/${spec.from}-${spec.to}`;
}
