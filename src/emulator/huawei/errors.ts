import { randomUUID } from 'node:crypto';

/**
 * An error answered in Huawei Cloud's shape: `{error_code, error_msg, request_id}` with the HTTP
 * status, and the request id also in `X-Request-Id`, where the SDK reads it into its exception.
 * Codes are the API gateway's (APIGW.*) and the services' documented style; not every one was
 * checked against a live account.
 */
export class HuaweiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Huawei request ids are 32 hex digits. */
export function newHuaweiRequestId(): string {
  return randomUUID().replaceAll('-', '');
}

export function huaweiErrorBody(error: HuaweiError, requestId: string): Record<string, string> {
  return { error_code: error.code, error_msg: error.message, request_id: requestId };
}

export const HuaweiErrors = {
  notFound: (path: string) => new HuaweiError(404, 'APIGW.0101', `The API does not exist or has not been published in the environment: ${path}`),
  unsigned: () => new HuaweiError(401, 'APIGW.0301', 'Incorrect IAM authentication information: Authorization header missing or not SDK-HMAC-SHA256.'),
  unknownKey: () => new HuaweiError(401, 'APIGW.0301', 'Incorrect IAM authentication information: ak not found.'),
  badSignature: () => new HuaweiError(401, 'APIGW.0301', 'Incorrect IAM authentication information: verify aksk signature fail.'),
  dateExpired: () => new HuaweiError(401, 'APIGW.0301', 'Incorrect IAM authentication information: X-Sdk-Date is missing or more than 15 minutes off.'),
  wrongProject: () => new HuaweiError(403, 'APIGW.0302', 'The IAM user is not authorized to access the project.'),
  forbiddenRegion: () => new HuaweiError(403, 'APIGW.0302', 'The IAM user is forbidden in the currently selected region.'),
  throttled: () => new HuaweiError(429, 'APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit.'),
  internalError: () => new HuaweiError(500, 'SYS.0500', 'Internal server error.'),
  serviceUnavailable: () => new HuaweiError(503, 'APIGW.0203', 'Backend unavailable.'),
  invalidParameter: (name: string, value: string) => new HuaweiError(400, 'VPC.0002', `Invalid parameter ${name}: ${value}`),
  invalidMarker: (marker: string) => new HuaweiError(400, 'VPC.0002', `Invalid marker: ${marker} does not exist.`),
};
