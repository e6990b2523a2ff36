import { z } from "zod";
import type { Bus } from "@switchyard/api";
import { listen, type Db, type Listener } from "@switchyard/db";

export const EVENTS_CHANNEL = "switchyard_events";

const PayloadSchema = z.object({
  kind: z.enum(["published", "rollout", "data-planes"]),
  version: z.number().int().nullable(),
  origin: z.string(),
});
type Payload = z.infer<typeof PayloadSchema>;

export interface EventRelay {
  close(): Promise<void>;
}

/**
 * Several control planes on one Postgres: local publishes, rollout changes and data-plane state
 * changes go out as `NOTIFY switchyard_events`, and each instance LISTENs on a dedicated
 * connection, turning the others' events into local bus events (its hub then pushes to its own
 * data planes; its consoles refresh). PGlite serves one control plane, so there it does nothing.
 */
export async function startEventRelay(options: { db: Db; bus: Bus; controlPlaneId: string; log: (line: string) => void }): Promise<EventRelay> {
  const { db, bus, controlPlaneId, log } = options;
  if (db.embedded) return { close: async () => {} };

  let closed = false;
  let listener: Listener | null = null;
  let retry: NodeJS.Timeout | null = null;

  const onNotify = (text: string) => {
    let payload: Payload;
    try {
      payload = PayloadSchema.parse(JSON.parse(text));
    } catch {
      return;
    }
    if (payload.origin === controlPlaneId) return;
    if (payload.kind === "data-planes") bus.emit("data-planes-changed", { remote: true });
    else bus.emit("rollout-changed", { version: payload.version ?? 0, remote: true });
  };

  async function connect(): Promise<void> {
    listener = await listen({
      url: db.url,
      channel: EVENTS_CHANNEL,
      onNotify,
      onError(error) {
        listener = null;
        log(`event relay: ${error.message}; reconnecting`);
        scheduleReconnect();
      },
    });
  }

  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().then(
        // Events may have been missed meanwhile: have the hub re-read the rollout.
        () => bus.emit("rollout-changed", { version: 0, remote: true }),
        (error: unknown) => {
          log(`event relay: reconnect failed: ${(error as Error).message}`);
          scheduleReconnect();
        },
      );
    }, 1_000);
  }

  await connect();

  const notify = (kind: Payload["kind"], version: number | null) => {
    const payload: Payload = { kind, version, origin: controlPlaneId };
    db.prisma.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(payload)})`.catch((error: unknown) =>
      log(`event relay: NOTIFY failed: ${(error as Error).message}`),
    );
  };
  const onPublished = (snapshot: { version: number }) => notify("published", snapshot.version);
  const onRollout = (event: { version: number; remote?: boolean }) => {
    if (!event.remote) notify("rollout", event.version);
  };
  const onDataPlanes = (event?: { remote?: boolean }) => {
    if (!event?.remote) notify("data-planes", null);
  };
  bus.on("config-published", onPublished);
  bus.on("rollout-changed", onRollout);
  bus.on("data-planes-changed", onDataPlanes);

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      bus.off("config-published", onPublished);
      bus.off("rollout-changed", onRollout);
      bus.off("data-planes-changed", onDataPlanes);
      await listener?.close();
    },
  };
}
