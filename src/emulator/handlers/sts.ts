import { Errors } from '../errors.js';
import type { Handler } from './context.js';

/**
 * STS AssumeRole: hands out temporary keys that see the role's account estate, if the role trusts
 * the caller. Expiration is UTC to the second, as STS writes it.
 */
export const assumeRole: Handler = (context) => {
  const roleArn = context.params.RoleArn;
  const sessionName = context.params.RoleSessionName;
  if (!roleArn) throw Errors.missingParameter('RoleArn');
  if (!sessionName) throw Errors.missingParameter('RoleSessionName');
  const duration = context.params.DurationSeconds === undefined ? 3600 : Number(context.params.DurationSeconds);
  const denied = new Set(context.faults.denyAssumeRoleAccounts ?? []);
  const { principal, arn, roleId } = context.credentials.assumeRole(roleArn, sessionName, duration, context.now, { denied, callerAccountId: context.principal.accountId });
  return {
    AssumedRoleUser: { Arn: arn, AssumedRoleId: roleId },
    Credentials: {
      AccessKeyId: principal.accessKeyId,
      AccessKeySecret: principal.secret,
      SecurityToken: principal.securityToken ?? '',
      Expiration: `${new Date(principal.expiresAt ?? context.now).toISOString().slice(0, 19)}Z`,
    },
    SourceIdentity: '',
  };
};

/**
 * STS GetCallerIdentity: which account the caller's keys belong to. Every RAM identity may call
 * it. Temporary credentials answer as the assumed role, long-term keys as a RAM user.
 */
export const getCallerIdentity: Handler = (context) => {
  const { principal } = context;
  const assumed = principal.securityToken !== undefined;
  return {
    AccountId: principal.accountId,
    Arn: assumed ? `acs:ram::${principal.accountId}:assumed-role/sgaudit-emulator/${principal.accessKeyId}` : `acs:ram::${principal.accountId}:user/sgaudit-emulator`,
    IdentityType: assumed ? 'AssumedRoleUser' : 'RAMUser',
    PrincipalId: principal.accessKeyId,
    UserId: assumed ? '' : principal.accessKeyId,
    RoleId: '',
  };
};
