import { pageByNumber } from '../paging.js';
import { wireVpcEip } from '../wire/eip.js';
import type { Handler } from './context.js';

/** VPC DescribeEipAddresses pages with PageNumber/PageSize only (PageSize at most 100, default 10). */
export const VPC_EIP_PAGE_SIZE_LIMIT = 100;

export const describeVpcEipAddresses: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const all = region.region.eips.filter(
    (eip) =>
      (!params.AllocationId || eip.allocationId === params.AllocationId) &&
      (!params.EipAddress || eip.ip === params.EipAddress) &&
      (!params.Status || (eip.status || (eip.boundInstanceId ? 'InUse' : 'Available')) === params.Status) &&
      (!params.AssociatedInstanceId || eip.boundInstanceId === params.AssociatedInstanceId) &&
      (!params.AssociatedInstanceType || eip.boundInstanceType === params.AssociatedInstanceType),
  );
  const page = pageByNumber(all, params, VPC_EIP_PAGE_SIZE_LIMIT);
  return {
    EipAddresses: { EipAddress: page.items.map((eip) => wireVpcEip(eip, context.regionId)) },
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    TotalCount: page.totalCount,
  };
};
