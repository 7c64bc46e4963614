'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useTransition } from 'react';

interface Current {
  store?: string;
  category?: string;
  item?: string;
  horizon: number;
}

/**
 * The Forecasts pickers. Filters live in the URL: a change navigates to `/forecasts?...` (so a view
 * can be shared), the page renders the new forecast on the server. Without JavaScript the form is
 * an ordinary GET form with its Show button.
 */
export function ForecastFilters({ stores, categories, items, current, weekly }: { stores: string[]; categories: string[]; items: string[]; current: Current; weekly: boolean }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [pending, startTransition] = useTransition();
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const navigate = () => {
    const el = form.current;
    if (!el) return;
    const horizon = el.elements.namedItem(weekly ? 'weeks' : 'horizon');
    if (horizon instanceof HTMLInputElement && !horizon.checkValidity()) return;
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(el)) if (typeof v === 'string' && v.trim() !== '') params.set(k, v.trim());
    const qs = params.toString();
    startTransition(() => router.push(qs ? `/forecasts?${qs}` : '/forecasts', { scroll: false }));
  };
  const later = (ms: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(navigate, ms);
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
          <select name="store" defaultValue={current.store ?? ''} onChange={navigate}>
            <option value="">All stores</option>
            {stores.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      )}
      {categories.length > 0 && (
        <label>
          Category
          <select name="category" defaultValue={current.category ?? ''} onChange={navigate}>
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
            defaultValue={current.item ?? ''}
            placeholder="all items"
            autoComplete="off"
            onChange={(e) => {
              // A pick from the list (or a cleared box) applies at once; free typing waits for Enter or Show.
              const v = e.currentTarget.value.trim();
              if (v === '' || items.includes(v)) later(150);
            }}
          />
          <datalist id="items">
            {items.map((i) => (
              <option key={i} value={i} />
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
