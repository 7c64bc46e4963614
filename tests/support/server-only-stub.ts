// In unit tests 'server-only' is a no-op: the guard matters only inside the Next.js bundle.
export {};
