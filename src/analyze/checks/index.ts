import { check as broadRule } from './broad-rule.js';
import { check as danglingReference } from './dangling-reference.js';
import { check as latentExposure } from './latent-exposure.js';
import { check as publicExposure } from './public-exposure.js';
import { check as publicIpInternalTier } from './public-ip-internal-tier.js';
import { check as shadowedRule } from './shadowed-rule.js';
import { check as tooManyGroups } from './too-many-groups.js';
import type { Check } from './types.js';
import { check as unparseableRule } from './unparseable-rule.js';
import { check as unusedGroup } from './unused-group.js';

/**
 * The check catalog: adding a check is adding its module here. Order is the order checks run
 * and are listed by `sgaudit checks`; findings are sorted independently of it.
 */
export const CATALOG: readonly Check[] = [publicExposure, latentExposure, shadowedRule, unusedGroup, broadRule, publicIpInternalTier, danglingReference, tooManyGroups, unparseableRule];

export const CHECK_IDS: readonly string[] = CATALOG.map((check) => check.meta.id);

export function findCheck(id: string): Check | undefined {
  return CATALOG.find((check) => check.meta.id === id);
}
