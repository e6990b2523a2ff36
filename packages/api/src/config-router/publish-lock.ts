import type { Db } from "@switchyard/db";

const tails = new WeakMap<Db, Promise<unknown>>();

/**
 * Runs publishes of one control plane one at a time. They would serialise on the version number
 * anyway (the loser retries), and on the embedded database's single connection a queue of large
 * concurrent writes otherwise exceeds Prisma's wait for a transaction slot.
 */
export function withPublishLock<T>(db: Db, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(db) ?? Promise.resolve();
  const run = previous.then(task, task);
  tails.set(db, run.catch(() => {}));
  return run;
}
