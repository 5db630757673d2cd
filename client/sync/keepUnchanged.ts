/**
 * Structural sharing for state read afresh out of a document: the new value,
 * except that every part equal to the same part of the previous value is the
 * previous object. A store selector and `React.memo` compare by identity, so
 * a component then re-renders only for what really changed
 * (docs/client.md, "Reading the exercise").
 *
 * Plain objects are matched key by key; arrays of records (objects with a
 * string `id`) by id, so a record keeps its object when another one is added
 * before it or removed; other arrays by position. Anything else is compared
 * with `Object.is`. The values are plain data (what the document readers
 * return), never class instances, which are always taken new.
 */
export function keepUnchanged<T>(previous: T, next: T): T {
  return keep(previous, next) as T;
}

function keep(previous: unknown, next: unknown): unknown {
  if (Object.is(previous, next)) return previous;
  if (Array.isArray(previous) && Array.isArray(next)) return keepItems(previous, next);
  if (isPlainObject(previous) && isPlainObject(next)) return keepFields(previous, next);
  return next;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function keepFields(previous: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(previous).length;
  // Built from entries, not by assignment: a key such as `__proto__` (a record
  // id is anything a client wrote) must stay an own field.
  const entries = keys.map((key): [string, unknown] => {
    const had = Object.prototype.hasOwnProperty.call(previous, key);
    const value = had ? keep(previous[key], next[key]) : next[key];
    if (!had || value !== previous[key]) same = false;
    return [key, value];
  });
  return same ? previous : Object.fromEntries(entries);
}

function idOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}

function keepItems(previous: unknown[], next: unknown[]): unknown[] {
  const byId = new Map<string, unknown>();
  for (const item of previous) {
    const id = idOf(item);
    if (id !== null) byId.set(id, item);
  }
  let same = previous.length === next.length;
  const items = next.map((item, index) => {
    const id = idOf(item);
    const before = id !== null ? byId.get(id) : index < previous.length ? previous[index] : undefined;
    const value = before === undefined ? item : keep(before, item);
    if (value !== previous[index]) same = false;
    return value;
  });
  return same ? previous : items;
}
