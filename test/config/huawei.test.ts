import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { SgauditError } from '../../src/model/errors.js';
import { collectOptionsFromConfig } from '../../src/pipeline/collect-options.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const CONFIG = `
huaweicloud:
  accounts:
    - id: hw-prod
      alias: prod
      projects: { cn-north-4: ${PROJECT} }
    - id: hw-dev
      accessKeyIdEnv: DEV_AK
      secretAccessKeyEnv: DEV_SK
      projects: { ap-southeast-1: ${PROJECT} }
`;

function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SgauditError);
    return (error as SgauditError).message;
  }
  throw new Error('no error');
}

describe('Huawei Cloud configuration', () => {
  it('a huaweicloud section adds Huawei to Alibaba; AK/SK come from the environment variables it names', () => {
    const env = { HUAWEICLOUD_SDK_AK: 'AK1', HUAWEICLOUD_SDK_SK: 'SK1', DEV_AK: 'AK2', DEV_SK: 'SK2' };
    const options = collectOptionsFromConfig(parseConfigText(CONFIG, 'x.yaml'), {}, env);
    expect(options.providers).toEqual(['alicloud', 'huaweicloud']);
    expect(options.huawei?.accounts).toEqual([
      { accountId: 'hw-prod', alias: 'prod', accessKeyId: 'AK1', secretAccessKey: 'SK1', projects: { 'cn-north-4': PROJECT } },
      { accountId: 'hw-dev', accessKeyId: 'AK2', secretAccessKey: 'SK2', projects: { 'ap-southeast-1': PROJECT } },
    ]);
    expect(collectOptionsFromConfig(parseConfigText(`providers: [huaweicloud]\n${CONFIG}`, 'x.yaml'), {}, env).providers).toEqual(['huaweicloud']);
  });

  it('a missing environment variable names the config path and the variable', () => {
    expect(problem(() => collectOptionsFromConfig(parseConfigText(CONFIG, 'x.yaml'), {}, { HUAWEICLOUD_SDK_AK: 'AK1', HUAWEICLOUD_SDK_SK: 'SK1' }))).toMatch(
      /huaweicloud\.accounts\[1\]\.accessKeyIdEnv: the environment variable DEV_AK is not set/,
    );
  });

  it('malformed sections name their paths', () => {
    expect(problem(() => parseConfigText(`huaweicloud:\n  accounts:\n    - id: x\n      projects: { cn-north-4: not-a-project }\n`, 'x.yaml'))).toMatch(/huaweicloud\.accounts\[0\]\.projects\.cn-north-4: a project id/);
    expect(problem(() => parseConfigText('providers: [huaweicloud]\n', 'x.yaml'))).toMatch(/huaweicloud: providers lists huaweicloud/);
    expect(problem(() => parseConfigText(`huaweicloud:\n  acounts: []\n`, 'x.yaml'))).toMatch(/huaweicloud\.acounts: unknown key/);
  });
});
