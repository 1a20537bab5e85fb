/**
 * Rows written to the database in the background, together: the first row added schedules one write
 * of everything pending `everyMs` later; writes go one after another, in order. A write the database
 * refuses keeps its rows (beyond `max` the oldest are dropped) and is tried again `retryMs` later.
 * Adding a row never waits. Used by the question log, the shared send log and the shared
 * conversation subjects.
 */
export interface Batches<T> {
  add(row: T): void;
  /** Writes what is pending now, after any write in progress; rejects when it fails (its rows stay pending). */
  flush(): Promise<void>;
  /** Writes what is pending and stops the timer; never rejects. */
  stop(): Promise<void>;
}

export interface BatchOptions {
  everyMs: number;
  retryMs: number;
  /** Rows kept waiting at most. */
  max: number;
  /** A write failed; `pending` rows are kept for the next. */
  failed: (err: unknown, pending: number) => void;
}

export function batches<T>(write: (rows: T[]) => Promise<void>, o: BatchOptions): Batches<T> {
  let pending: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** The write in progress: the next waits for it, so that what is flushed is written in order. */
  let writing: Promise<void> = Promise.resolve();
  const schedule = (ms: number) => {
    timer = setTimeout(() => void flush().catch(() => {}), ms);
    timer.unref();
  };
  const writeNow = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    try {
      await write(batch);
    } catch (err) {
      pending = [...batch, ...pending].slice(-o.max);
      o.failed(err, pending.length);
      if (!timer) schedule(o.retryMs);
      throw err;
    }
  };
  const flush = () => (writing = writing.catch(() => {}).then(writeNow));
  return {
    add: (row) => {
      pending.push(row);
      if (pending.length > o.max) pending.shift();
      if (!timer) schedule(o.everyMs);
    },
    flush,
    stop: async () => {
      await flush().catch(() => {});
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
