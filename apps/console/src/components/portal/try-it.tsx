"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import type { Operation } from "@/components/portal/openapi-model.ts";
import { exampleOf } from "@/components/portal/openapi-model.ts";

interface TryResult { status: number; statusText: string; headers: [string, string][]; body: string; ms: number }

/**
 * Sends a real request through the gateway with the developer's key. The console's server
 * forwards it (the browser can't call the gateway across origins) and only ever to the gateway.
 */
export function TryIt({ operation }: { operation: Operation }) {
  const pathParams = operation.parameters.filter((p) => p.in === "path");
  const queryParams = operation.parameters.filter((p) => p.in === "query");
  const [apiKey, setApiKey] = useState("");
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(operation.parameters.filter((p) => p.in === "path" || p.in === "query").map((p) => [p.name, p.example !== undefined ? String(p.example) : p.in === "path" ? String(exampleOf(p.schema) ?? "") : ""])),
  );
  const [body, setBody] = useState(() => (operation.requestBody ? JSON.stringify(operation.requestBody.example ?? exampleOf(operation.requestBody.schema), null, 2) : ""));
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
  const query = new URLSearchParams(queryParams.filter((p) => values[p.name]).map((p) => [p.name, values[p.name]!])).toString();
  const target = `${path}${query ? `?${query}` : ""}`;

  async function send() {
    setPending(true);
    setError(null);
    try {
      const res = await fetch("/api/portal-try", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ method: operation.method, path: target, apiKey, body: operation.requestBody ? body : undefined, contentType: operation.requestBody?.contentType }),
      });
      const data = (await res.json()) as TryResult | { error: string };
      if ("error" in data) setError(data.error);
      else setResult(data);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="grid gap-3 rounded-lg border bg-muted/40 p-4" data-testid="try-it">
      <div className="grid gap-1.5">
        <Label htmlFor={`key-${operation.id}`}>API key</Label>
        <Input id={`key-${operation.id}`} placeholder="sy_…" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" spellCheck={false} data-testid="try-it-key" />
      </div>
      {[...pathParams, ...queryParams].map((p) => (
        <div key={`${p.in}-${p.name}`} className="grid gap-1.5">
          <Label htmlFor={`p-${operation.id}-${p.name}`}>{p.name} <span className="font-normal text-muted-foreground">({p.in}{p.required ? ", required" : ""})</span></Label>
          <Input id={`p-${operation.id}-${p.name}`} value={values[p.name] ?? ""} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })} />
        </div>
      ))}
      {operation.requestBody && (
        <div className="grid gap-1.5">
          <Label htmlFor={`b-${operation.id}`}>Body ({operation.requestBody.contentType})</Label>
          <textarea id={`b-${operation.id}`} className="min-h-32 rounded-md border bg-card p-2 font-mono text-xs" value={body} onChange={(e) => setBody(e.target.value)} />
        </div>
      )}
      <div className="flex items-center gap-3">
        <Button onClick={() => void send()} disabled={pending} data-testid="try-it-send">{pending ? "Sending…" : "Send request"}</Button>
        <code className="truncate text-xs text-muted-foreground">{operation.method} {target}</code>
      </div>
      {error && <p role="alert" className="text-sm text-destructive">{error}</p>}
      {result && (
        <div className="grid gap-2" data-testid="try-it-result">
          <div className="text-sm"><span className={result.status < 400 ? "font-semibold text-success" : "font-semibold text-destructive"} data-testid="try-it-status">{result.status}</span> {result.statusText} · {result.ms} ms</div>
          <details className="text-xs"><summary className="cursor-pointer text-muted-foreground">Headers</summary><pre className="mt-1 overflow-x-auto">{result.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}</pre></details>
          <pre className="max-h-80 overflow-auto rounded-md border bg-card p-3 text-xs">{result.body}</pre>
        </div>
      )}
    </div>
  );
}
