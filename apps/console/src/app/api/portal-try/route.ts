import { z } from "zod";
import { gatewayUrl } from "@/env.ts";

const TryRequest = z.object({
  method: z.enum(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"]),
  /** A path on the gateway: never a full URL, so this can't be pointed at another host. */
  path: z.string().startsWith("/").max(4096).refine((p) => !p.startsWith("//"), "A path, not a URL"),
  apiKey: z.string().max(512).default(""),
  body: z.string().max(1_000_000).optional(),
  contentType: z.string().max(200).optional(),
});

/** The portal's try-it: forwards one request to the gateway with the developer's key and returns what came back. */
export async function POST(request: Request): Promise<Response> {
  const parsed = TryRequest.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: parsed.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
  const input = parsed.data;
  const base = gatewayUrl();
  const url = new URL(input.path, base);
  if (url.origin !== new URL(base).origin) return Response.json({ error: "Only the gateway can be called" }, { status: 400 });
  const headers: Record<string, string> = { accept: "application/json, */*" };
  if (input.apiKey) headers.apikey = input.apiKey;
  const hasBody = input.body !== undefined && input.method !== "GET" && input.method !== "HEAD";
  if (hasBody) headers["content-type"] = input.contentType ?? "application/json";
  const started = performance.now();
  try {
    const res = await fetch(url, { method: input.method, headers, body: hasBody ? input.body : undefined, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    let body = text;
    try { body = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: show as is */ }
    return Response.json({ status: res.status, statusText: res.statusText, headers: [...res.headers.entries()], body: body.slice(0, 200_000), ms: Math.round(performance.now() - started) });
  } catch (error) {
    return Response.json({ error: `The gateway at ${base} did not answer: ${(error as Error).message}` }, { status: 502 });
  }
}
