import { cast } from '@darabonba/typescript';

/**
 * Map PascalCase wire JSON into an SDK response model exactly as the SDK does after an HTTP call
 * (`$dara.cast`), so normalizer tests see what the collector sees at runtime.
 */
export function fromWire<T extends object>(model: new (map?: Record<string, unknown>) => T, json: unknown): T {
  return cast(json, new model({})) as T;
}
