import type { Bus } from "../bus.ts";

/**
 * Yields `{ at }` whenever a data plane changes, a version is published or a rollout changes, until `signal` aborts.
 * Bursts between two reads collapse into one event: the console only refetches on it.
 */
export async function* onDataPlanesChange(options: { bus: Bus; signal?: AbortSignal | undefined }): AsyncGenerator<{ at: string }> {
  let pending = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    pending = true;
    wake?.();
  };
  options.bus.on("data-planes-changed", notify);
  options.bus.on("config-published", notify);
  options.bus.on("rollout-changed", notify);
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    while (!options.signal?.aborted) {
      if (!pending) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        wake = null;
        continue;
      }
      pending = false;
      yield { at: new Date().toISOString() };
    }
  } finally {
    options.bus.off("data-planes-changed", notify);
    options.bus.off("config-published", notify);
    options.bus.off("rollout-changed", notify);
  }
}
