import { holidaySpecSchema, parseHolidayCsv, RUSSIAN_HOLIDAYS, US_RETAIL_HOLIDAYS, withDates, type HolidaySpec } from '@/ml/features/holidays';
import { AppError } from './errors';
import { storage, tenantPath } from './storage';
import { readManifest } from './datasets/store';

/** Built-in calendars a tenant's calendar starts from. */
export const BASE_CALENDARS = { ru: RUSSIAN_HOLIDAYS, 'us-retail': US_RETAIL_HOLIDAYS, none: { name: 'none', fixed: [], rules: [], dates: [] } as HolidaySpec } as const;
export type BaseCalendar = keyof typeof BASE_CALENDARS;

const key = (tenantId: string) => tenantPath(tenantId, 'tenants', 'holidays.json');

/**
 * The tenant's holiday calendar (SPEC 3): the one it set, else the default for its data (the
 * retailer's Russian holidays for the 8-file format, the US retail holidays for a generic CSV).
 */
export async function getHolidayCalendar(tenantId: string): Promise<{ spec: HolidaySpec; custom: boolean }> {
  const stored = await storage().readJson(key(tenantId), holidaySpecSchema);
  if (stored) return { spec: stored, custom: true };
  const manifest = await readManifest(tenantId);
  return { spec: manifest?.format === 'generic' ? US_RETAIL_HOLIDAYS : RUSSIAN_HOLIDAYS, custom: false };
}

/**
 * Sets the calendar to a built-in one plus the dates of a CSV (`date[,name]`, ISO dates).
 * @throws AppError bad_request listing the bad lines; nothing is saved then.
 */
export async function importHolidayCsv(tenantId: string, base: BaseCalendar, csvText: string, fileName = 'holidays.csv'): Promise<HolidaySpec> {
  const { dates, errors } = parseHolidayCsv(csvText);
  if (errors.length > 0) {
    throw new AppError('bad_request', `${fileName}: ${errors.slice(0, 5).map((e) => `line ${e.line}: ${e.reason}`).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`, { errors: errors.slice(0, 100) });
  }
  const spec = withDates({ ...BASE_CALENDARS[base], name: `${base}+${fileName}`.slice(0, 100) }, dates);
  await storage().writeJson(key(tenantId), holidaySpecSchema.parse(spec));
  return spec;
}

export async function setBaseCalendar(tenantId: string, base: BaseCalendar): Promise<HolidaySpec> {
  const spec = BASE_CALENDARS[base];
  await storage().writeJson(key(tenantId), spec);
  return spec;
}
