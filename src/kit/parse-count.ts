import { UsageError } from './usage-error.ts';

/** A whole number from a command-line flag, at least `min`, or one clear error naming the flag. */
export function parseCount(flag: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag} must be a whole number ≥ ${min} (got "${raw ?? ''}")`);
  }
  return value;
}
