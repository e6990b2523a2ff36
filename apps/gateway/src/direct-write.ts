import { Socket } from "node:net";

/**
 * Writes a latin1 string (a request or response head with a small body) straight to a plain TCP
 * socket's handle, skipping Node's Writable machinery: the state machine, the write request's
 * JavaScript set-up and the next-tick pass that follows every synchronous write measured ~4% of
 * the proxy worker's CPU time, for two writes per proxied request that are nearly always taken by
 * the kernel at once. Nothing changes in what reaches the socket or in its order: the handle is
 * what `socket.write` ends up calling, and libuv queues a write behind any still pending.
 *
 * Taken only when the socket has nothing queued or corked and no earlier direct write is pending;
 * anything else (TLS, connecting, ending, a Node without the binding) goes through `socket.write`.
 * When the kernel takes only part, libuv keeps the rest (copied); the socket then emits 'drain'
 * once it is out, as it would after a full Writable, and false is returned.
 *
 * `done` runs after the write: when it was synchronous, once the current callback's code is done
 * (a microtask: Writable's next tick without the tick queue's pass), with an error when it failed
 * (the socket is destroyed with it).
 */
export function writeLatin1(target: LatinWritable, text: string, done?: (err?: Error | null) => void): boolean {
  if (binding === null || target.constructor !== Socket) return done === undefined ? target.write(text, "latin1") : target.write(text, "latin1", done);
  const socket = target as Socket;
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  if (handle === null || socket.connecting || socket.writableLength !== 0 || socket.writableCorked !== 0 || socket.writableEnded ||
    socket.destroyed || (socket as PendingMark)[PENDING] === true) {
    return done === undefined ? socket.write(text, "latin1") : socket.write(text, "latin1", done);
  }
  const req = new WriteWrap!() as WriteRequest;
  req.handle = handle;
  req.oncomplete = onComplete;
  req.async = false;
  req.bytes = 0;
  req.buffer = null;
  req.socket = socket;
  req.callback = done ?? null;
  const err = handle.writeLatin1String(req, text);
  if (err !== 0) {
    const error = Object.assign(new Error(`write failed (libuv error ${err})`), { errno: err, syscall: "write" });
    socket.destroy(error);
    if (done !== undefined) process.nextTick(done, error);
    return false;
  }
  if (streamBaseState![LAST_WRITE_WAS_ASYNC] === 0) {
    if (done !== undefined) queueMicrotask(done);
    return true;
  }
  req.async = true;
  (socket as PendingMark)[PENDING] = true;
  return false;
}

/** What is written to: a net.Socket takes the direct path, anything else its own write(). */
export interface LatinWritable {
  write(data: string, encoding: "latin1", cb?: (err?: Error | null) => void): boolean;
  readonly writableLength: number;
}
interface StreamHandle { writeLatin1String(req: object, text: string): number }
interface WriteRequest {
  handle: StreamHandle; oncomplete: (this: WriteRequest, status: number) => void; async: boolean; bytes: number; buffer: null;
  socket: Socket; callback: ((err?: Error | null) => void) | null;
}
interface StreamWrapBinding { WriteWrap: new () => object; streamBaseState: Int32Array; kLastWriteWasAsync: number }
type PendingMark = Socket & { [PENDING]?: boolean };

const PENDING = Symbol("directWritePending");

/** libuv finished a write the kernel didn't take at once. */
function onComplete(this: WriteRequest, status: number): void {
  const socket = this.socket;
  (socket as PendingMark)[PENDING] = false;
  if (status < 0) {
    const error = Object.assign(new Error(`write failed (libuv error ${status})`), { errno: status, syscall: "write" });
    socket.destroy(error);
    this.callback?.(error);
    return;
  }
  this.callback?.(null);
  if (!socket.destroyed) socket.emit("drain");
}

/**
 * Node's stream binding (WriteWrap and the state its writes report into), through
 * process.binding's allow-list; null where that is gone or different, and every write then takes
 * the ordinary path.
 */
const binding = ((): StreamWrapBinding | null => {
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding("stream_wrap");
    return typeof b.WriteWrap === "function" && b.streamBaseState instanceof Int32Array && typeof b.kLastWriteWasAsync === "number"
      ? (b as StreamWrapBinding) : null;
  } catch {
    return null;
  }
})();

/** Bytes of this socket are still on their way out (queued by Writable or left by a direct write). */
export function writePending(socket: LatinWritable): boolean {
  return socket.writableLength > 0 || (socket as PendingMark)[PENDING] === true;
}

// Kept apart from the binding object: loads from it (a dictionary-mode object) can't be inlined.
const WriteWrap = binding?.WriteWrap ?? null;
const streamBaseState = binding?.streamBaseState ?? null;
const LAST_WRITE_WAS_ASYNC = binding?.kLastWriteWasAsync ?? 0;

/** Whether writes can take the direct path on this Node (tests). */
export const directWritesAvailable = binding !== null;
