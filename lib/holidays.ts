import { holidayCsvDates, holidayFlagOfTable, holidaySpecSchema, parseHolidayCsv, RUSSIAN_HOLIDAYS, US_RETAIL_HOLIDAYS, withDates, type HolidaySpec } from '@/ml/features/holidays';
import { AppError } from './errors';
import { storage, tenantPath } from './storage';
import { loadTable, readManifest, type DatasetManifest } from './datasets/store';
import { DATE_FORMATS, detectDateFormat, parseDateAs } from './ingest/generic';
import type { DateFormat } from './schemas/ingest';

const NO_HOLIDAYS: HolidaySpec = Object.freeze({ name: 'none', fixed: [], rules: [], dates: [] }) as HolidaySpec;

/** Built-in calendars a tenant's calendar starts from. */
export const BASE_CALENDARS = { ru: RUSSIAN_HOLIDAYS, 'us-retail': US_RETAIL_HOLIDAYS, none: NO_HOLIDAYS } as const;
export type BaseCalendar = keyof typeof BASE_CALENDARS;

const key = (tenantId: string) => tenantPath(tenantId, 'tenants', 'holidays.json');

/** The tenant's calendar, and where it comes from. */
export interface TenantCalendar {
  spec: HolidaySpec;
  /** Set by the organisation (the Data page's form), rather than the default for its data. */
  custom: boolean;
  /** The built-in calendar it starts from (what the form's "Start from" shows). */
  base: BaseCalendar;
  /** Why this calendar, in words: "set for your organisation", "Holiday_Flag marks its holidays", ... */
  reason: string;
}

/** The built-in calendar a spec starts from: its name up to a `+` (`us-retail+city.csv`), `none` otherwise. */
export function baseOf(spec: HolidaySpec): BaseCalendar {
  const name = spec.name.split('+')[0];
  return name in BASE_CALENDARS ? (name as BaseCalendar) : 'none';
}

/**
 * The default calendar of a dataset (docs/data.md): the retailer's 8 files are the Russian chain's (ru);
 * a generic CSV gets the built-in calendar its holiday flag follows (Walmart's `Holiday_Flag` marks
 * the US retail holidays), and no holidays without a flag; no data, no holidays.
 */
async function defaultCalendar(tenantId: string, manifest: DatasetManifest | undefined): Promise<Omit<TenantCalendar, 'custom'>> {
  if (!manifest) return { spec: NO_HOLIDAYS, base: 'none', reason: 'no data yet: none until the data says which' };
  if (manifest.format === 'retail') return { spec: RUSSIAN_HOLIDAYS, base: 'ru', reason: "default for the retailer's files" };
  const loaded = await loadTable(tenantId);
  const flag = loaded ? holidayFlagOfTable(loaded.table) : null;
  if (flag?.spec) {
    const base = baseOf(flag.spec);
    return { spec: BASE_CALENDARS[base], base, reason: `detected: ${flag.column} marks its holidays` };
  }
  return { spec: NO_HOLIDAYS, base: 'none', reason: flag ? `${flag.column} follows no built-in calendar: none` : 'the data has no holiday flag: none' };
}

/**
 * The tenant's holiday calendar (docs/data.md): the one it set, else the default for its data (see
 * `defaultCalendar`).
 */
export async function getHolidayCalendar(tenantId: string): Promise<TenantCalendar> {
  const stored = await storage().readJson(key(tenantId), holidaySpecSchema);
  if (stored) return { spec: stored, custom: true, base: baseOf(stored), reason: 'set for your organisation' };
  return { ...(await defaultCalendar(tenantId, await readManifest(tenantId))), custom: false };
}

/** The date format of the tenant's data: the generic import's (chosen or detected), ISO for the retail files. */
function dataDateFormat(manifest: DatasetManifest | undefined): DateFormat {
  const f = manifest?.mapping?.dateFormat;
  return typeof f === 'string' && (DATE_FORMATS as readonly string[]).includes(f) ? (f as DateFormat) : 'YYYY-MM-DD';
}

/**
 * The date format of a holiday file: the one form every date fits, and when several do (8/10/2012
 * is both 8 October and August 10) the data's own format.
 */
export function holidayFileFormat(csvText: string, dataFormat: DateFormat): DateFormat {
  const det = detectDateFormat(holidayCsvDates(csvText));
  if (det.candidates.includes(dataFormat)) return dataFormat;
  return det.format ?? dataFormat;
}

/**
 * Sets the calendar to a built-in one plus the dates of a CSV (`date[,name]`), its dates in the
 * data's format or any one format they all fit (ISO, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY).
 * @throws AppError bad_request listing the bad lines; nothing is saved then.
 */
export async function importHolidayCsv(tenantId: string, base: BaseCalendar, csvText: string, fileName = 'holidays.csv'): Promise<HolidaySpec> {
  const format = holidayFileFormat(csvText, dataDateFormat(await readManifest(tenantId)));
  const { dates, errors } = parseHolidayCsv(csvText, { parseDay: (s) => parseDateAs(s, format), format });
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
