/** zod helpers for values that arrive as strings in the environment. */
import { z } from 'zod';

const TRUE_VALUES = ['true', '1', 'yes', 'on'];
const FALSE_VALUES = ['false', '0', 'no', 'off'];

export const envBoolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => [...TRUE_VALUES, ...FALSE_VALUES].includes(value), 'must be true or false')
  .transform((value) => TRUE_VALUES.includes(value));

export function envInt(options: { min: number; max: number }) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(options.min).max(options.max));
}

/** Comma-separated list, blanks dropped: `a, b,,c` → `['a','b','c']`. */
export const envList = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
);
