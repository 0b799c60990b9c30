import type { CheckInfo, Finding, FindingsDocument, Severity } from '../model/findings.js';
import { accountProviders } from './accounts.js';
import { formatResource, incompleteCoverage, safeHttpUrl } from './describe.js';
import { joinPieces, prettyJsonPieces } from './json-pieces.js';
import { sortFindings } from './order.js';

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

/** `public-exposure` → `PublicExposure`: SARIF's reportingDescriptor.name is an identifier-like name. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function ruleFor(check: CheckInfo) {
  const helpUri = safeHttpUrl(check.docs);
  return {
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: { text: check.docs && !helpUri ? `${check.remediation}\n\nDocs: ${check.docs}` : check.remediation },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: sarifLevel(check.severity) },
    properties: { severity: check.severity },
  };
}

/** A finding whose check is missing from `doc.checks` still needs a rule for its ruleIndex. */
function placeholderCheck(finding: Finding): CheckInfo {
  return { id: finding.check, title: finding.title, severity: finding.severity, description: finding.title, remediation: finding.remediation, docs: finding.docs ?? '' };
}

/**
 * Code-scanning tools show the message and little else, so it says who can reach the finding:
 * exposure messages usually name their breadth already, the others get it appended.
 */
function messageText({ message, breadth }: Finding): string {
  return breadth && !message.includes(breadth.summary) ? `${message} Breadth: ${breadth.summary}.` : message;
}

/** Extra locations put before a finding's cloud resource (whatif: the Terraform address that causes it). */
export interface SarifOptions {
  locationsOf?: (finding: Finding) => object[];
}

function resultFor(finding: Finding, ruleIndex: number, provider: string, options: SarifOptions) {
  const qualified = `${finding.accountId}/${finding.regionId}/${finding.resource.type}/${finding.resource.id}`;
  const { breadth, instance, rootCauses } = finding;
  return {
    ruleId: finding.check,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text: messageText(finding) },
    partialFingerprints: { 'sgauditFindingId/v1': finding.id },
    locations: [
      ...(options.locationsOf?.(finding) ?? []),
      {
        logicalLocations: [
          {
            name: finding.resource.id,
            fullyQualifiedName: qualified,
            kind: finding.resource.type,
          },
        ],
        message: { text: formatResource(finding.resource) },
      },
    ],
    properties: {
      severity: finding.severity,
      suppressed: Boolean(finding.suppressed),
      accountId: finding.accountId,
      provider,
      regionId: finding.regionId,
      resourceType: finding.resource.type,
      ...(finding.resource.name ? { resourceName: finding.resource.name } : {}),
      title: finding.title,
      ...(breadth ? { breadth: breadth.class, breadthSummary: breadth.summary, publicIpv4: breadth.publicIpv4, publicIpv6: breadth.publicIpv6 } : {}),
      ...(instance ? { instanceId: instance.id, ...(instance.name ? { instanceName: instance.name } : {}) } : {}),
      ...(rootCauses?.length ? { rootCauses } : {}),
    },
    ...(finding.suppressed
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: finding.suppressed.reason,
              properties: { owner: finding.suppressed.owner, expires: finding.suppressed.expires, matchedBy: finding.suppressed.matchedBy },
            },
          ],
        }
      : {}),
  };
}

/** SARIF 2.1.0: one run, rules from the checks that ran, incomplete coverage as tool notifications. */
export function renderSarif(doc: FindingsDocument, options: SarifOptions = {}): string {
  return joinPieces(renderSarifPieces(doc, options));
}

/** renderSarif's bytes in pieces of a few hundred results, for writing large logs as a stream. */
export function renderSarifPieces(doc: FindingsDocument, options: SarifOptions = {}): Generator<string, void, undefined> {
  const checks = [...doc.checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const known = new Set(checks.map((check) => check.id));
  const findings = sortFindings(doc.findings);
  for (const finding of findings) {
    if (!known.has(finding.check)) {
      known.add(finding.check);
      checks.push(placeholderCheck(finding));
    }
  }
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const notifications = incompleteCoverage(doc).map((entry) => ({
    level: 'warning',
    message: {
      text: `Coverage ${entry.status}: ${entry.api} in account ${entry.accountId} region ${entry.regionId}${entry.code ? ` (${entry.code})` : ''}${entry.message ? `: ${entry.message}` : ''}${entry.requestId ? ` [request ${entry.requestId}]` : ''}`,
    },
    descriptor: { id: 'coverage-incomplete' },
    properties: { accountId: entry.accountId, regionId: entry.regionId, api: entry.api, status: entry.status },
  }));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: doc.tool.name,
            version: doc.tool.version,
            semanticVersion: doc.tool.version,
            rules: checks.map(ruleFor),
          },
        },
        automationDetails: { id: `sgaudit/${doc.snapshotId}` },
        invocations: [{ executionSuccessful: true, endTimeUtc: doc.generatedAt, toolExecutionNotifications: notifications }],
        results: [],
        properties: { snapshotId: doc.snapshotId, ...(doc.baselineId ? { baselineId: doc.baselineId } : {}), coverageComplete: notifications.length === 0 },
      },
    ],
  };
  const providerOf = accountProviders(doc);
  return prettyJsonPieces(log, ['runs', 0, 'results'], findings, (finding) => resultFor(finding, ruleIndex.get(finding.check) ?? 0, providerOf(finding.accountId), options));
}
