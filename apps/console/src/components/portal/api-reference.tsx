"use client";

import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { exampleOf, readApi, type Operation } from "@/components/portal/openapi-model.ts";
import { SchemaView } from "@/components/portal/schema-view.tsx";
import { TryIt } from "@/components/portal/try-it.tsx";
import { cn } from "@/lib/cn.ts";

const METHOD_COLORS: Record<string, string> = {
  GET: "bg-[var(--chart-2)]/15 text-[color-mix(in_oklch,var(--chart-2)_70%,var(--foreground))]",
  POST: "bg-primary/15 text-primary",
  PUT: "bg-[var(--chart-3)]/20 text-[color-mix(in_oklch,var(--chart-3)_60%,var(--foreground))]",
  PATCH: "bg-[var(--chart-3)]/20 text-[color-mix(in_oklch,var(--chart-3)_60%,var(--foreground))]",
  DELETE: "bg-destructive/12 text-destructive",
};

export function MethodBadge({ method }: { method: string }) {
  return <span className={cn("inline-flex w-16 justify-center rounded px-1.5 py-0.5 font-mono text-xs font-semibold", METHOD_COLORS[method] ?? "bg-muted")}>{method}</span>;
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

function OperationView({ op, gateway }: { op: Operation; gateway: string }) {
  const [open, setOpen] = useState(false);
  const [trying, setTrying] = useState(false);
  const curl = `curl -i ${op.method !== "GET" ? `-X ${op.method} ` : ""}-H "apikey: $API_KEY" "${gateway}${op.path}"`;
  return (
    <li className="rounded-lg border bg-card" id={`op-${op.id}`} data-testid={`operation-${op.method}-${op.path}`}>
      <button type="button" className="flex w-full items-center gap-3 px-4 py-3 text-left" aria-expanded={open} onClick={() => setOpen(!open)}>
        <MethodBadge method={op.method} />
        <code className={cn("font-mono text-sm", op.deprecated && "line-through")}>{op.path}</code>
        <span className="truncate text-sm text-muted-foreground">{op.summary}</span>
      </button>
      {open && (
        <div className="grid gap-5 border-t px-4 py-4">
          {op.description && <p className="text-sm">{op.description}</p>}
          {op.parameters.length > 0 && (
            <section>
              <h4 className="mb-2 text-sm font-semibold">Parameters</h4>
              <table className="w-full text-sm">
                <thead className="text-left text-xs text-muted-foreground"><tr><th className="pb-1">Name</th><th className="pb-1">In</th><th className="pb-1">Type</th><th className="pb-1">Description</th></tr></thead>
                <tbody>
                  {op.parameters.map((p) => (
                    <tr key={`${p.in}-${p.name}`} className="border-t align-top">
                      <td className="py-1.5 pr-3"><code className="font-mono">{p.name}</code>{p.required && <span className="ml-1 text-xs text-destructive">*</span>}</td>
                      <td className="py-1.5 pr-3 text-muted-foreground">{p.in}</td>
                      <td className="py-1.5 pr-3"><SchemaView schema={p.schema} /></td>
                      <td className="py-1.5 text-muted-foreground">{p.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {op.requestBody && (
            <section>
              <h4 className="mb-2 text-sm font-semibold">Request body <span className="font-normal text-muted-foreground">{op.requestBody.contentType}{op.requestBody.required ? " · required" : ""}</span></h4>
              <div className="grid gap-3 lg:grid-cols-2">
                <SchemaView schema={op.requestBody.schema} />
                <pre className="overflow-x-auto rounded-md border bg-muted/50 p-3 text-xs">{json(op.requestBody.example ?? exampleOf(op.requestBody.schema))}</pre>
              </div>
            </section>
          )}
          <section>
            <h4 className="mb-2 text-sm font-semibold">Responses</h4>
            <ul className="grid gap-3">
              {op.responses.map((r) => (
                <li key={r.status} className="grid gap-2">
                  <div className="text-sm"><Badge variant={r.status.startsWith("2") ? "success" : r.status.startsWith("4") || r.status.startsWith("5") ? "destructive" : "outline"}>{r.status}</Badge> <span className="text-muted-foreground">{r.description}</span></div>
                  {r.schema && (
                    <div className="grid gap-3 lg:grid-cols-2">
                      <SchemaView schema={r.schema} />
                      <pre className="overflow-x-auto rounded-md border bg-muted/50 p-3 text-xs">{json(r.example ?? exampleOf(r.schema))}</pre>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h4 className="mb-2 text-sm font-semibold">Example</h4>
            <pre className="overflow-x-auto rounded-md border bg-muted/50 p-3 text-xs">{curl}</pre>
          </section>
          <section>
            {trying ? <TryIt operation={op} /> : <button type="button" className="text-sm font-medium text-primary underline" onClick={() => setTrying(true)} data-testid="try-it-open">Try it</button>}
          </section>
        </div>
      )}
    </li>
  );
}

/** The API reference of a product, rendered from its parsed OpenAPI document. */
export function ApiReference({ document, gateway }: { document: Record<string, unknown>; gateway: string }) {
  const api = useMemo(() => readApi(document), [document]);
  const byTag = useMemo(() => {
    const groups = new Map<string, Operation[]>();
    for (const op of api.operations) {
      const tag = op.tags[0] ?? "Endpoints";
      groups.set(tag, [...(groups.get(tag) ?? []), op]);
    }
    return [...groups.entries()];
  }, [api]);
  return (
    <div className="grid gap-6" data-testid="api-reference">
      <div>
        <h3 className="text-lg font-semibold">{api.title} <span className="text-sm font-normal text-muted-foreground">v{api.version}</span></h3>
        {api.description && <p className="mt-1 text-sm text-muted-foreground">{api.description}</p>}
        <p className="mt-2 text-sm">Base URL: <code className="font-mono">{gateway}</code> · send your key in the <code className="font-mono">apikey</code> header.</p>
      </div>
      {byTag.map(([tag, ops]) => (
        <section key={tag}>
          <h4 className="mb-2 text-sm font-semibold uppercase tracking-wide text-muted-foreground">{tag}</h4>
          <ul className="grid gap-2">{ops.map((op) => <OperationView key={`${op.method}-${op.path}`} op={op} gateway={gateway} />)}</ul>
        </section>
      ))}
      {api.schemas.length > 0 && (
        <section>
          <h4 className="mb-2 text-sm font-semibold uppercase tracking-wide text-muted-foreground">Schemas</h4>
          <ul className="grid gap-3">
            {api.schemas.map(([name, schema]) => (
              <li key={name} className="rounded-lg border bg-card p-4"><h5 className="mb-2 font-mono text-sm font-semibold">{name}</h5><SchemaView schema={schema} /></li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
