import { readEnv } from "@/env.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Request headers the control plane needs: credentials, body type and what the client accepts. */
const FORWARDED_REQUEST_HEADERS = [
  "cookie",
  "authorization",
  "content-type",
  "accept",
  "trpc-accept",
  "trpc-batch-mode",
  "last-event-id",
  "user-agent",
];

/** Response headers passed back; set-cookie is handled separately (it may repeat). */
const FORWARDED_RESPONSE_HEADERS = ["content-type", "cache-control", "retry-after", "vary", "x-accel-buffering"];

const PREFIX = "/api/trpc/";

async function proxy(request: Request): Promise<Response> {
  const { SWITCHYARD_CP_URL } = readEnv();
  const url = new URL(request.url);
  // Keep the path exactly as sent (batched calls are "a.b,c.d"), so nothing is re-encoded.
  const rest = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : "";
  const target = `${SWITCHYARD_CP_URL.replace(/\/+$/, "")}/trpc/${rest}${url.search}`;

  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const forwardedFor = request.headers.get("x-forwarded-for");
  if (forwardedFor) headers.set("x-forwarded-for", forwardedFor);

  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // Required by undici to stream a request body.
      duplex: hasBody ? "half" : undefined,
      redirect: "manual",
      cache: "no-store",
      signal: request.signal,
    } as RequestInit & { duplex?: "half" });
  } catch {
    return Response.json(
      { error: { message: "The control plane is unreachable", code: -32603, data: { code: "BAD_GATEWAY", httpStatus: 502 } } },
      { status: 502 },
    );
  }

  const responseHeaders = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) responseHeaders.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) responseHeaders.append("set-cookie", cookie);

  // Stream the body through untouched: SSE subscriptions and streamed batches stay incremental.
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
}

export const GET = proxy;
export const POST = proxy;
