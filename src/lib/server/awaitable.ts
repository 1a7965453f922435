/**
 * What a seam between processes answers: a value now (the in-memory implementation one
 * process uses) or later (a store that several share, over the network). Callers await it.
 */
export type Awaitable<T> = T | Promise<T>;
