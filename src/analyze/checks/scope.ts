/**
 * Limits a check run to some resources: `whatif` re-analyses only what a change can affect, on the
 * snapshot before and after it. A check visits only the interfaces, groups or instances listed
 * here (each check reads the kind its findings are about); without a scope it visits everything.
 */
export interface CheckScope {
  enis: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  instances: ReadonlySet<string>;
}

export function inScope(ids: ReadonlySet<string> | undefined, id: string): boolean {
  return ids === undefined || ids.has(id);
}
