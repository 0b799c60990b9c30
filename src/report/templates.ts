import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, extname, join } from 'node:path';
import Handlebars from 'handlebars';

/**
 * Templates live in `<package>/templates`, two levels up from this module both in `src/report/`
 * (tsx, vitest) and in `dist/report/` (the built CLI).
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export type TemplateSet = 'html' | 'markdown';
type Compiled = Handlebars.TemplateDelegate;

export interface LoadedTemplates {
  env: typeof Handlebars;
  main: Compiled;
  partials: Record<string, Compiled>;
}

const loaded = new Map<TemplateSet, LoadedTemplates>();

/** Strict: a template naming a field the view model lacks throws instead of printing nothing. */
const COMPILE_OPTIONS = { strict: true, preventIndent: true } as const;

/**
 * Compiles `templates/<set>/report.hbs` and every `partials/*.hbs` once, in an isolated
 * environment so no other code's helpers or partials leak in. Escaping stays Handlebars' default
 * `{{ }}` everywhere; the only unescaped output is a `SafeString` built by the renderer itself.
 */
export function loadTemplates(set: TemplateSet, helpers: Record<string, Handlebars.HelperDelegate> = {}): LoadedTemplates {
  const cached = loaded.get(set);
  if (cached) return cached;
  const env = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) env.registerHelper(name, helper);
  const dir = join(TEMPLATES_DIR, set);
  const partials: Record<string, Compiled> = {};
  const partialsDir = join(dir, 'partials');
  for (const file of readdirSync(partialsDir).filter((name) => name.endsWith('.hbs')).sort()) {
    const compiled = env.compile(readFileSync(join(partialsDir, file), 'utf8'), COMPILE_OPTIONS);
    const name = basename(file, extname(file));
    partials[name] = compiled;
    env.registerPartial(name, compiled);
  }
  const main = env.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), COMPILE_OPTIONS);
  const result = { env, main, partials };
  loaded.set(set, result);
  return result;
}

/** A static asset beside the templates (inline CSS and JS of the HTML report). */
export function readTemplateAsset(set: TemplateSet, file: string): string {
  return readFileSync(join(TEMPLATES_DIR, set, file), 'utf8');
}

export const SafeString = Handlebars.SafeString;
