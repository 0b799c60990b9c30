import { parentPort, workerData } from 'node:worker_threads';
import { FileFormatError } from './errors.js';
import { parseRecordLine } from './snapshot-file.js';
import type { ValidationReply, ValidationRequest } from './offloaded-validation.js';

/**
 * Validates snapshot record lines against the model schema for a reader on another thread
 * (offloaded-validation.ts), in the order they come, and remembers the first invalid one.
 */
const port = parentPort;
if (!port) throw new Error('validation-worker must run in a worker thread');
const { path } = workerData as { path: string };
let firstProblem: { line: number; problem: string } | undefined;

port.on('message', (message: ValidationRequest) => {
  if (message.type === 'lines') {
    if (firstProblem) return;
    for (let i = 0; i < message.lines.length; i++) {
      const lineNumber = message.lineNumbers[i] as number;
      try {
        parseRecordLine(path, message.lines[i] as string, lineNumber, true);
      } catch (error) {
        firstProblem = { line: lineNumber, problem: error instanceof FileFormatError ? error.problem : String(error) };
        return;
      }
    }
    return;
  }
  port.postMessage((firstProblem ? { type: 'invalid', ...firstProblem } : { type: 'valid' }) satisfies ValidationReply);
});
