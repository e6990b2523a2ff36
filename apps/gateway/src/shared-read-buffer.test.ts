import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { own, readAsStream, readIntoSharedBuffer, SHARED_READ_BUFFER } from "./shared-read-buffer.ts";

function once<T>(register: (done: (v: T) => void) => void): Promise<T> {
  return new Promise(register);
}

describe("shared read buffer for accepted sockets", () => {
  it("reads into the one buffer with a callback, pauses on false, and goes back to 'data' events with copies", async () => {
    const seen: { text: string; shared: boolean }[] = [];
    let accepted!: Socket;
    let switched = false;
    const server = createServer((socket) => {
      accepted = socket;
      switched = readIntoSharedBuffer(socket, (chunk) => {
        seen.push({ text: chunk.toString(), shared: chunk.buffer === SHARED_READ_BUFFER.buffer });
        return false; // pause after each read
      });
    });
    await once<void>((done) => server.listen(0, "127.0.0.1", () => done()));
    const client = connect((server.address() as AddressInfo).port, "127.0.0.1");
    try {
      await once<void>((done) => client.once("connect", () => done()));
      client.write("first");
      await expect.poll(() => seen.length).toBe(1);
      expect(switched).toBe(true);
      expect(seen[0]).toEqual({ text: "first", shared: true });

      client.write("second"); // not read while paused
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toHaveLength(1);

      readAsStream(accepted);
      const data = once<Buffer>((done) => accepted.once("data", done));
      accepted.resume();
      const chunk = await data;
      expect(chunk.toString()).toBe("second");
      expect(chunk.buffer).not.toBe(SHARED_READ_BUFFER.buffer);
      expect(seen).toHaveLength(1);

      const ended = once<void>((done) => accepted.once("end", () => done()));
      client.end();
      await ended;
    } finally {
      client.destroy();
      await once<void>((done) => server.close(() => done()));
    }
  });

  it("own() copies only pieces of the shared buffer", () => {
    SHARED_READ_BUFFER.write("abc", 0, "latin1");
    const view = SHARED_READ_BUFFER.subarray(0, 3);
    const kept = own(view);
    expect(kept.buffer).not.toBe(SHARED_READ_BUFFER.buffer);
    SHARED_READ_BUFFER.write("xyz", 0, "latin1");
    expect(kept.toString()).toBe("abc");
    const other = Buffer.from("def");
    expect(own(other)).toBe(other);
  });
});
