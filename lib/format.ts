/**
 * How figures read, for the pages, the CSV headers and the PDF reports alike: money in the
 * tenant's currency, units, percentages and large numbers (3.4M) in its number locale, calendar
 * days in its date locale, and instants (when a forecast was generated) in its time zone. A page
 * builds one `Formatter` from the tenant's settings per request (`formatterFor`) and passes it, or
 * the settings (client components), down. Pure: no server imports, so charts use it too.
 */

/** A tenant's regional settings (lib/schemas/tenant.ts `regionalSchema` validates them). */
export interface RegionalSettings {
  /** ISO 4217 code, e.g. USD. */
  currency: string;
  /** BCP 47 tag for numbers and dates, e.g. en-US. */
  locale: string;
  /** IANA zone for instants, e.g. Europe/Berlin. */
  timeZone: string;
}

export const DEFAULT_REGIONAL: Readonly<RegionalSettings> = Object.freeze({ currency: 'USD', locale: 'en-US', timeZone: 'UTC' });

/** What a figure counts: money (the tenant's currency), units (pieces sold) or a plain number. */
export type MeasureUnit = 'currency' | 'units' | 'number';

/** A figure's display name and unit, e.g. { label: 'Revenue', unit: 'currency' }. */
export interface Measure {
  label: string;
  unit: MeasureUnit;
}

/** Numbers at least this large read compactly (3.4M) where space is short: KPI tiles, chart ticks. */
export const COMPACT_FROM = 100_000;

const DASH = '—';
const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export interface Formatter {
  readonly settings: Readonly<RegionalSettings>;
  /** 3,437,942 */
  integer(x: number | null | undefined): string;
  /** A number with up to `digits` decimals: 2.57 */
  decimal(x: number | null | undefined, digits?: number): string;
  /** 3.4M from COMPACT_FROM up, the integer below. */
  compact(x: number | null | undefined): string;
  /** $3,437,942 (whole amounts; `cents` for prices). */
  money(x: number | null | undefined, options?: { cents?: boolean }): string;
  /** $3.4M from COMPACT_FROM up, else as `money`. */
  moneyCompact(x: number | null | undefined): string;
  /** 1,234 units / 3.4M units with `compact`. */
  units(x: number | null | undefined, options?: { compact?: boolean }): string;
  /** A figure of `unit`: money, units or a plain number. */
  measure(x: number | null | undefined, unit: MeasureUnit, options?: { compact?: boolean }): string;
  /** 0.682 -> 68.2% */
  percent(x: number | null | undefined, digits?: number): string;
  /** 0.042 -> +4.2% */
  signedPercent(x: number | null | undefined, digits?: number): string;
  /** A difference of two shares in percentage points: 0.012 -> +1.2 pts */
  points(x: number | null | undefined, digits?: number): string;
  /** current against base as +4.2%, "no data" without a base. */
  change(current: number, base: number, periods: number): string;
  /** A calendar day (ISO YYYY-MM-DD or a day number) in the date locale, never shifted by a zone: Oct 26, 2012 */
  day(day: string | number): string;
  /** An instant (ISO timestamp) in the tenant's zone, with the zone: Dec 4, 2026, 02:26 AM UTC */
  dateTime(iso: string | null | undefined): string;
  /** The currency's symbol as the locale writes it ($, €, ₽). */
  readonly currencySymbol: string;
  /** "Revenue (USD)", "Units sold", "Weekly sales (USD)": an axis or column title with its unit. */
  title(measure: Measure): string;
  /** Plotly's `separators` (decimal then group mark) for the number locale. */
  readonly plotlySeparators: string;
  /** Plotly tick prefix / suffix for an axis of `unit` (the currency symbol where the locale puts it). */
  tickAffixes(unit: MeasureUnit): { tickprefix?: string; ticksuffix?: string };
}

const cache = new Map<string, Formatter>();

/** A formatter for a tenant's settings; one per distinct settings, the Intl objects built once. */
export function formatterFor(settings: Readonly<RegionalSettings> = DEFAULT_REGIONAL): Formatter {
  const key = `${settings.locale}|${settings.currency}|${settings.timeZone}`;
  let f = cache.get(key);
  if (!f) {
    f = buildFormatter(settings);
    if (cache.size > 200) cache.clear();
    cache.set(key, f);
  }
  return f;
}

function buildFormatter(s: Readonly<RegionalSettings>): Formatter {
  const { locale, currency, timeZone } = s;
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const compactFmt = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const moneyFmt = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0, minimumFractionDigits: 0 });
  const centsFmt = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
  const moneyCompactFmt = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', notation: 'compact', maximumFractionDigits: 1 });
  const decimals = new Map<number, Intl.NumberFormat>();
  const decimalFmt = (d: number) => {
    let n = decimals.get(d);
    if (!n) decimals.set(d, (n = new Intl.NumberFormat(locale, { maximumFractionDigits: d })));
    return n;
  };
  const percents = new Map<string, Intl.NumberFormat>();
  const percentFmt = (d: number, signed: boolean) => {
    const k = `${d}${signed}`;
    let n = percents.get(k);
    if (!n) percents.set(k, (n = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: d, maximumFractionDigits: d, signDisplay: signed ? 'exceptZero' : 'auto' })));
    return n;
  };
  const dayFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const instantFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
  const parts = moneyFmt.formatToParts(1);
  const symbolIndex = parts.findIndex((p) => p.type === 'currency');
  const numberIndex = parts.findIndex((p) => p.type === 'integer');
  const currencySymbol = symbolIndex >= 0 ? parts[symbolIndex].value : currency;
  const symbolFirst = symbolIndex >= 0 && symbolIndex < numberIndex;
  const sepParts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const decimalMark = sepParts.find((p) => p.type === 'decimal')?.value ?? '.';
  const groupMark = sepParts.find((p) => p.type === 'group')?.value ?? ',';

  const integer = (x: number | null | undefined) => (finite(x) ? int.format(x) : DASH);
  const compact = (x: number | null | undefined) => (!finite(x) ? DASH : Math.abs(x) >= COMPACT_FROM ? compactFmt.format(x) : int.format(x));
  const money = (x: number | null | undefined, o: { cents?: boolean } = {}) => (finite(x) ? (o.cents ? centsFmt : moneyFmt).format(x) : DASH);
  const moneyCompact = (x: number | null | undefined) => (!finite(x) ? DASH : Math.abs(x) >= COMPACT_FROM ? moneyCompactFmt.format(x) : moneyFmt.format(x));
  const units = (x: number | null | undefined, o: { compact?: boolean } = {}) => {
    if (!finite(x)) return DASH;
    const n = o.compact ? compact(x) : int.format(x);
    return `${n} ${Math.round(x) === 1 ? 'unit' : 'units'}`;
  };
  const percent = (x: number | null | undefined, digits = 1) => (finite(x) ? percentFmt(digits, false).format(x) : DASH);
  const signedPercent = (x: number | null | undefined, digits = 1) => (finite(x) ? percentFmt(digits, true).format(x) : DASH);
  return {
    settings: Object.freeze({ ...s }),
    integer,
    decimal: (x, digits = 2) => (finite(x) ? decimalFmt(digits).format(x) : DASH),
    compact,
    money,
    moneyCompact,
    units,
    measure: (x, unit, o = {}) => (unit === 'currency' ? (o.compact ? moneyCompact(x) : money(x)) : unit === 'units' ? units(x, o) : o.compact ? compact(x) : integer(x)),
    percent,
    signedPercent,
    points: (x, digits = 1) => (finite(x) ? `${x > 0 ? '+' : x < 0 ? '−' : ''}${decimalFmt(digits).format(Math.abs(x * 100))} pts` : DASH),
    change: (current, base, periods) => (!periods || !(base > 0) ? 'no data' : signedPercent(current / base - 1)),
    day: (day) => {
      const ms = typeof day === 'number' ? day * 86_400_000 : Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
      return Number.isFinite(ms) ? dayFmt.format(ms) : String(day);
    },
    dateTime: (iso) => {
      const ms = iso ? Date.parse(iso) : NaN;
      return Number.isFinite(ms) ? instantFmt.format(ms) : DASH;
    },
    currencySymbol,
    title: (m) => (m.unit === 'currency' ? `${m.label} (${currency})` : m.unit === 'units' && !/\bunits?\b/i.test(m.label) ? `${m.label} (units)` : m.label),
    plotlySeparators: `${decimalMark}${groupMark}`,
    tickAffixes: (unit) => (unit !== 'currency' ? {} : symbolFirst ? { tickprefix: currencySymbol } : { ticksuffix: ` ${currencySymbol}` }),
  };
}

/** The length of `periods` periods of a grain: "30 days", "4 weeks", "1 week". */
export function formatSpan(periods: number, step: number): string {
  const word = step === 7 ? 'week' : 'day';
  return `${periods} ${periods === 1 ? word : `${word}s`}`;
}

/** A measure per period of the grain, said once: "Units sold per day", but "Weekly sales" (not "Weekly sales per week"). */
export function perPeriod(label: string, step: number): string {
  return /\b(daily|weekly|per (day|week))\b/i.test(label) ? label : `${label} per ${periodWord(step)}`;
}

/** The period of a grain: "day" or "week". */
export const periodWord = (step: number) => (step === 7 ? 'week' : 'day');

const defaults = formatterFor(DEFAULT_REGIONAL);

/** An integer in the default locale (kept for callers without a tenant: the CLI, tests). */
export const formatInteger = (x: number) => defaults.integer(x);
/** A share as a percentage in the default locale. */
export const formatPercent = (x: number | null | undefined, digits = 1) => defaults.percent(x, digits);
/** current against base in the default locale, "no data" without a base. */
export function formatChange(current: number, base: number, periods: number): string {
  return defaults.change(current, base, periods);
}
/** A relative change as a signed percentage (+4.2%, -1.0%); a dash when there is none. */
export const formatSignedPercent = (x: number | null | undefined, digits = 1) => defaults.signedPercent(x, digits);
