import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Snapshot } from '../../src/model/snapshot.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/drift');

/** A fixture snapshot parsed through the model (defaults applied), synchronously for table tests. */
export function fixtureSnapshot(name: string, side: 'old' | 'new' | 'live'): Snapshot {
  return Snapshot.parse(JSON.parse(readFileSync(join(FIXTURES, name, `${side}.json`), 'utf8')));
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
