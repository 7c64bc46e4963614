/**
 * Deterministic demo data: the retailer's 8 CSV files (docs/data.md) for a small Russian grocery chain,
 * plus the ground truth the explanations and the optimiser are checked against.
 *
 * Demand of item i in store s on day t (before stockouts, returns and noise):
 *   lambda = base_i * size_s * trend_i(t) * weekly[dow] * yearly_dept(doy) * holiday(t)
 *          * (price_t / price_0)^e_class * (promoPrice / priceBeforePromo)^e_class * shift_s(t)
 * where e_class < 0 is the price elasticity of the item's class (groundTruth.elasticity), so a
 * promotion of depth d multiplies demand by (1 - d)^e_class. Quantities are Poisson draws.
 *
 * Determinism and "newer days": every series (store, item) and every item's price and promotion
 * schedule has its own random stream, consumed in date order. Generating with the same seed and
 * start date but more days therefore reproduces the earlier days exactly and appends new ones.
 */
import { createRandom, type Random } from '../random';
import { dayOfWeek, dayOfYear, formatDay, parseIsoDay } from './dates';
import { RUSSIAN_HOLIDAYS, listHolidays } from '../features/holidays';

export const RETAIL_FILES = [
  'sales.csv',
  'online.csv',
  'markdowns.csv',
  'price_history.csv',
  'discounts_history.csv',
  'stores.csv',
  'catalog.csv',
  'actual_matrix.csv',
] as const;
export type RetailFileName = (typeof RETAIL_FILES)[number];

/** Columns of each file, in order, after the unnamed leading index column (docs/data.md). */
export const RETAIL_COLUMNS: Readonly<Record<RetailFileName, readonly string[]>> = Object.freeze({
  'sales.csv': ['date', 'item_id', 'quantity', 'price_base', 'sum_total', 'store_id'],
  'online.csv': ['date', 'item_id', 'quantity', 'price_base', 'sum_total', 'store_id'],
  'markdowns.csv': ['date', 'item_id', 'normal_price', 'price', 'quantity', 'store_id'],
  'price_history.csv': ['date', 'item_id', 'price', 'code', 'store_id'],
  'discounts_history.csv': [
    'date', 'item_id', 'sale_price_before_promo', 'sale_price_time_promo', 'promo_type_code', 'doc_id', 'number_disc_day', 'store_id',
  ],
  'stores.csv': ['store_id', 'division', 'format', 'city', 'area'],
  'catalog.csv': ['item_id', 'dept_name', 'class_name', 'subclass_name', 'item_type', 'weight_volume', 'weight_netto', 'fatness'],
  'actual_matrix.csv': ['item_id', 'date', 'store_id'],
});

export interface DemandShift {
  /** First day (ISO) on which demand is multiplied by `factor`. */
  from: string;
  factor: number;
  /** Store ids affected; all stores when omitted. */
  stores?: string[];
}

export interface RetailDemoOptions {
  seed: number;
  /** Multiplies the number of items (1 = 200 items, about 260,000 item-store-days). */
  scale: number;
  /** First day of sales, ISO. */
  startDate: string;
  /** Number of days of sales. Ignored when `endDate` is given. */
  days: number;
  /** Last day of sales, ISO (overrides `days`). */
  endDate?: string;
  demandShift?: DemandShift;
}

export const DEFAULT_DEMO_OPTIONS: Readonly<RetailDemoOptions> = Object.freeze({
  seed: 42,
  scale: 1,
  startDate: '2022-01-01',
  days: 760,
});

export interface RetailGroundTruth {
  seed: number;
  startDate: string;
  endDate: string;
  stores: number;
  items: number;
  /** Number of (item, store, day) cells on which the item was listed in the store. */
  itemStoreDays: number;
  /** Price elasticity of demand per class_name (negative). */
  elasticity: Record<string, number>;
  /** How a promotion acts: demand multiplied by (promoPrice / priceBeforePromo)^elasticity. */
  promotionEffect: string;
  /** Multiplicative demand effect of each holiday date. */
  holidayEffects: { date: string; name: string; factor: number }[];
  /** Multiplicative demand effect per day of week, Monday first. */
  weekly: number[];
  /** Days on which the item was out of stock in the store: zero sales although demand existed. */
  stockouts: { store_id: string; item_id: string; date: string; demand: number }[];
  returns: number;
  launches: { item_id: string; date: string }[];
  delistings: { item_id: string; date: string }[];
  demandShift: DemandShift | null;
}

export interface RetailDemo {
  files: Record<RetailFileName, string>;
  groundTruth: RetailGroundTruth;
}

interface StoreSpec {
  id: string;
  division: string;
  format: string;
  city: string;
  area: number;
  size: number;
  assortment: number;
  online: boolean;
}

const STORES: readonly StoreSpec[] = [
  { id: '1', division: 'Центральный', format: 'Гипермаркет', city: 'Москва', area: 8200, size: 2.4, assortment: 0.8, online: true },
  { id: '2', division: 'Северо-Западный', format: 'Супермаркет', city: 'Санкт-Петербург', area: 2600, size: 1.3, assortment: 0.55, online: true },
  { id: '3', division: 'Центральный', format: 'Магазин у дома', city: 'Тверь', area: 540, size: 0.6, assortment: 0.35, online: false },
  { id: '4', division: 'Приволжский', format: 'Супермаркет', city: 'Казань', area: 1900, size: 1.0, assortment: 0.4, online: false },
];

interface ClassSpec {
  dept: string;
  cls: string;
  subclasses: string[];
  price: [number, number];
  elasticity: number;
  weighted: boolean;
  fat: boolean;
}

const CLASSES: readonly ClassSpec[] = [
  { dept: 'Молочная продукция', cls: 'Молоко', subclasses: ['Молоко пастеризованное', 'Молоко ультрапастеризованное'], price: [60, 120], elasticity: -1.1, weighted: false, fat: true },
  { dept: 'Молочная продукция', cls: 'Йогурты', subclasses: ['Йогурты питьевые', 'Йогурты густые'], price: [35, 90], elasticity: -1.8, weighted: false, fat: true },
  { dept: 'Молочная продукция', cls: 'Сыры', subclasses: ['Сыры твёрдые', 'Сыры мягкие'], price: [150, 600], elasticity: -2.2, weighted: true, fat: true },
  { dept: 'Бакалея', cls: 'Крупы', subclasses: ['Гречка', 'Рис'], price: [60, 160], elasticity: -1.3, weighted: false, fat: false },
  { dept: 'Бакалея', cls: 'Чай и кофе', subclasses: ['Чай чёрный', 'Кофе молотый'], price: [120, 700], elasticity: -2.5, weighted: false, fat: false },
  { dept: 'Напитки', cls: 'Соки', subclasses: ['Соки яблочные', 'Нектары'], price: [70, 180], elasticity: -2.0, weighted: false, fat: false },
  { dept: 'Напитки', cls: 'Вода', subclasses: ['Вода питьевая', 'Вода минеральная'], price: [25, 90], elasticity: -1.5, weighted: false, fat: false },
  { dept: 'Овощи и фрукты', cls: 'Овощи', subclasses: ['Корнеплоды', 'Томаты и огурцы'], price: [40, 250], elasticity: -0.9, weighted: true, fat: false },
  { dept: 'Овощи и фрукты', cls: 'Фрукты', subclasses: ['Яблоки', 'Цитрусовые'], price: [80, 300], elasticity: -1.4, weighted: true, fat: false },
  { dept: 'Кондитерские изделия', cls: 'Шоколад', subclasses: ['Шоколад плиточный', 'Конфеты в коробках'], price: [70, 450], elasticity: -2.8, weighted: false, fat: false },
  { dept: 'Кондитерские изделия', cls: 'Печенье', subclasses: ['Печенье сахарное', 'Пряники'], price: [50, 200], elasticity: -1.9, weighted: false, fat: false },
  { dept: 'Бытовая химия', cls: 'Моющие средства', subclasses: ['Средства для посуды', 'Средства для стирки'], price: [90, 650], elasticity: -2.4, weighted: false, fat: false },
];

/** Yearly seasonality per department: amplitude and the day of year of the peak. */
const YEARLY: Readonly<Record<string, [number, number]>> = {
  'Молочная продукция': [0.05, 20],
  'Бакалея': [0.1, 330],
  'Напитки': [0.35, 200],
  'Овощи и фрукты': [0.2, 250],
  'Кондитерские изделия': [0.3, 355],
  'Бытовая химия': [0.05, 90],
};

const PERISHABLE = new Set(['Молочная продукция', 'Овощи и фрукты']);
const WEEKLY = [0.9, 0.88, 0.92, 0.97, 1.12, 1.25, 0.96];

const HOLIDAY_FACTOR: Readonly<Record<string, number>> = {
  'New Year holidays': 0.8,
  'Orthodox Christmas': 0.9,
  'Defender of the Fatherland Day': 1.15,
  "International Women's Day": 1.3,
  'Spring and Labour Day': 1.1,
  'Victory Day': 1.15,
  'Russia Day': 1.05,
  'Unity Day': 1.05,
};
/** Days before New Year: the biggest shopping days of the Russian year. */
const NEW_YEAR_EVE_FACTOR = [1.25, 1.4, 1.6, 1.8]; // 28, 29, 30, 31 December

function hex(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(16)];
  return s;
}

/** Poisson draw: Knuth's product method for small means, a rounded normal above. */
function poisson(rng: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

const price2 = (p: number): number => Math.max(0.99, Math.round(p * 10) / 10 - 0.01);

function csvText(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface ItemPlan {
  id: string;
  cls: ClassSpec;
  subclass: string;
  base: number;
  growth: number;
  unitWeight: number;
  launch: number;
  delist: number;
  price0: number;
  /** Regular price per day offset. */
  price: Float64Array;
  /** Promotion price per day offset (NaN when none); promotions beyond the end kept in `future`. */
  promoPrice: Float64Array;
  priceChanges: { day: number; price: number }[];
  promos: { start: number; length: number; depth: number; type: number; doc: string }[];
}

/**
 * Generates the demo. Same options (and seed) give byte-identical files.
 * @throws RangeError on a bad option (non-positive scale, bad date, fewer than 1 day).
 */
export function generateRetailDemo(options: Partial<RetailDemoOptions> = {}): RetailDemo {
  const o: RetailDemoOptions = { ...DEFAULT_DEMO_OPTIONS, ...options };
  if (!(o.scale > 0 && o.scale <= 50)) throw new RangeError(`scale must be in (0, 50], got ${o.scale}`);
  const start = parseIsoDay(o.startDate);
  if (!Number.isFinite(start)) throw new RangeError(`startDate is not an ISO date: ${o.startDate}`);
  let nDays = o.days;
  if (o.endDate !== undefined) {
    const end = parseIsoDay(o.endDate);
    if (!Number.isFinite(end)) throw new RangeError(`endDate is not an ISO date: ${o.endDate}`);
    nDays = end - start + 1;
  }
  if (!Number.isInteger(nDays) || nDays < 1 || nDays > 20000) throw new RangeError(`days must be an integer in [1, 20000], got ${nDays}`);
  const end = start + nDays - 1;
  let shiftFrom = Infinity;
  if (o.demandShift) {
    shiftFrom = parseIsoDay(o.demandShift.from);
    if (!Number.isFinite(shiftFrom)) throw new RangeError(`demandShift.from is not an ISO date: ${o.demandShift.from}`);
    if (!(o.demandShift.factor >= 0)) throw new RangeError(`demandShift.factor must be >= 0, got ${o.demandShift.factor}`);
  }
  const shiftStores = new Set(o.demandShift?.stores ?? STORES.map((s) => s.id));
  const nItems = Math.max(6, Math.round(200 * o.scale));
  const master = createRandom(o.seed);

  // Calendar effects per day offset.
  const holidays = listHolidays(RUSSIAN_HOLIDAYS, start, end);
  const holidayFactor = new Float64Array(nDays).fill(1);
  const holidayEffects: RetailGroundTruth['holidayEffects'] = [];
  for (const h of holidays) {
    const f = HOLIDAY_FACTOR[h.name] ?? 1;
    holidayFactor[parseIsoDay(h.date) - start] = f;
    holidayEffects.push({ date: h.date, name: h.name, factor: f });
  }
  for (let t = 0; t < nDays; t++) {
    const d = formatDay(start + t);
    const md = d.slice(5);
    const eve = ['12-28', '12-29', '12-30', '12-31'].indexOf(md);
    if (eve >= 0) {
      holidayFactor[t] = NEW_YEAR_EVE_FACTOR[eve];
      holidayEffects.push({ date: d, name: 'New Year eve shopping', factor: NEW_YEAR_EVE_FACTOR[eve] });
    }
  }
  holidayEffects.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const weekly = new Float64Array(nDays);
  const yearlyByDept = new Map<string, Float64Array>();
  for (const [dept, [amp, peak]] of Object.entries(YEARLY)) {
    const arr = new Float64Array(nDays);
    for (let t = 0; t < nDays; t++) arr[t] = 1 + amp * Math.cos((2 * Math.PI * (dayOfYear(start + t) - peak)) / 365.25);
    yearlyByDept.set(dept, arr);
  }
  for (let t = 0; t < nDays; t++) weekly[t] = WEEKLY[dayOfWeek(start + t)];

  // Items: static attributes first (a fixed number of draws each), then their own streams.
  const items: ItemPlan[] = [];
  const itemRngs: Random[] = [];
  const futureHorizon = 120;
  for (let i = 0; i < nItems; i++) {
    const rng = master.fork();
    itemRngs.push(rng);
    const cls = CLASSES[rng.int(CLASSES.length)];
    const subclass = cls.subclasses[rng.int(cls.subclasses.length)];
    const base = Math.exp(rng.normal() * 0.9 - 0.2);
    const growth = rng.normal() * 0.15;
    const unitWeight = cls.weighted ? 0.2 + rng.next() * 1.3 : 1;
    const launched = rng.next() < 0.18;
    const launch = launched ? start + 30 + rng.int(600) : start - 30 - rng.int(700);
    const delisted = rng.next() < 0.1;
    const delist = delisted ? Math.max(launch, start) + 150 + rng.int(500) : Number.POSITIVE_INFINITY;
    const price0 = price2(cls.price[0] + rng.next() * (cls.price[1] - cls.price[0]));
    const id = hex(rng, 12);
    items.push({
      id, cls, subclass, base, growth, unitWeight, launch, delist, price0,
      price: new Float64Array(nDays + futureHorizon), promoPrice: new Float64Array(nDays + futureHorizon).fill(NaN),
      priceChanges: [], promos: [],
    });
  }
  // Price and promotion schedules, each from its own stream in date order.
  for (let i = 0; i < nItems; i++) {
    const it = items[i];
    const priceRng = itemRngs[i].fork();
    const promoRng = itemRngs[i].fork();
    const farRng = itemRngs[i].fork();
    const span = nDays + futureHorizon;
    let p = it.price0;
    let t = 0;
    it.priceChanges.push({ day: start, price: p });
    while (t < span) {
      const next = t + 45 + priceRng.int(110);
      const until = Math.min(next, span);
      for (let k = t; k < until; k++) it.price[k] = p;
      if (next < nDays) {
        p = price2(p * (1 + 0.03 + 0.05 * priceRng.normal()));
        it.priceChanges.push({ day: start + next, price: p });
      }
      t = next;
    }
    t = 20 + promoRng.int(60);
    while (t < span) {
      const length = 3 + promoRng.int(12);
      const depth = 0.1 + promoRng.next() * 0.3;
      const type = 1 + promoRng.int(3);
      const doc = hex(promoRng, 10);
      it.promos.push({ start: start + t, length, depth, type, doc });
      for (let k = t; k < Math.min(t + length, span); k++) it.promoPrice[k] = price2(it.price[k] * (1 - depth));
      t += length + 25 + promoRng.int(90);
    }
    // A few promotions planned far ahead (a quirk of the real files: documents dated years later).
    if (farRng.next() < 0.08) {
      it.promos.push({ start: start + 1500 + farRng.int(400), length: 7, depth: 0.2, type: 9, doc: hex(farRng, 10) });
    }
  }

  // Series: which stores carry which item, and from when (actual_matrix).
  interface Series { store: StoreSpec; storeIdx: number; item: ItemPlan; listFrom: number; rng: Random; onlineRng: Random; stockoutLeft: number }
  const series: Series[] = [];
  const matrixLines: string[] = [];
  for (let i = 0; i < nItems; i++) {
    for (let s = 0; s < STORES.length; s++) {
      const rng = itemRngs[i].fork();
      const onlineRng = rng.fork();
      const carried = rng.next() < STORES[s].assortment;
      const listFrom = Math.max(items[i].launch, start - 800) + rng.int(15);
      if (!carried) continue;
      series.push({ store: STORES[s], storeIdx: s, item: items[i], listFrom, rng, onlineRng, stockoutLeft: 0 });
    }
  }
  // actual_matrix is the current assortment: delisted items are absent (their sales just stop).
  const matrixRows = series
    .filter((se) => !(se.item.delist <= end) && se.listFrom <= end)
    .map((se) => [se.item.id, formatDay(se.listFrom), se.store.id] as const);
  matrixRows.forEach((r, k) => matrixLines.push(`${k},${r[0]},${r[1]},${r[2]}`));

  const salesLines: string[] = [];
  const onlineLines: string[] = [];
  const markdownLines: string[] = [];
  const stockouts: RetailGroundTruth['stockouts'] = [];
  let returns = 0;
  let itemStoreDays = 0;
  let nSales = 0;
  let nOnline = 0;
  let nMarkdowns = 0;
  for (let t = 0; t < nDays; t++) {
    const day = start + t;
    const date = formatDay(day);
    const years = t / 365.25;
    const calendar = weekly[t] * holidayFactor[t];
    for (const se of series) {
      const it = se.item;
      if (day < se.listFrom || day < it.launch || day >= it.delist) continue;
      itemStoreDays++;
      const rng = se.rng;
      const e = it.cls.elasticity;
      const regular = it.price[t];
      const promo = it.promoPrice[t];
      const effective = Number.isNaN(promo) ? regular : promo;
      const ageDays = day - it.launch;
      const rampUp = ageDays < 60 ? 0.4 + 0.6 * (ageDays / 60) : 1;
      let lambda = it.base * se.store.size * Math.exp(it.growth * years) * calendar *
        (yearlyByDept.get(it.cls.dept) as Float64Array)[t] * Math.pow(regular / it.price0, e) *
        Math.pow(effective / regular, e) * rampUp;
      if (day >= shiftFrom && shiftStores.has(se.store.id)) lambda *= (o.demandShift as DemandShift).factor;
      // Event draws come first, a fixed three per day; the Poisson draw after them consumes a
      // number of values that depends on demand, so a demand shift changes only later days.
      const u1 = rng.next();
      const u2 = rng.next();
      const u3 = rng.next();
      let units = poisson(rng, lambda);
      let outOfStock = false;
      if (se.stockoutLeft > 0) {
        outOfStock = true;
        se.stockoutLeft--;
      } else if (u1 < 0.006) {
        outOfStock = true;
        se.stockoutLeft = rng.int(4);
      }
      if (outOfStock) {
        stockouts.push({ store_id: se.store.id, item_id: it.id, date, demand: Math.round(lambda * 1000) / 1000 });
        units = 0;
      } else if (u2 < 0.002) {
        units = -(1 + Math.floor(u3 * 2));
        returns++;
      }
      if (units !== 0) {
        const qty = it.cls.weighted ? Math.round(units * it.unitWeight * 1000) / 1000 : units;
        salesLines.push(`${nSales++},${date},${it.id},${qty},${regular.toFixed(2)},${(qty * effective).toFixed(2)},${se.store.id}`);
      }
      if (se.store.online) {
        const share = 0.03 + 0.04 * years;
        const ou = poisson(se.onlineRng, (lambda / calendar) * share * weekly[t]);
        if (ou > 0) {
          const qty = it.cls.weighted ? Math.round(ou * it.unitWeight * 1000) / 1000 : ou;
          onlineLines.push(`${nOnline++},${date},${it.id},${qty},${regular.toFixed(2)},${(qty * effective).toFixed(2)},${se.store.id}`);
        }
      }
      if (PERISHABLE.has(it.cls.dept) && u3 < 0.025 && !outOfStock) {
        const mdPrice = price2(regular * (0.5 + 0.2 * u1));
        const q = 1 + Math.floor(u3 * 160);
        markdownLines.push(`${nMarkdowns++},${date},${it.id},${regular.toFixed(2)},${mdPrice.toFixed(2)},${q},${se.store.id}`);
      }
    }
  }

  // Price history and promotions, per store carrying the item.
  const priceLines: string[] = [];
  const discountLines: string[] = [];
  const promoRows: { day: number; line: (k: number) => string }[] = [];
  for (const se of series) {
    const it = se.item;
    const from = Math.max(se.listFrom, it.launch, start);
    const last = Math.min(end, it.delist - 1);
    if (from > last) continue;
    let first = true;
    for (let c = 0; c < it.priceChanges.length; c++) {
      const ch = it.priceChanges[c];
      const nextDay = c + 1 < it.priceChanges.length ? it.priceChanges[c + 1].day : Infinity;
      if (nextDay <= from || ch.day > last) continue;
      const d = first ? Math.min(Math.max(ch.day, from), last) : ch.day;
      first = false;
      priceLines.push(`${formatDay(d)},${it.id},${ch.price.toFixed(2)},${c === 0 ? 1 : 2},${se.store.id}`);
    }
    for (const pr of it.promos) {
      if (pr.start + pr.length <= from || pr.start >= it.delist) continue;
      for (let k = 0; k < pr.length; k++) {
        const d = pr.start + k;
        if (d < from) continue;
        const off = d - start;
        const before = off < it.price.length ? it.price[off] : it.price[it.price.length - 1];
        const promoP = price2(before * (1 - pr.depth));
        const store = se.store.id;
        promoRows.push({
          day: d,
          line: (n) => `${n},${formatDay(d)},${it.id},${before.toFixed(2)},${promoP.toFixed(2)},${pr.type},${pr.doc},${k + 1},${store}`,
        });
      }
    }
  }
  // Price history is in date order with a sequential index, like the published file.
  const priceSorted = priceLines
    .map((l, k) => ({ l, k }))
    .sort((a, b) => (a.l < b.l ? -1 : a.l > b.l ? 1 : a.k - b.k))
    .map(({ l }, k) => `${k},${l}`);
  promoRows.sort((a, b) => a.day - b.day);
  promoRows.forEach((r, k) => discountLines.push(r.line(k)));

  const header = (f: RetailFileName): string => `,${RETAIL_COLUMNS[f].join(',')}`;
  const join = (f: RetailFileName, lines: string[]): string => `${header(f)}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
  const storeLines = STORES.map((s, k) => `${k},${s.id},${csvText(s.division)},${csvText(s.format)},${csvText(s.city)},${s.area}`);
  const catalogLines = items.map((it, k) => {
    const wv = it.cls.weighted ? '' : String(Math.round((0.1 + (it.base * 7919) % 1.4) * 100) / 100);
    const netto = it.cls.weighted ? String(Math.round(it.unitWeight * 1000) / 1000) : wv;
    const fat = it.cls.fat ? String([1.5, 2.5, 3.2, 6, 20, 45][Math.floor(it.base * 1000) % 6]) : '';
    return `${k},${it.id},${csvText(it.cls.dept)},${csvText(it.cls.cls)},${csvText(it.subclass)},${it.cls.weighted ? 'весовой' : 'штучный'},${wv},${netto},${fat}`;
  });

  const elasticity: Record<string, number> = {};
  for (const c of CLASSES) elasticity[c.cls] = c.elasticity;
  return {
    files: {
      'sales.csv': join('sales.csv', salesLines),
      'online.csv': join('online.csv', onlineLines),
      'markdowns.csv': join('markdowns.csv', markdownLines),
      'price_history.csv': join('price_history.csv', priceSorted),
      'discounts_history.csv': join('discounts_history.csv', discountLines),
      'stores.csv': join('stores.csv', storeLines),
      'catalog.csv': join('catalog.csv', catalogLines),
      'actual_matrix.csv': join('actual_matrix.csv', matrixLines),
    },
    groundTruth: {
      seed: o.seed,
      startDate: formatDay(start),
      endDate: formatDay(end),
      stores: STORES.length,
      items: nItems,
      itemStoreDays,
      elasticity,
      promotionEffect: 'demand x (sale_price_time_promo / sale_price_before_promo) ^ elasticity[class_name]',
      holidayEffects,
      weekly: [...WEEKLY],
      stockouts,
      returns,
      launches: items.filter((it) => it.launch >= start).map((it) => ({ item_id: it.id, date: formatDay(it.launch) })),
      delistings: items.filter((it) => it.delist <= end).map((it) => ({ item_id: it.id, date: formatDay(it.delist) })),
      demandShift: o.demandShift ?? null,
    },
  };
}
