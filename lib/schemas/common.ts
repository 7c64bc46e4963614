import { z } from 'zod';
import { parseIsoDay } from '../../ml/data/dates';

/**
 * Building blocks for query strings and bodies that say exactly what they accept (ASVS 4.0
 * V5.1.3-V5.1.4: positive validation of structure and range). `z.coerce.number()` takes `''` as 0,
 * `' 5 '`, `0x10`, `1e3` and `Infinity`; `Date.parse` rolls `2024-02-30` into March. These do not.
 */

/** A real calendar day written `YYYY-MM-DD` (month 13 or 30 February are refused). */
export function isoDay(name: string) {
  return z
    .string({ message: `${name} must be a date written YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date written YYYY-MM-DD`)
    .refine((s) => Number.isFinite(parseIsoDay(s)), `${name} is not a calendar date`);
}

/**
 * A whole number from `min` to `max`: in a query string digits only (a leading minus where `min`
 * is negative), nothing else; code calling with a number passes it as it is.
 */
export function queryInteger(name: string, min: number, max: number) {
  const message = `${name} must be a whole number from ${min} to ${max}`;
  const digits = z
    .string({ message })
    .regex(min < 0 ? /^-?\d{1,15}$/ : /^\d{1,15}$/, message)
    .transform(Number);
  return z.union([z.number({ message }), digits], { message }).pipe(z.number().int(message).min(min, message).max(max, message));
}
