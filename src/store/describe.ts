import type { Coverage } from '../model/snapshot.js';
import type { StoredSnapshot } from './local.js';
import { terminalSafe } from '../util/terminal-safe.js';

/** One-word coverage verdict plus the incomplete scopes, for listings and banners. */
function summarizeCoverage(coverage: Coverage[]): { status: 'complete' | 'incomplete'; incomplete: Coverage[]; accounts: number; regions: number } {
  const incomplete = coverage.filter((entry) => entry.status !== 'complete');
  return {
    status: incomplete.length === 0 ? 'complete' : 'incomplete',
    incomplete,
    accounts: new Set(coverage.map((entry) => entry.accountId)).size,
    regions: new Set(coverage.map((entry) => `${entry.accountId}/${entry.regionId}`)).size,
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** Rows for `sgaudit snapshots list` (text form). */
export function formatSnapshotTable(snapshots: StoredSnapshot[]): string {
  // Names and coverage come from files and the cloud: one line per row, nothing acting on the terminal.
  const rows = snapshots.map((snapshot) => {
    const coverage = summarizeCoverage(snapshot.header.coverage);
    const cells = [
      snapshot.name,
      snapshot.header.takenAt,
      `${coverage.accounts} account(s) / ${coverage.regions} region(s)`,
      coverage.status === 'complete' ? 'complete' : `INCOMPLETE (${coverage.incomplete.map((c) => `${c.accountId}/${c.regionId}/${c.api}: ${c.status}`).join(', ')})`,
      formatBytes(snapshot.bytes),
    ];
    return cells.map((cell) => terminalSafe(cell));
  });
  const header = ['NAME', 'TAKEN AT', 'SCOPE', 'COVERAGE', 'SIZE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
