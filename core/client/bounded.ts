// Core side: size-capped maps and sets for everything a client keeps in memory about what a server sent, so a
// hostile or simply huge server cannot make it grow without end. Oldest insertion (or last refresh) goes first.
export class BoundedMap<K, V> extends Map<K, V> {
  readonly limit: number;

  constructor(limit: number) {
    super();
    this.limit = limit;
  }

  override set(key: K, value: V): this {
    if (super.has(key)) super.delete(key);
    super.set(key, value);
    while (super.size > this.limit) {
      const oldest = super.keys().next();
      if (oldest.done) break;
      super.delete(oldest.value);
    }
    return this;
  }
}

export class BoundedSet<T> extends Set<T> {
  readonly limit: number;

  constructor(limit: number) {
    super();
    this.limit = limit;
  }

  override add(value: T): this {
    if (super.has(value)) super.delete(value);
    super.add(value);
    while (super.size > this.limit) {
      const oldest = super.values().next();
      if (oldest.done) break;
      super.delete(oldest.value);
    }
    return this;
  }
}
