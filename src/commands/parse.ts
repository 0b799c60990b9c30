import { SgauditError } from '../model/errors.js';

/** Flag value parsers shared by the commands; each throws a usage error (exit 2) naming the flag. */

export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A whole number ≥ `min`, e.g. `wholeNumber('--keep', 0)`. */
export function wholeNumber(flag: string, min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(parsed) || parsed < min) {
      throw new SgauditError('USAGE', `${flag} must be a whole number ≥ ${min}, got "${value}"`);
    }
    return parsed;
  };
}
