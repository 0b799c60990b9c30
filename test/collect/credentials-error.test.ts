import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { SgauditError } from '../../src/model/errors.js';

/**
 * Missing credentials end in what to provide, not in the credentials library's run-on chain
 * (`… getaddrinfo ENOTFOUND undefinedGET https://undefined/ failed.`). The ECS metadata service is
 * switched off so the chain never leaves this machine.
 */
const KEYS = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_CREDENTIALS_FILE', 'ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE', 'ALIBABA_CLOUD_ECS_METADATA', 'ALIBABA_CLOUD_PROFILE', 'HOME', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED'];
let saved: Record<string, string | undefined>;
let home: string;

beforeEach(async () => {
  saved = Object.fromEntries(KEYS.map((key) => [key, process.env[key]]));
  home = await mkdtemp(join(tmpdir(), 'sgaudit-nocreds-'));
  for (const key of KEYS) delete process.env[key];
  process.env.HOME = home;
  process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
});
afterEach(async () => {
  for (const key of KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await rm(home, { recursive: true, force: true });
});

describe('no credentials anywhere', () => {
  it('says what was tried and how to provide them, in one line, and writes nothing', async () => {
    const out = join(home, 'snapshot.jsonl.gz');
    const error = await collectSnapshot({ endpoint: 'http://127.0.0.1:9', regions: ['cn-hangzhou'], out }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SgauditError);
    const { message, hint, exitCode } = error as SgauditError;
    expect(message).toBe('no Alibaba Cloud credentials found (tried the environment, ~/.aliyun/config.json, ~/.alibabacloud/credentials and the ECS instance RAM role)');
    expect(hint).toMatch(/ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.*docs\/permissions\.md/);
    expect(message).not.toMatch(/undefined|\n/);
    expect(exitCode).toBe(2);
  });
});
