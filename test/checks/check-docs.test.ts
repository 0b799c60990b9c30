import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/analyze/checks/index.js';
import { renderCheckDoc } from './check-docs.js';

const repoRoot = new URL('../../', import.meta.url).pathname;

describe('check doc pages', () => {
  it.each(CATALOG.map((check) => [check.meta.id, check] as const))('docs/checks/%s.md exists and matches the metadata', (_id, check) => {
    const file = join(repoRoot, check.meta.docs);
    const expected = renderCheckDoc(check.meta);
    if (process.env.UPDATE_GENERATED === '1') {
      mkdirSync(join(repoRoot, 'docs/checks'), { recursive: true });
      writeFileSync(file, expected);
    }
    expect(existsSync(file), `${check.meta.docs} is missing (UPDATE_GENERATED=1 writes it)`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});
