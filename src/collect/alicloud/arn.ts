/**
 * RAM role ARNs. Kept apart from the SDK clients so that commands which only parse flags (and
 * every command's start-up) do not load the Alibaba Cloud SDK packages (~0.8 s of CommonJS loading).
 */
export function roleArnFor(accountId: string, roleName: string): string {
  return `acs:ram::${accountId}:role/${roleName}`;
}

/** The account id inside `acs:ram::<id>:role/<name>`, if the ARN has that shape. */
export function accountIdFromRoleArn(roleArn: string): string | undefined {
  return /^acs:ram::([^:]+):role\//.exec(roleArn)?.[1];
}
