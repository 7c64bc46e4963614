'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, useTransition } from 'react';
import type { NamedValue, PickerItem } from '@/ml/data/names';

interface Current {
  store?: string;
  category?: string;
  item?: string;
  horizon: number;
}

const lower = (s: string) => s.trim().toLocaleLowerCase('en');

/** The item id a typed text means among `items`: a label, an id in any case, or a name only one item has. */
function itemIdOf(items: readonly PickerItem[], text: string): string | null {
  const t = lower(text);
  if (t === '') return null;
  const hit = items.find((i) => lower(i.label) === t) ?? items.find((i) => lower(i.id) === t);
  if (hit) return hit.id;
  const named = items.filter((i) => i.name !== null && lower(i.name) === t);
  return named.length === 1 ? named[0].id : null;
}

/**
 * The Forecasts pickers. Filters live in the URL: a change navigates to `/forecasts?...` (so a view
 * can be shared), the page renders the new forecast on the server. Stores and items are shown by
 * name and id, and searched by either in any case; the item list offers only the items sold in
 * the chosen store and category. Without JavaScript the form is an ordinary GET form with its Show
 * button (the server reads a label or name as well as an id).
 */
export function ForecastFilters({ stores, categories, items, current, weekly }: { stores: NamedValue[]; categories: string[]; items: PickerItem[]; current: Current; weekly: boolean }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [pending, startTransition] = useTransition();
  const [store, setStore] = useState(current.store ?? '');
  const [category, setCategory] = useState(current.category ?? '');
  const labelOf = (id: string | undefined) => items.find((i) => i.id === id)?.label ?? id ?? '';
  const [itemText, setItemText] = useState(() => labelOf(current.item));
  // After a navigation the page's selection is the stored one (an id typed in capitals, a name):
  // the pickers show it as stored, by name.
  const [shown, setShown] = useState(current);
  if (shown.store !== current.store || shown.category !== current.category || shown.item !== current.item) {
    setShown(current);
    setStore(current.store ?? '');
    setCategory(current.category ?? '');
    setItemText(labelOf(current.item));
  }
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const storeIndex = stores.findIndex((s) => s.id === store);
  const offered = useMemo(
    () => items.filter((i) => (storeIndex < 0 || i.stores.includes(storeIndex)) && (category === '' || i.category === category)),
    [items, storeIndex, category],
  );

  const navigate = (next: { store?: string; category?: string; item?: string } = {}) => {
    const el = form.current;
    if (!el) return;
    const horizon = el.elements.namedItem(weekly ? 'weeks' : 'horizon');
    if (horizon instanceof HTMLInputElement && !horizon.checkValidity()) return;
    const s = next.store ?? store;
    const c = next.category ?? category;
    const typed = next.item ?? itemText;
    const params = new URLSearchParams();
    if (s) params.set('store', s);
    if (c) params.set('category', c);
    if (typed.trim()) params.set('item', itemIdOf(items, typed) ?? typed.trim());
    if (horizon instanceof HTMLInputElement && horizon.value.trim()) params.set(horizon.name, horizon.value.trim());
    const qs = params.toString();
    startTransition(() => router.push(qs ? `/forecasts?${qs}` : '/forecasts', { scroll: false }));
  };
  const later = (ms: number, next?: Parameters<typeof navigate>[0]) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => navigate(next), ms);
  };
  /** A store or category change keeps the item only when it is still sold there. */
  const narrow = (next: { store: string; category: string }) => {
    const si = stores.findIndex((s) => s.id === next.store);
    const id = itemIdOf(items, itemText);
    const item = id ? items.find((i) => i.id === id) : undefined;
    const stillSold = item && (si < 0 || item.stores.includes(si)) && (next.category === '' || item.category === next.category);
    const keptText = item && !stillSold ? '' : itemText;
    if (keptText !== itemText) setItemText(keptText);
    navigate({ ...next, item: keptText });
  };

  return (
    <form
      ref={form}
      method="get"
      action="/forecasts"
      className="card form-grid"
      aria-label="Choose what to forecast"
      data-testid="forecast-filters"
      aria-busy={pending}
      onSubmit={(e) => {
        e.preventDefault();
        navigate();
      }}
    >
      {stores.length > 0 && (
        <label>
          Store
          <select
            name="store"
            value={store}
            onChange={(e) => {
              setStore(e.target.value);
              narrow({ store: e.target.value, category });
            }}
          >
            <option value="">All stores</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {categories.length > 0 && (
        <label>
          Category
          <select
            name="category"
            value={category}
            onChange={(e) => {
              setCategory(e.target.value);
              narrow({ store, category: e.target.value });
            }}
          >
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      )}
      {items.length > 0 && (
        <label>
          Item (type to search)
          <input
            name="item"
            list="items"
            value={itemText}
            placeholder={`all ${offered.length.toLocaleString('en')} items${store || category ? ' sold here' : ''}`}
            autoComplete="off"
            data-testid="item-picker"
            onChange={(e) => {
              const v = e.currentTarget.value;
              setItemText(v);
              // A pick from the list, a whole id or name (or a cleared box) applies at once; other typing waits for Enter or Show.
              if (v.trim() === '' || itemIdOf(offered, v) !== null) later(150, { item: v });
            }}
          />
          <datalist id="items" data-testid="item-options">
            {offered.map((i) => (
              <option key={i.id} value={i.label} />
            ))}
          </datalist>
        </label>
      )}
      {weekly ? (
        <label>
          Horizon (weeks, 1 to 13)
          <input name="weeks" type="number" inputMode="numeric" min={1} max={13} required defaultValue={Math.ceil(current.horizon / 7)} onChange={() => later(400)} />
        </label>
      ) : (
        <label>
          Horizon (days, 1 to 90)
          <input name="horizon" type="number" inputMode="numeric" min={1} max={90} required defaultValue={current.horizon} onChange={() => later(400)} />
        </label>
      )}
      <div className="actions-row">
        <button type="submit" disabled={pending}>
          Show
        </button>
        <span className="muted" aria-live="polite">
          {pending ? 'Updating…' : ''}
        </span>
      </div>
    </form>
  );
}
