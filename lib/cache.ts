import { subscribeProductionChange } from './registry/events';
import { processSingleton } from './process-state';

/**
 * The forecast cache (docs/serving.md): in-process LRU with a time to live (one hour by default), keyed by
 * tenant, production version and parameters. A promotion or rollback clears the tenant's entries,
 * and since the version is part of the key, a change made by another process is never served stale.
 */
export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
  capacity: number;
  ttlSeconds: number;
  hitRatio: number;
}

export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly capacity = 5000,
    private readonly ttlMs = 3_600_000,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e || e.expires <= this.clock()) {
      if (e) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Refresh recency: Map keeps insertion order, so re-insert at the end.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.clock() + this.ttlMs });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Removes every key starting with `prefix`. */
  clearPrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  stats(): CacheStats {
    const total = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, size: this.entries.size, capacity: this.capacity, ttlSeconds: this.ttlMs / 1000, hitRatio: total ? this.hits / total : 0 };
  }
}

const ttlSeconds = () => {
  const n = Number(process.env.FORECAST_CACHE_TTL_SECONDS ?? 3600);
  return Number.isFinite(n) && n > 0 ? n : 3600;
};

let cache: LruCache<unknown> | undefined;

/** The process's forecast cache, cleared per tenant when its production version changes. */
export function forecastCache(): LruCache<unknown> {
  cache ??= processSingleton('cache.forecasts', () => {
    const created = new LruCache<unknown>(5000, ttlSeconds() * 1000);
    // On first use, not at import: whoever reads the cache also gets it cleared on promotion.
    subscribeProductionChange((tenantId) => created.clearPrefix(`${tenantId}\u0000`));
    return created;
  });
  return cache;
}

export function forecastCacheKey(tenantId: string, versionId: string, params: Record<string, unknown>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((k) => `${k}=${JSON.stringify(params[k])}`)
    .join('&');
  return `${tenantId}\u0000${versionId}\u0000${sorted}`;
}
