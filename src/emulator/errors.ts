import { randomUUID } from 'node:crypto';

/**
 * An error answered in Alibaba Cloud's shape. The SDK reads `Code`, `Message` and `RequestId`
 * from the body and `x-acs-retry-after` from the headers.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

export function errorBody(error: ApiError, requestId: string, host: string): Record<string, string> {
  return {
    RequestId: requestId,
    HostId: host,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Ecs&requestId=${requestId}`,
  };
}

/** The errors the emulator answers, with the status and wording of the real services. */
export const Errors = {
  missingParameter: (name: string) => new ApiError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  invalidParameter: (name: string, value: string) => new ApiError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid: ${value}`),
  invalidMaxResults: () => new ApiError(400, 'InvalidMaxResults.Malformed', 'The specified parameter MaxResults is not valid.'),
  invalidNextToken: () => new ApiError(400, 'InvalidNextToken.Malformed', 'The specified parameter NextToken is not valid.'),
  invalidPageSize: () => new ApiError(400, 'InvalidPageSize.Malformed', 'The specified parameter PageSize is not valid.'),
  invalidPageNumber: () => new ApiError(400, 'InvalidPageNumber.Malformed', 'The specified parameter PageNumber is not valid.'),
  unknownRegion: (regionId: string) => new ApiError(400, 'InvalidRegionId.NotFound', `The specified RegionId does not exist: ${regionId}`),
  groupNotFound: () => new ApiError(404, 'InvalidSecurityGroupId.NotFound', 'The specified SecurityGroupId does not exist.'),
  prefixListNotFound: () => new ApiError(404, 'InvalidPrefixListId.NotFound', 'The specified prefix list does not exist.'),
  unknownAction: (action: string, version: string) =>
    new ApiError(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method. Action: ${action}, Version: ${version}`),
  unknownVersion: (version: string) => new ApiError(400, 'InvalidVersion', `Specified parameter Version is not valid: ${version}`),
  missingAction: () => new ApiError(400, 'MissingAction', 'Action is mandatory for this request.'),
  incompleteSignature: (why: string) => new ApiError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards. ${why}`),
  signatureMismatch: () => new ApiError(400, 'SignatureDoesNotMatch', 'Specified signature does not match our calculation.'),
  contentHashMismatch: () => new ApiError(400, 'SignatureDoesNotMatch', 'The x-acs-content-sha256 header does not match the request body.'),
  accessKeyNotFound: () => new ApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
  timestampExpired: () => new ApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
  nonceUsed: () => new ApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'),
  securityTokenMismatch: () => new ApiError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.'),
  securityTokenExpired: () => new ApiError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.'),
  throttled: (retryAfterMs?: number) =>
    new ApiError(400, 'Throttling.User', 'Request was denied due to user flow control.', retryAfterMs === undefined ? {} : { 'x-acs-retry-after': String(retryAfterMs) }),
  internalError: () => new ApiError(500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.'),
  serviceUnavailable: () => new ApiError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'),
  forbiddenRegion: () => new ApiError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource, or this API doesn\'t support RAM.'),
  roleNotFound: (arn: string) => new ApiError(404, 'EntityNotExist.Role', `The role not exists: ${arn}.`),
  invalidRoleArn: (arn: string) => new ApiError(400, 'InvalidParameter.RoleArn', `The parameter RoleArn is wrongly formed: ${arn}.`),
  noPermission: () => new ApiError(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.'),
  invalidDuration: (min: number, max: number) => new ApiError(400, 'InvalidParameter.DurationSeconds', `The parameter DurationSeconds must be between ${min} and ${max}.`),
  directoryNotEnabled: () =>
    new ApiError(404, 'EntityNotExists.ResourceDirectory', 'The resource directory for the account is not enabled. We recommend that you first enable the resource directory for the account.'),
  memberAccountAccessDenied: () => new ApiError(403, 'MemberAccountAccessDenied', 'The member account is not allowed to perform the operation.'),
};
