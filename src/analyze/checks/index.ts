import { check as broadRule } from './broad-rule/index.js';
import { check as danglingReference } from './dangling-reference/index.js';
import { check as latentExposure } from './latent-exposure/index.js';
import { check as publicExposure } from './public-exposure/index.js';
import { check as publicIpInternalTier } from './public-ip-internal-tier/index.js';
import { check as shadowedRule } from './shadowed-rule/index.js';
import { check as tooManyGroups } from './too-many-groups/index.js';
import type { Check } from './types.js';
import { check as unparseableRule } from './unparseable-rule/index.js';
import { check as unusedGroup } from './unused-group/index.js';

/**
 * The check catalog: a check is a folder `checks/<id>/` (its module `index.ts` with metadata and
 * run function, and its `fixtures/`), and adding one is adding its module here. Order is the order checks run
 * and are listed by `sgaudit checks`; findings are sorted independently of it.
 */
export const CATALOG: readonly Check[] = [publicExposure, latentExposure, shadowedRule, unusedGroup, broadRule, publicIpInternalTier, danglingReference, tooManyGroups, unparseableRule];

export function findCheck(id: string): Check | undefined {
  return CATALOG.find((check) => check.meta.id === id);
}
