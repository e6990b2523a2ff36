import { Socket } from "node:net";

/**
 * What plain TCP connections read into, one per worker, on both sides of the proxy: a stream
 * socket allocates a 64 KB backing store and an ArrayBuffer for every read, and freeing those is
 * much of each young-generation GC pause (V8's array-buffer sweep), which at a steady rate is what
 * the slowest 1% of requests wait for. Reads are handled synchronously, and every part of a read
 * that is kept beyond that (a partial head, pipelined bytes, body pieces) is copied first (own()).
 */
export const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A piece of a read that is kept past it: a copy when it lies in SHARED_READ_BUFFER (which has its own ArrayBuffer). */
export function own(part: Buffer): Buffer {
  return part.buffer === SHARED_READ_BUFFER.buffer ? Buffer.from(part) : part;
}

/**
 * net's `onread` (read into a given buffer, a callback instead of 'data') is an option of sockets
 * Node creates for connect(); a server builds its accepted sockets itself, without it. The same
 * mode is switched on for an accepted socket through the two fields the option sets, found on a
 * probe socket made with it. null where this Node has no such fields (the socket then reads as a
 * stream does).
 */
const onreadFields = ((): { buffer: symbol; callback: symbol } | null => {
  const probe = new Socket({ onread: { buffer: Buffer.alloc(1), callback: () => true } });
  const find = (name: string) => Object.getOwnPropertySymbols(probe).find((s) => s.description === name);
  const buffer = find("kBuffer"), callback = find("kBufferCb");
  probe.destroy();
  return buffer !== undefined && callback !== undefined ? { buffer, callback } : null;
})();

interface UserBufferHandle { useUserBuffer?(buffer: Uint8Array): void }

/**
 * Makes an accepted plain TCP socket read into SHARED_READ_BUFFER and call `onRead(chunk)` (a view
 * of the buffer, valid until it returns; false pauses reading) instead of emitting 'data'. Must be
 * called before the first read arrives (in the 'connection' event). false, and nothing changed,
 * for a socket that can't (TLS sockets: their reads go through the TLS layer).
 */
export function readIntoSharedBuffer(socket: Socket, onRead: (chunk: Buffer) => boolean): boolean {
  const handle = (socket as unknown as { _handle: UserBufferHandle | null })._handle;
  if (onreadFields === null || handle === null || typeof handle.useUserBuffer !== "function" || socket.constructor !== Socket) return false;
  handle.useUserBuffer(SHARED_READ_BUFFER);
  const fields = socket as unknown as Record<symbol, unknown>;
  fields[onreadFields.buffer] = SHARED_READ_BUFFER;
  fields[onreadFields.callback] = (n: number) => onRead(SHARED_READ_BUFFER.subarray(0, n));
  return true;
}

/**
 * Back to 'data' events for a socket given to other code (Node's HTTP server): each read is
 * copied out of the shared buffer and pushed into the socket's stream as a read of its own
 * would be. (While Node's HTTP parser consumes the socket, reads go to the parser and this
 * isn't called at all.)
 */
export function readAsStream(socket: Socket): void {
  if (onreadFields === null) return;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[onreadFields.buffer] !== SHARED_READ_BUFFER) return;
  fields[onreadFields.callback] = (n: number) => socket.push(Buffer.from(SHARED_READ_BUFFER.subarray(0, n)));
}
