import { describe, expect, it } from 'vitest';
import { REPORT_EXTENSIONS, REPORT_FORMATS, renderReport } from '../../src/report/index.js';
import { loadFixture } from './helpers.js';

describe('report renderers on the fixed fixture', () => {
  const doc = loadFixture();

  it.each(REPORT_FORMATS)('%s output matches its snapshot', async (format) => {
    await expect(renderReport(format, doc)).toMatchFileSnapshot(`./__snapshots__/findings${REPORT_EXTENSIONS[format]}`);
  });

  it.each(REPORT_FORMATS)('%s output does not depend on the order of the input findings', (format) => {
    const reversed = { ...doc, findings: [...doc.findings].reverse(), checks: [...doc.checks].reverse(), coverage: [...doc.coverage].reverse() };
    expect(renderReport(format, reversed)).toBe(renderReport(format, doc));
  });
});
