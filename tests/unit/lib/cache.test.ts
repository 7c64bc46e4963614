import { describe, it, expect } from 'vitest';
import { LruCache, forecastCache, forecastCacheKey } from '@/lib/cache';
import { onProductionChange } from '@/lib/registry/events';

describe('forecast cache', () => {
  it('expires entries after the TTL and evicts the least recently used', () => {
    let now = 0;
    const c = new LruCache<number>(2, 1000, () => now);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now most recent
    c.set('c', 3); // evicts b
    expect(c.get('b')).toBeUndefined();
    now = 1500;
    expect(c.get('a')).toBeUndefined();
    expect(c.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('keys by tenant, version and parameters in any order, and a promotion clears only that tenant', () => {
    const cache = forecastCache();
    const k1 = forecastCacheKey('demo', 'v1', { store: '1', horizon: 30 });
    expect(forecastCacheKey('demo', 'v1', { horizon: 30, store: '1' })).toBe(k1);
    expect(forecastCacheKey('demo', 'v2', { horizon: 30, store: '1' })).not.toBe(k1);
    cache.set(k1, 'demo forecast');
    cache.set(forecastCacheKey('other', 'v1', {}), 'other forecast');
    onProductionChange('demo');
    expect(cache.get(k1)).toBeUndefined();
    expect(cache.get(forecastCacheKey('other', 'v1', {}))).toBe('other forecast');
  });

  it('rejects a bad capacity or TTL', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(10, -1)).toThrow(RangeError);
  });
});
