import { once } from "node:events";
import net, { type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { directWritesAvailable, writeLatin1, writePending } from "./direct-write.ts";

/** A connected pair on loopback: `sender` is ours, `receiver` the peer (paused until read). */
async function socketPair(): Promise<{ sender: Socket; receiver: Socket; close(): void }> {
  const server = net.createServer({ pauseOnConnect: true });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const sender = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
  const [receiver] = (await once(server, "connection")) as [Socket];
  if (sender.connecting) await once(sender, "connect");
  return { sender, receiver, close: () => { sender.destroy(); receiver.destroy(); server.close(); } };
}

async function readAll(socket: Socket, bytes: number): Promise<string> {
  let text = "";
  socket.setEncoding("latin1");
  socket.resume();
  for await (const chunk of socket) {
    text += chunk as string;
    if (text.length >= bytes) break;
  }
  return text;
}

describe("writeLatin1", () => {
  let close = () => {};
  afterEach(() => close());

  it("is available on this Node (else every write takes socket.write)", () => {
    expect(directWritesAvailable).toBe(true);
  });

  it("writes what the kernel takes at once and calls back after the current code, like socket.write", async () => {
    const pair = await socketPair();
    close = pair.close;
    const events: string[] = [];
    // The Writable path is not taken at all.
    (pair.sender as unknown as { _write: unknown })._write = () => { throw new Error("went through Writable"); };
    const ok = writeLatin1(pair.sender, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhé", (err) => events.push(`done ${err ?? null}`));
    events.push("returned");
    expect(ok).toBe(true);
    expect(writePending(pair.sender)).toBe(false);
    await new Promise((r) => process.nextTick(r));
    expect(events).toEqual(["returned", "done null"]);
    const text = await readAll(pair.receiver, 40);
    expect(text).toBe("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhé");
    expect(pair.sender.bytesWritten).toBe(40);
  });

  // The peer doesn't read, so the kernel takes only part: libuv keeps the rest, the caller hears
  // false, later writes (through socket.write) queue behind it, and 'drain' and the callback come
  // once it is all out.
  it("keeps order and reports backpressure when the kernel takes only part", async () => {
    const pair = await socketPair();
    close = pair.close;
    const big = "a".repeat(4 * 1024 * 1024) + "b";
    let done: Error | null | undefined;
    const ok = writeLatin1(pair.sender, big, (err) => { done = err ?? null; });
    expect(ok).toBe(false);
    expect(writePending(pair.sender)).toBe(true);
    // Neither of these may overtake the pending bytes.
    expect(writeLatin1(pair.sender, "-second-")).toBe(true);
    pair.sender.write("-third");
    const drained = once(pair.sender, "drain");
    const text = await readAll(pair.receiver, big.length + 14);
    await drained;
    expect(done).toBeNull();
    expect(writePending(pair.sender)).toBe(false);
    expect(text.length).toBe(big.length + 14);
    expect(text.endsWith("ab-second--third")).toBe(true);
  });

  it("leaves other writables, corked and ending sockets to their own write()", async () => {
    const written: string[] = [];
    const fake = { writableLength: 0, write: (data: string) => { written.push(data); return true; } };
    expect(writeLatin1(fake, "x")).toBe(true);
    expect(written).toEqual(["x"]);

    const pair = await socketPair();
    close = pair.close;
    pair.sender.cork();
    writeLatin1(pair.sender, "one ");
    expect(pair.sender.writableLength).toBe(4); // queued by Writable, not sent around the cork
    writeLatin1(pair.sender, "two");
    pair.sender.uncork();
    expect(await readAll(pair.receiver, 7)).toBe("one two");
  });

  it("fails the callback and destroys the socket when the write fails", async () => {
    const pair = await socketPair();
    close = pair.close;
    pair.receiver.resetAndDestroy();
    await once(pair.sender, "error").catch(() => {});
    // Reset by the peer: either the read side already saw it (socket destroyed, ordinary path)
    // or the write does; the callback hears an error both ways and nothing is thrown.
    const err = await new Promise<Error | null | undefined>((resolve) => {
      pair.sender.on("error", () => {});
      writeLatin1(pair.sender, "after reset", (e) => resolve(e));
    });
    expect(err).toBeInstanceOf(Error);
    expect(pair.sender.destroyed).toBe(true);
  });
});
