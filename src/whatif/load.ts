import { readFile, stat } from 'node:fs/promises';
import { fileProblem, SgauditError } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { parseChangeFile } from './change-file.js';
import type { ChangeSet } from './changes.js';
import { Draft } from './draft.js';
import { parseTerraformPlan } from './terraform-plan.js';

/** Plans of large configurations run to tens of megabytes; anything far beyond is the wrong file. */
const MAX_CHANGE_FILE_BYTES = 256 * 2 ** 20;

/**
 * Read a change source: a Terraform plan in JSON (an object with `format_version` and
 * `resource_changes`), else a YAML or JSON change file. `before` places new objects (the account
 * and region of a VPC) and decides what a plan's ids mean.
 */
export async function loadChangeSet(path: string, before: Snapshot): Promise<ChangeSet> {
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_CHANGE_FILE_BYTES) throw new SgauditError('USAGE', `${path}: ${(size / 2 ** 20).toFixed(0)} MB: far larger than a change file or a plan; is this the right file?`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SgauditError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'USAGE', `${path}: ${fileProblem(code) ?? `cannot read the change file (${code ?? String(error)})`}`, { cause: error });
  }
  const index = new Draft(before);
  const plan = asPlan(text);
  if (plan) return parseTerraformPlan(path, plan, index);
  return { kind: 'change-file', changes: parseChangeFile(text, path, index.vpcs), assumptions: [] };
}

function asPlan(text: string): Record<string, unknown> | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && 'format_version' in value && 'resource_changes' in value ? (value as Record<string, unknown>) : undefined;
}
