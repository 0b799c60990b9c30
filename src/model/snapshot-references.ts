import type { Snapshot } from './snapshot.js';

/**
 * What part of a snapshot holds and what it points at outside itself. Analysis looks resources up
 * by id across the whole snapshot, so work split by region equals work on the whole only when no
 * id one part refers to lives in another part (Alibaba never links resources across regions; a
 * snapshot that does anyway is processed in one piece). Ids found nowhere dangle either way.
 */
export function snapshotReferences(snapshot: Snapshot): { present: string[]; unresolved: string[] } {
  const present = new Set<string>();
  for (const account of snapshot.accounts) {
    for (const region of account.regions) {
      for (const group of region.securityGroups) present.add(group.id);
      for (const instance of region.instances) present.add(instance.id);
      for (const eni of region.networkInterfaces) present.add(eni.id);
      for (const list of region.prefixLists) present.add(list.id);
    }
  }
  const unresolved = new Set<string>();
  const refer = (id: string | undefined) => {
    if (id && !present.has(id)) unresolved.add(id);
  };
  for (const account of snapshot.accounts) {
    for (const region of account.regions) {
      for (const group of region.securityGroups) {
        for (const rule of group.rules) {
          for (const peer of [rule.source, rule.destination]) {
            refer(peer?.groupId);
            refer(peer?.prefixListId);
          }
        }
      }
      for (const instance of region.instances) for (const id of instance.securityGroupIds) refer(id);
      for (const eni of region.networkInterfaces) {
        refer(eni.instanceId);
        for (const id of eni.securityGroupIds) refer(id);
      }
      for (const eip of region.eips) refer(eip.boundInstanceId);
    }
  }
  return { present: [...present], unresolved: [...unresolved] };
}

/**
 * Given each part's references, the first id one part refers to that another part holds, or an id
 * two parts both hold; undefined when the parts are independent.
 */
export function crossPartReference(parts: readonly { present: readonly string[]; unresolved: readonly string[] }[]): string | undefined {
  const owner = new Map<string, number>();
  for (const [index, part] of parts.entries()) {
    for (const id of part.present) {
      if (owner.has(id)) return id;
      owner.set(id, index);
    }
  }
  for (const [index, part] of parts.entries()) {
    for (const id of part.unresolved) {
      const holder = owner.get(id);
      if (holder !== undefined && holder !== index) return id;
    }
  }
  return undefined;
}
