import type { Eip } from '../../model/snapshot.js';
import { pageByNumber } from '../paging.js';
import { wireVpcEip } from '../wire/eip.js';
import type { Handler } from './context.js';

/** VPC DescribeEipAddresses pages with PageNumber/PageSize only (PageSize at most 100, default 10). */
const VPC_EIP_PAGE_SIZE_LIMIT = 100;

/**
 * The filters both DescribeEipAddresses actions (VPC and the older ECS one) take; `Status` only
 * on VPC's. An EIP without a recorded status is InUse when bound, else Available.
 */
export function eipMatches(eip: Eip, params: Record<string, string>, options: { status: boolean }): boolean {
  return (
    (!params.AllocationId || eip.allocationId === params.AllocationId) &&
    (!params.EipAddress || eip.ip === params.EipAddress) &&
    (!options.status || !params.Status || (eip.status || (eip.boundInstanceId ? 'InUse' : 'Available')) === params.Status) &&
    (!params.AssociatedInstanceId || eip.boundInstanceId === params.AssociatedInstanceId) &&
    (!params.AssociatedInstanceType || eip.boundInstanceType === params.AssociatedInstanceType)
  );
}

export const describeVpcEipAddresses: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const all = region.region.eips.filter((eip) => eipMatches(eip, params, { status: true }));
  const page = pageByNumber(all, params, VPC_EIP_PAGE_SIZE_LIMIT);
  return {
    EipAddresses: { EipAddress: page.items.map((eip) => wireVpcEip(eip, context.regionId)) },
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    TotalCount: page.totalCount,
  };
};
