/** The emulator's Huawei Cloud side as a client meets it: errors in Huawei's shape with a request id, paging bounds, projects bound to keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { huaweiProjectId, mixedSampleEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const ACCOUNT = 'hw-0a1b2c3d4e5f6071';
const REGION = 'cn-north-4';

describe('Huawei Cloud emulator', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate: mixedSampleEstate() });
  });
  afterAll(async () => {
    await emulator.close();
  });

  async function vpcClient(secret?: string) {
    const core = await import('@huaweicloud/huaweicloud-sdk-core');
    const vpc = await import('@huaweicloud/huaweicloud-sdk-vpc');
    const key = emulator.huaweiCredentials()[0]!;
    const credentials = new core.BasicCredentials().withAk(key.accessKeyId).withSk(secret ?? key.secretAccessKey).withProjectId(huaweiProjectId(ACCOUNT, REGION));
    const client = vpc.v3.VpcClient.newBuilder().withCredential(credentials).withEndpoint(emulator.url).build();
    // The SDK logs failures to the console; the collector silences it the same way.
    (client as unknown as { hcClient: { httpClient: { _logger: { setLevel(level: string): void } } } }).hcClient.httpClient._logger.setLevel('off');
    return { client, vpc };
  }

  it('answers unknown paths and unsigned requests in Huawei’s error shape, with X-Request-Id', async () => {
    const unknown = await fetch(`${emulator.url}/v3/${huaweiProjectId(ACCOUNT, REGION)}/vpc/nothing-here`);
    expect(unknown.status).toBe(404);
    const body = (await unknown.json()) as Record<string, string>;
    expect(body).toMatchObject({ error_code: 'APIGW.0101' });
    expect(unknown.headers.get('x-request-id')).toBe(body.request_id);
    const unsigned = await fetch(`${emulator.url}/v3/${huaweiProjectId(ACCOUNT, REGION)}/vpc/security-groups`);
    expect([unsigned.status, ((await unsigned.json()) as Record<string, string>).error_code]).toEqual([401, 'APIGW.0301']);
  });

  it('pages with limit and marker through the SDK, and refuses a marker that is not an item and a limit above 2000', async () => {
    const { client, vpc } = await vpcClient();
    const first = (await client.listSecurityGroups(new vpc.v3.ListSecurityGroupsRequest().withLimit(3))) as unknown as { security_groups: { id: string }[]; page_info: { next_marker?: string } };
    expect(first.security_groups.map((group) => group.id)).toEqual(['hw-sg-web', 'hw-sg-lockdown', 'hw-sg-db']);
    expect(first.page_info.next_marker).toBe('hw-sg-db');
    const second = (await client.listSecurityGroups(new vpc.v3.ListSecurityGroupsRequest().withLimit(3).withMarker('hw-sg-db'))) as unknown as { security_groups: { id: string }[]; page_info: { next_marker?: string } };
    expect(second.security_groups.map((group) => group.id)).toEqual(['hw-sg-unused']);
    expect(second.page_info.next_marker).toBeUndefined();
    await expect(client.listSecurityGroups(new vpc.v3.ListSecurityGroupsRequest().withMarker('sg-none'))).rejects.toMatchObject({ httpStatusCode: 400, errorCode: 'VPC.0002', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await expect(client.listSecurityGroups(new vpc.v3.ListSecurityGroupsRequest().withLimit(2001))).rejects.toMatchObject({ httpStatusCode: 400, errorCode: 'VPC.0002' });
  });

  it('binds projects to their account and verifies the signature', async () => {
    const { client, vpc } = await vpcClient('not-the-secret');
    await expect(client.listSecurityGroups(new vpc.v3.ListSecurityGroupsRequest())).rejects.toMatchObject({ httpStatusCode: 401, errorCode: 'APIGW.0301' });
    const foreign = await fetch(`${emulator.url}/v3/${huaweiProjectId('1234567890123456', REGION)}/vpc/security-groups`, { headers: { authorization: 'SDK-HMAC-SHA256 Access=x, SignedHeaders=host;x-sdk-date, Signature=00' } });
    expect(foreign.status).toBe(401);
    expect(emulator.stats().byAction.ListSecurityGroups).toBeGreaterThan(0);
  });
});
