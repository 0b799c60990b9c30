import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { canonicalQueryString, percentEncode } from '../../src/emulator/signature.js';
import { $Ecs, ecsClient } from './sdk-clients.js';
import { ACCOUNT, pagingEstate, REGION } from './estates.js';

interface SdkError {
  code: string;
  statusCode: number;
  data: { RequestId: string; HostId: string; Code: string; Message: string; Recommend: string };
}

async function sdkError(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

function rawPost(emulator: RunningEmulator, headers: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: emulator.port, method: 'POST', path: '/?RegionId=cn-hangzhou', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, string> }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ACS3-HMAC-SHA256 verification with the real ECS SDK', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate: pagingEstate({ extraGroups: 2 }), credentials: [{ ...DEMO_CREDENTIALS, accountId: ACCOUNT }] });
  });
  afterAll(() => emulator.close());

  it('accepts a correctly signed request and answers with a RequestId', async () => {
    const response = await ecsClient(emulator, DEMO_CREDENTIALS).describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(response.statusCode).toBe(200);
    expect(response.body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(response.body?.regions?.region?.map((r) => r.regionId)).toEqual([REGION]);
  });

  it('signs parameters with characters that need encoding (tags with spaces, *, JSON lists)', async () => {
    const response = await ecsClient(emulator, DEMO_CREDENTIALS).describeSecurityGroups(
      new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, securityGroupIds: '["sg-big", "sg-00001"]', tag: [new $Ecs.DescribeSecurityGroupsRequestTag({ key: "a b*c!'()", value: '~x/y' })] }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body?.securityGroups?.securityGroup).toEqual([]);
  });

  it('rejects a wrong secret with SignatureDoesNotMatch in the Alibaba error shape', async () => {
    const error = await sdkError(ecsClient(emulator, { accessKeyId: DEMO_CREDENTIALS.accessKeyId, accessKeySecret: 'wrong' }).describeRegions(new $Ecs.DescribeRegionsRequest({})));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.statusCode).toBe(400);
    expect(Object.keys(error.data).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(error.data.Code).toBe('SignatureDoesNotMatch');
    expect(error.data.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(error.data.HostId).toBe('ecs.aliyuncs.com');
    expect(emulator.stats().signatureFailures).toBeGreaterThan(0);
  });

  it('rejects an unknown key with InvalidAccessKeyId.NotFound (404)', async () => {
    const error = await sdkError(ecsClient(emulator, { accessKeyId: 'nobody', accessKeySecret: 'x' }).describeRegions(new $Ecs.DescribeRegionsRequest({})));
    expect([error.code, error.statusCode]).toEqual(['InvalidAccessKeyId.NotFound', 404]);
  });

  it('rejects unsigned and malformed Authorization headers', async () => {
    const unsigned = await rawPost(emulator, { 'x-acs-action': 'DescribeRegions', 'x-acs-version': '2014-05-26' });
    expect([unsigned.status, unsigned.body.Code]).toEqual([400, 'IncompleteSignature']);
    const wrongAlgorithm = await rawPost(emulator, { 'x-acs-action': 'DescribeRegions', 'x-acs-version': '2014-05-26', authorization: 'ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=00' });
    expect(wrongAlgorithm.body.Code).toBe('IncompleteSignature');
  });

  it('answers unknown actions 404 and unknown versions 400, both with RequestId', async () => {
    const unknownAction = await rawPost(emulator, { 'x-acs-action': 'RunInstances', 'x-acs-version': '2014-05-26' });
    expect([unknownAction.status, unknownAction.body.Code]).toEqual([404, 'InvalidAction.NotFound']);
    expect(unknownAction.body.RequestId).toBeTruthy();
    const unknownVersion = await rawPost(emulator, { 'x-acs-action': 'DescribeRegions', 'x-acs-version': '2099-01-01' });
    expect([unknownVersion.status, unknownVersion.body.Code]).toEqual([400, 'InvalidVersion']);
  });
});

describe('canonical query string', () => {
  it.each([
    [{ B: '2', A: '1' }, 'A=1&B=2'],
    [{ Tag: "a b*c!'()~" }, 'Tag=a%20b%2Ac%21%27%28%29~'],
    [{ Ids: '["sg-1"]' }, 'Ids=%5B%22sg-1%22%5D'],
    [{ Empty: '' }, 'Empty='],
  ])('%j → %s', (query, expected) => {
    expect(canonicalQueryString(query)).toBe(expected);
  });
  it('encodes like RFC 3986 (unreserved characters stay)', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
  });
});
