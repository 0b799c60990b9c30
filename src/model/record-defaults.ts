import type { z } from 'zod';

/** The parts of a zod schema definition the filler reads (zod 4's public `def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  defaultValue?: unknown;
}

type Filler = (value: unknown) => void;

/**
 * Fills in place the defaults a schema's parse would fill (`.default(x)` members that are
 * absent), at every depth, without validating anything. The reader uses it when validation runs
 * in a worker (snapshot-file.ts): the records it keeps are then what the validated parse returns,
 * except that filled members come last in key order (nothing reads key order). Returns a no-op
 * when the schema has no defaults.
 */
export function defaultsFiller(schema: z.ZodType): (value: unknown) => void {
  return compile(schema) ?? (() => undefined);
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

function compile(schema: z.ZodType): Filler | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return compileObject(def.shape ?? {});
    case 'optional':
    case 'nullable':
      return def.innerType ? compile(def.innerType) : undefined;
    case 'array': {
      const element = def.element ? compile(def.element) : undefined;
      if (!element) return undefined;
      return (value) => {
        if (Array.isArray(value)) for (const item of value) element(item);
      };
    }
    default:
      return undefined;
  }
}

function compileObject(shape: Record<string, z.ZodType>): Filler | undefined {
  const steps: ((record: Record<string, unknown>) => void)[] = [];
  for (const [key, member] of Object.entries(shape)) {
    const def = defOf(member);
    if (def.type === 'default') {
      // zod returns the default for an absent member without parsing it; the getter clones it.
      const inner = def.innerType ? compile(def.innerType) : undefined;
      steps.push((record) => {
        const value = record[key];
        if (value === undefined) record[key] = def.defaultValue;
        else inner?.(value);
      });
      continue;
    }
    const fill = compile(member);
    if (fill) {
      steps.push((record) => {
        const value = record[key];
        if (value !== undefined) fill(value);
      });
    }
  }
  if (steps.length === 0) return undefined;
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const step of steps) step(value as Record<string, unknown>);
  };
}
