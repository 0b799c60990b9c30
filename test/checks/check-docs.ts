import type { CheckMeta } from '../../src/analyze/checks/types.js';

/** docs/checks/<id>.md, generated from the check's metadata so the page and the code cannot drift apart. */
export function renderCheckDoc(meta: CheckMeta): string {
  return [
    `# ${meta.id}: ${meta.title}`,
    '',
    `Default severity: **${meta.severity}**`,
    '',
    '## What it finds',
    '',
    meta.description,
    '',
    '## Why it matters',
    '',
    meta.rationale,
    '',
    '## How to fix it',
    '',
    meta.remediation,
    '',
    '## Configuration',
    '',
    'Disable the check or change its severity in `sgaudit.yaml`:',
    '',
    '```yaml',
    'checks:',
    `  ${meta.id}: { enabled: true, severity: ${meta.severity} }`,
    '```',
    '',
    'Suppress one finding with `suppressions: [{ id: SG-…, reason, owner, expires }]`, or a set of them with',
    `\`{ check: ${meta.id}, resource: "<glob on resource id or name>", reason, owner, expires }\`.`,
    '',
    '<!-- generated from the check metadata by test/checks/check-docs.test.ts; edit the check, then run UPDATE_GENERATED=1 npx vitest run test/checks -->',
    '',
  ].join('\n');
}
