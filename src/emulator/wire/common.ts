import type { Tags } from '../../model/snapshot.js';

/** ECS wraps every list in an object named after the element: `{ Tags: { Tag: [...] } }`. */
export function ecsTags(tags: Tags): { Tag: { TagKey: string; TagValue: string }[] } {
  return { Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) };
}

/** VPC spells tag fields Key/Value, not TagKey/TagValue. */
export function vpcTags(tags: Tags): { Tag: { Key: string; Value: string }[] } {
  return { Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

/** A stable fake timestamp derived from an id, so responses are deterministic. */
export function creationTimeFor(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  const day = hash % 1500;
  const date = new Date(Date.UTC(2021, 0, 1) + day * 86_400_000 + (hash % 86_400) * 1000);
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** ECS's MAC addresses are 00:16:3e:xx:xx:xx. */
export function macFor(id: string): string {
  let hash = 0x9e3779b9;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `00:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}
