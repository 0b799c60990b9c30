import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module next to the caller, given as its `.js` name. Built code
 * runs the `.js` file. From TypeScript sources (tests and benchmarks under tsx) the worker first
 * registers tsx: a worker's entry module is loaded before the parent's --import hooks reach it.
 */
export function startModuleWorker(callerUrl: string, jsName: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(jsName, callerUrl), { workerData });
  const entry = new URL(jsName.replace(/\.js$/, '.ts'), callerUrl).href;
  // tsx's ESM register API (its CommonJS build cannot be imported from here).
  const tsx = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, {
    eval: true,
    workerData,
  });
}
