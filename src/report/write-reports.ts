import { resolve, join } from 'node:path';
import { SgauditError } from '../model/errors.js';
import type { FindingsDocument } from '../model/findings.js';
import { writeChunksAtomic } from '../util/atomic-write.js';
import { REPORT_EXTENSIONS, REPORT_FORMATS, isReportFormat, renderReportPieces, type ReportFormat, type ReportOptions } from './index.js';

/** `html,md` → ['html', 'md']; accepts `markdown` for md; unknown names are a usage error. */
export function parseReportFormats(list: string): ReportFormat[] {
  const formats: ReportFormat[] = [];
  for (const raw of list.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean)) {
    const name = raw === 'markdown' ? 'md' : raw;
    if (!isReportFormat(name)) throw new SgauditError('USAGE', `--format: unknown report format "${raw}" (choose from ${REPORT_FORMATS.join(', ')})`);
    if (!formats.includes(name)) formats.push(name);
  }
  if (formats.length === 0) throw new SgauditError('USAGE', `--format: name at least one of ${REPORT_FORMATS.join(', ')}`);
  return formats;
}

export interface WriteReportsOptions extends ReportOptions {
  formats: readonly ReportFormat[];
  outDir: string;
  /** File name without extension (default `report`). */
  baseName?: string;
  /** Paths that must not be overwritten, e.g. the findings file being read. */
  protect?: readonly string[];
}

/** Renders each format and writes it atomically as `<outDir>/<baseName><ext>`; returns the paths written. */
export async function writeReports(doc: FindingsDocument, options: WriteReportsOptions): Promise<string[]> {
  const baseName = options.baseName ?? 'report';
  if (!baseName || /[\\/]/.test(baseName)) throw new SgauditError('USAGE', `--name: "${baseName}" must be a plain file name without directories`);
  const protectedPaths = new Set((options.protect ?? []).map((path) => resolve(path)));
  const targets = options.formats.map((format) => ({ format, path: join(options.outDir, `${baseName}${REPORT_EXTENSIONS[format]}`) }));
  for (const target of targets) {
    if (protectedPaths.has(resolve(target.path))) {
      throw new SgauditError('USAGE', `${target.path}: writing the ${target.format} report would overwrite the input file`, { hint: 'choose another --out directory or --name' });
    }
  }
  const written: string[] = [];
  for (const target of targets) {
    await writeChunksAtomic(target.path, renderReportPieces(target.format, doc, options));
    written.push(target.path);
  }
  return written;
}
