import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Snapshot } from '../../src/model/snapshot.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/whatif');

/** The estate every what-if fixture applies to, parsed through the model. */
export function estate(): Snapshot {
  return Snapshot.parse(JSON.parse(readFileSync(join(FIXTURES, 'estate.json'), 'utf8')));
}

/** Freezes every object of the value, so that a write into it throws (ES modules are strict). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
