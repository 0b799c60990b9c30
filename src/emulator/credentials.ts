import { createHash } from 'node:crypto';
import { ApiError, Errors } from './errors.js';
import type { EmulatorCredential } from './types.js';

export interface Principal {
  accessKeyId: string;
  secret: string;
  accountId: string;
  /** Set for STS temporary credentials; requests must present it in x-acs-security-token. */
  securityToken?: string;
  expiresAt?: number;
}

const ROLE_ARN = /^acs:ram::(\d+|[A-Za-z0-9-]+):role\/([A-Za-z0-9._@-]{1,64})$/;
const MIN_DURATION_S = 900;
const MAX_DURATION_S = 43200;

/** Long-lived keys from the options plus the temporary keys AssumeRole has handed out. */
export class CredentialStore {
  private readonly principals = new Map<string, Principal>();
  private sessions = 0;

  constructor(
    credentials: EmulatorCredential[],
    private readonly accountIds: Set<string>,
    private readonly defaultAccountId: string,
    private readonly seed: number,
  ) {
    for (const credential of credentials) {
      const accountId = credential.accountId ?? defaultAccountId;
      this.principals.set(credential.accessKeyId, { accessKeyId: credential.accessKeyId, secret: credential.accessKeySecret, accountId });
    }
  }

  lookup(accessKeyId: string): Principal {
    const principal = this.principals.get(accessKeyId);
    if (!principal) throw Errors.accessKeyNotFound();
    return principal;
  }

  /** Checks x-acs-security-token for temporary keys (and its absence does not matter for long-lived keys). */
  checkToken(principal: Principal, token: string | undefined, now: number): void {
    if (principal.securityToken === undefined) return;
    if (token !== principal.securityToken) throw Errors.securityTokenMismatch();
    if (principal.expiresAt !== undefined && now > principal.expiresAt) throw Errors.securityTokenExpired();
  }

  assumeRole(roleArn: string, sessionName: string, durationSeconds: number, now: number, denied: Set<string>): { principal: Principal; arn: string; roleId: string } {
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw Errors.invalidRoleArn(roleArn);
    const accountId = match[1] ?? '';
    if (!this.accountIds.has(accountId)) throw Errors.roleNotFound(roleArn);
    if (denied.has(accountId)) throw Errors.noPermission();
    if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION_S || durationSeconds > MAX_DURATION_S) {
      throw new ApiError(400, 'InvalidParameter.DurationSeconds', `The parameter DurationSeconds must be between ${MIN_DURATION_S} and ${MAX_DURATION_S}.`);
    }
    this.sessions += 1;
    const material = createHash('sha256').update(`${this.seed}:${roleArn}:${sessionName}:${this.sessions}`).digest();
    const principal: Principal = {
      accessKeyId: `STS.${material.subarray(0, 12).toString('hex').toUpperCase()}`,
      secret: material.subarray(12, 28).toString('base64url'),
      accountId,
      securityToken: `CAIS${createHash('sha256').update(material).digest('base64')}`,
      expiresAt: now + durationSeconds * 1000,
    };
    this.principals.set(principal.accessKeyId, principal);
    const roleId = String(300000000000000000n + BigInt(material.readUInt32BE(28)));
    return { principal, arn: `acs:ram::${accountId}:role/${match[2] ?? ''}/${sessionName}`, roleId: `${roleId}:${sessionName}` };
  }
}
