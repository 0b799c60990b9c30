import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../util/worker.js';

export type ValidationRequest = { type: 'lines'; lines: string[]; lineNumbers: number[] } | { type: 'verdict' };
export type ValidationReply = { type: 'valid' } | { type: 'invalid'; line: number; problem: string };
export type ValidationVerdict = ValidationReply | { type: 'unavailable'; reason: string };

/** Lines per message: few messages, yet the worker starts while the file is still being read. */
const BATCH_LINES = 1_000;

/**
 * Schema validation of a snapshot's record lines on a second core while the reading thread
 * parses the same lines without it (validation is about a third of a validated read). The
 * reader submits each resource line in file order and asks for the verdict at the end: the
 * first invalid line, exactly as the inline read would have reported it.
 */
export class OffloadedValidation {
  private readonly worker: Worker;
  private lines: string[] = [];
  private lineNumbers: number[] = [];
  private readonly ended: Promise<ValidationVerdict>;

  constructor(path: string) {
    this.worker = startModuleWorker(import.meta.url, './validation-worker.js', { path });
    this.ended = new Promise((resolve) => {
      this.worker.on('message', (reply: ValidationReply) => resolve(reply));
      this.worker.once('error', (error) => resolve({ type: 'unavailable', reason: error.message }));
      this.worker.once('exit', (code) => resolve({ type: 'unavailable', reason: `validation worker exited with code ${code}` }));
    });
  }

  submit(line: string, lineNumber: number): void {
    this.lines.push(line);
    this.lineNumbers.push(lineNumber);
    if (this.lines.length >= BATCH_LINES) this.flush();
  }

  /** Everything submitted so far, validated. */
  async verdict(): Promise<ValidationVerdict> {
    this.flush();
    this.worker.postMessage({ type: 'verdict' } satisfies ValidationRequest);
    return this.ended;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    this.worker.postMessage({ type: 'lines', lines: this.lines, lineNumbers: this.lineNumbers } satisfies ValidationRequest);
    this.lines = [];
    this.lineNumbers = [];
  }
}
