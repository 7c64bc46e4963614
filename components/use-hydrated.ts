'use client';
import { useSyncExternalStore } from 'react';

const subscribe = (): (() => void) => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, true after. A form that only
 * works from its client code (a file upload posted with fetch) disables its controls until then:
 * a choice made before hydration would be reset by it, and a submit would post the form natively.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
