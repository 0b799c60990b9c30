import { createHash } from 'node:crypto';
import { Errors } from './errors.js';
import type { DirectoryIndex } from './resource-directory.js';
import type { EmulatorCredential, IssuedSession, StsOptions } from './types.js';

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

/**
 * Long-lived keys from the options plus the temporary keys AssumeRole has handed out. Temporary
 * keys really expire: a request signed with them after their expiry is refused
 * (InvalidSecurityToken.Expired), so a client that does not renew its sessions fails as it would
 * against the cloud.
 */
export class CredentialStore {
  private readonly principals = new Map<string, Principal>();
  private readonly issued: IssuedSession[] = [];
  private sessions = 0;

  constructor(
    credentials: EmulatorCredential[],
    private readonly accountIds: Set<string>,
    defaultAccountId: string,
    private readonly seed: number,
    private readonly options: { sts?: StsOptions; directory?: DirectoryIndex } = {},
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
    // expireEarlyMs: STS's clock runs ahead of the client's, so the session ends before the Expiration it announced.
    if (principal.expiresAt !== undefined && now > principal.expiresAt - (this.options.sts?.expireEarlyMs ?? 0)) throw Errors.securityTokenExpired();
  }

  /**
   * STS AssumeRole by a caller of `callerAccountId`. Refused with NoPermission when the role does
   * not trust the caller (a Resource Directory member's role trusts the management account) or
   * when the fault options deny the role; a member that is not active can still be assumed, as in
   * the cloud. The session lasts DurationSeconds (900–43200), or `sts.lifetimeSeconds` when shorter.
   */
  assumeRole(
    roleArn: string,
    sessionName: string,
    durationSeconds: number,
    now: number,
    access: { denied: Set<string>; callerAccountId: string },
  ): { principal: Principal; arn: string; roleId: string } {
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw Errors.invalidRoleArn(roleArn);
    const accountId = match[1] ?? '';
    if (!this.accountIds.has(accountId) && !this.options.directory?.isMember(accountId)) throw Errors.roleNotFound(roleArn);
    if (access.denied.has(accountId)) throw Errors.noPermission();
    if (this.options.directory && !this.options.directory.trusts(accountId, access.callerAccountId)) throw Errors.noPermission();
    if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION_S || durationSeconds > MAX_DURATION_S) throw Errors.invalidDuration(MIN_DURATION_S, MAX_DURATION_S);
    const lifetimeSeconds = Math.min(durationSeconds, this.options.sts?.lifetimeSeconds ?? durationSeconds);
    this.sessions += 1;
    const material = createHash('sha256').update(`${this.seed}:${roleArn}:${sessionName}:${this.sessions}`).digest();
    const principal: Principal = {
      accessKeyId: `STS.${material.subarray(0, 12).toString('hex').toUpperCase()}`,
      secret: material.subarray(12, 28).toString('base64url'),
      accountId,
      securityToken: `CAIS${createHash('sha256').update(material).digest('base64')}`,
      expiresAt: now + lifetimeSeconds * 1000,
    };
    this.principals.set(principal.accessKeyId, principal);
    this.issued.push({
      accessKeyId: principal.accessKeyId,
      accessKeySecret: principal.secret,
      securityToken: principal.securityToken as string,
      accountId,
      roleArn,
      sessionName,
      issuedAt: now,
      expiresAt: principal.expiresAt as number,
    });
    const roleId = String(300000000000000000n + BigInt(material.readUInt32BE(28)));
    return { principal, arn: `acs:ram::${accountId}:role/${match[2] ?? ''}/${sessionName}`, roleId: `${roleId}:${sessionName}` };
  }

  /** Every session AssumeRole handed out, in order. */
  issuedSessions(): IssuedSession[] {
    return this.issued.map((session) => ({ ...session }));
  }
}
