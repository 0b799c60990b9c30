import { Errors } from './errors.js';
import { hashString } from './random.js';

/**
 * Paging as the real APIs do it. ECS lists use NextToken/MaxResults (an opaque token, "" on the
 * last page); the older PageNumber/PageSize style still works on some ECS lists and is the only
 * style of VPC DescribeEipAddresses.
 */
export interface TokenPaging {
  maxResultsLimit: number;
  defaultMaxResults: number;
}

export interface Page<T> {
  items: T[];
  nextToken: string;
  maxResults: number;
}

/** The token is bound to the query it continues (scope), so a token from another list is rejected. */
function encodeToken(offset: number, scope: string): string {
  return `${hashString(scope).toString(16).padStart(8, '0')}${offset.toString(16).padStart(8, '0')}`;
}

function decodeToken(token: string, scope: string): number {
  if (!/^[0-9a-f]{16}$/.test(token) || token.slice(0, 8) !== hashString(scope).toString(16).padStart(8, '0')) throw Errors.invalidNextToken();
  return Number.parseInt(token.slice(8), 16);
}

function parsePositiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

export function pageByToken<T>(all: readonly T[], params: Record<string, string>, paging: TokenPaging, scope: string): Page<T> {
  const requested = parsePositiveInt(params.MaxResults);
  if (requested !== undefined && !(requested >= 1 && requested <= paging.maxResultsLimit)) throw Errors.invalidMaxResults();
  const maxResults = requested ?? paging.defaultMaxResults;
  const token = params.NextToken ?? '';
  const offset = token === '' ? 0 : decodeToken(token, scope);
  if (offset > all.length) throw Errors.invalidNextToken();
  const end = Math.min(all.length, offset + maxResults);
  return { items: all.slice(offset, end), nextToken: end < all.length ? encodeToken(end, scope) : '', maxResults };
}

export interface NumberedPage<T> {
  items: T[];
  pageNumber: number;
  pageSize: number;
  totalCount: number;
}

export function pageByNumber<T>(all: readonly T[], params: Record<string, string>, pageSizeLimit: number, defaultPageSize = 10): NumberedPage<T> {
  const pageSize = parsePositiveInt(params.PageSize) ?? defaultPageSize;
  if (!(pageSize >= 1 && pageSize <= pageSizeLimit)) throw Errors.invalidPageSize();
  const pageNumber = parsePositiveInt(params.PageNumber) ?? 1;
  if (!(pageNumber >= 1)) throw Errors.invalidPageNumber();
  const start = (pageNumber - 1) * pageSize;
  return { items: all.slice(start, start + pageSize), pageNumber, pageSize, totalCount: all.length };
}

/** ECS lists that accept both styles answer in PageNumber style only when asked for it and no token style is used. */
export function usesPageNumber(params: Record<string, string>): boolean {
  return (params.PageNumber !== undefined || params.PageSize !== undefined) && params.NextToken === undefined && params.MaxResults === undefined;
}
