/** Drops undefined entries, so `{ ...defaults, ...definedOnly(overrides) }` keeps unset defaults. */
export function definedOnly<T extends object>(o: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
