import { openLocalStore } from '../store/index.js';

/**
 * `previous`: the newest stored snapshot taken before the current one. `approved` is resolved by
 * the baseline store when present.
 */
export async function resolveBaselineForScan(storeDir: string, against: 'approved' | 'previous', currentPath: string): Promise<string | undefined> {
  if (against === 'previous') {
    const { snapshots } = await openLocalStore(storeDir).list();
    const older = snapshots.filter((snapshot) => snapshot.path !== currentPath);
    return older.at(-1)?.path;
  }
  return undefined;
}
