import { SnapshotView } from '../../src/analyze/view.js';
import { Estate, SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';

/** A view over an estate (zod fills defaults), as the analyzer would build it from a snapshot. */
export function viewOf(estate: unknown): SnapshotView {
  const parsed = Estate.parse(estate);
  const snapshot: Snapshot = {
    schema: SNAPSHOT_SCHEMA,
    id: 'test',
    takenAt: '2025-06-01T00:00:00.000Z',
    tool: { name: 'sgaudit', version: 'test' },
    provider: 'alicloud',
    coverage: [],
    accounts: parsed.accounts,
  };
  return new SnapshotView(snapshot);
}
