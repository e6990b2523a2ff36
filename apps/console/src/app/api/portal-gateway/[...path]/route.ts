import { gatewayUrl } from "@/env.ts";

/** Request headers passed on to the gateway; everything else (cookies above all) stays here. */
const FORWARDED_REQUEST = ["accept", "content-type", "apikey", "x-api-key", "authorization"];
/** Response headers the browser must not get from a pass-through (the console's own transport decides these). */
const DROPPED_RESPONSE = new Set(["set-cookie", "connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"]);
const MAX_BODY = 1_000_000;
const PREFIX = "/api/portal-gateway";

const TOO_LARGE = Symbol("too large");

/**
 * The request body, up to `max` bytes: refused from its declared length before any of it is
 * read, and otherwise as soon as what arrived passes the limit (a chunked upload declares none),
 * so an oversized body is never held in memory. null when there is none.
 */
async function readBody(request: Request, max: number): Promise<Uint8Array<ArrayBuffer> | null | typeof TOO_LARGE> {
  if (Number(request.headers.get("content-length") ?? 0) > max) return TOO_LARGE;
  if (request.body === null) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  if (size === 0) return null;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) { body.set(chunk, at); at += chunk.byteLength; }
  return body;
}

/**
 * The portal's "Try it out": the API reference calls the gateway through here, because the
 * gateway is another origin. Only ever the configured gateway (the path is appended to its
 * address), only the headers an API call needs, the answer passed back as it came.
 */
async function forward(request: Request): Promise<Response> {
  const base = gatewayUrl();
  // The path as the browser sent it (still percent-encoded), after this route's own prefix.
  const { pathname, search } = new URL(request.url);
  const target = new URL(`${base}${pathname.slice(PREFIX.length) || "/"}${search}`);
  if (target.origin !== new URL(base).origin) return Response.json({ error: "Only the gateway can be called" }, { status: 400 });
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    const read = await readBody(request, MAX_BODY);
    if (read === TOO_LARGE) return Response.json({ error: "Request body over 1 MB" }, { status: 413 });
    body = read ?? undefined;
  }
  try {
    const res = await fetch(target, { method: request.method, headers, body, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    const out = new Headers();
    for (const [name, value] of res.headers) if (!DROPPED_RESPONSE.has(name)) out.append(name, value);
    return new Response(request.method === "HEAD" ? null : await res.arrayBuffer(), { status: res.status, statusText: res.statusText, headers: out });
  } catch (error) {
    return Response.json({ error: `The gateway at ${base} did not answer: ${(error as Error).message}` }, { status: 502 });
  }
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE, forward as HEAD, forward as OPTIONS };
