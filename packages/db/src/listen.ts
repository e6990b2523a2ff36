import pg from "pg";

export interface Listener {
  close(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  /** A plain identifier (it is not quoted). */
  channel: string;
  onNotify(payload: string): void;
  /** The connection broke; it is closed, open a new listener to continue. */
  onError(error: Error): void;
}

/**
 * `LISTEN channel` on a dedicated connection: a pooled one would be handed to other queries
 * and could be closed while idle.
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`Invalid channel name ${options.channel}`);
  const client = new pg.Client({ connectionString: options.url });
  let closed = false;
  client.on("notification", (message) => {
    if (message.channel === options.channel && message.payload !== undefined) options.onNotify(message.payload);
  });
  client.on("error", (error) => {
    if (closed) return;
    closed = true;
    void client.end().catch(() => {});
    options.onError(error);
  });
  await client.connect();
  try {
    await client.query(`LISTEN ${options.channel}`);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
