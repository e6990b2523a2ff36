"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { HttpMethodSchema } from "@switchyard/config";
import { AlertIcon, CheckIcon, SpinnerIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { fieldClasses, Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { cn } from "@/lib/cn.ts";
import { useTRPC } from "@/trpc/react.tsx";

interface Request {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  consumer: string;
}

/** "name: value" lines (the first colon splits) → headers. */
function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

const pct = (p: number) => `${Number((p * 100).toFixed(1))}%`;

function Result({ req }: { req: Request }) {
  const trpc = useTRPC();
  const sim = useQuery(trpc.simulator.simulate.queryOptions({ method: req.method, path: req.path, headers: req.headers, ...(req.host ? { host: req.host } : {}), ...(req.consumer ? { consumer: req.consumer } : {}) }));
  if (sim.isPending) return <div className="flex items-center gap-2 text-muted-foreground"><SpinnerIcon /> Simulating…</div>;
  if (sim.isError) return <QueryError error={sim.error} />;
  const r = sim.data;
  return (
    <div className="flex flex-col gap-5" data-testid="sim-result">
      <Card className={r.match ? "border-success/40" : "border-destructive/40"}>
        <CardHeader>
          <CardTitle className={cn("flex items-center gap-2", r.match ? "text-success" : "text-destructive")} data-testid="sim-verdict">
            {r.match ? <CheckIcon /> : <AlertIcon />}
            {r.canonicalPath === null ? "Rejected: the path is not a valid request path (400)"
              : r.match ? `Route ${r.match.route}, rule ${r.match.rule + 1}${r.match.ruleName ? ` (${r.match.ruleName})` : ""}`
              : "No route matches (404, flag NR)"}
          </CardTitle>
          {r.canonicalPath !== null && r.canonicalPath !== req.path.split("?")[0] && <CardDescription>Routed as {r.canonicalPath}</CardDescription>}
        </CardHeader>
        {r.match && (
          <CardContent className="flex flex-col gap-4">
            {r.answer ? <p className="text-sm">The gateway answers itself: {r.answer.kind === "redirect" ? "redirect" : "direct response"} {r.answer.status}.</p> : (
              <div className="flex flex-col gap-2">
                <h3 className="text-sm font-semibold">Destinations</h3>
                {r.destinations.map((d, i) => (
                  <div key={i} className="rounded-lg border p-3" data-testid={`sim-dest-${d.service}${d.subset ? `-${d.subset}` : ""}`}>
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{d.service}{d.subset ? ` / ${d.subset}` : ""}</span>
                      <Badge variant="outline">{d.loadBalancer}</Badge>
                      <span className="ml-auto text-sm font-semibold tabular-nums">{pct(d.probability)}</span>
                    </div>
                    <div className="mt-2 h-1.5 overflow-hidden rounded-full bg-muted"><div className="h-full bg-primary" style={{ width: pct(d.probability) }} /></div>
                    <p className="mt-2 text-xs text-muted-foreground">{d.targets.length === 0 ? "No target: answered 503 (UH)" : d.targets.map((t) => `${t.address} (${pct(t.share)})`).join(", ")}</p>
                  </div>
                ))}
                {r.sticky && (
                  <p className="text-sm" data-testid="sim-sticky">
                    Sticky on {r.sticky.on}: {r.sticky.picked ? <>value “{r.sticky.value}” always goes to <strong>{r.sticky.picked.service}{r.sticky.picked.subset ? ` / ${r.sticky.picked.subset}` : ""}</strong></> : "no value in this request, so a side is picked at random"}.
                  </p>
                )}
              </div>
            )}
            <div className="flex flex-col gap-2">
              <h3 className="text-sm font-semibold">Policies, in run order</h3>
              {r.policies.length === 0 ? <p className="text-sm text-muted-foreground">None.</p> : (
                <ol className="flex flex-col divide-y rounded-lg border" data-testid="sim-policies">
                  {r.policies.map((p, i) => (
                    <li key={p.name} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
                      <span className="w-5 text-xs text-muted-foreground">{i + 1}.</span>
                      <span className="font-medium">{p.name}</span>
                      <Badge variant="outline" className="font-mono">{p.type}</Badge>
                      <Badge variant="secondary">{p.scope.kind === "global" ? "global" : `${p.scope.kind} ${p.scope.name}`}</Badge>
                      <span className="ml-auto text-xs text-muted-foreground">{p.phase}</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </CardContent>
        )}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Every route, in match order</CardTitle>
          <CardDescription>The first condition each one failed on.</CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="flex flex-col divide-y rounded-lg border" data-testid="sim-verdicts">
            {r.verdicts.map((v, i) => (
              <li key={i} className="flex flex-col gap-1 px-3 py-2 text-sm" data-testid={`sim-verdict-${v.route}`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{v.route}</span>
                  <span className="font-mono text-xs text-muted-foreground">{v.host}</span>
                  <Badge className="ml-auto" variant={v.outcome === "matched" ? "success" : v.outcome === "failed" ? "destructive" : "secondary"}>{v.outcome === "not-tried" ? "not tried" : v.outcome}</Badge>
                </div>
                {v.reason && <p className="text-xs text-muted-foreground">{v.reason}</p>}
                {v.rules.filter((x) => x.reason).map((x) => (
                  <p key={x.index} className="pl-3 text-xs text-muted-foreground">rule {x.index + 1}{x.name ? ` (${x.name})` : ""}: {x.reason}</p>
                ))}
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
    </div>
  );
}

/** Enter a request; see the route and rule the gateway picks, why the others didn't match, the split and the policies. */
export function SimulatorPage() {
  const [method, setMethod] = useState("GET");
  const [host, setHost] = useState("");
  const [path, setPath] = useState("/api/users/1");
  const [headers, setHeaders] = useState("");
  const [consumer, setConsumer] = useState("");
  const [req, setReq] = useState<Request | null>(null);
  const run = () => setReq({ method, host: host.trim(), path: path.trim() || "/", headers: parseHeaderLines(headers), consumer: consumer.trim() });
  return (
    <>
      <PageHeader title="Route simulator" description="Runs the data plane's own matcher over the live config for one request." />
      <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <CardContent className="pt-5 sm:pt-6">
            <form noValidate className="flex flex-col gap-4" onSubmit={(e) => { e.preventDefault(); run(); }} aria-label="Request to simulate">
              <div className="grid grid-cols-[7rem_1fr] gap-2">
                <div className="flex flex-col gap-1.5">
                  <Label htmlFor="sim-method">Method</Label>
                  <Select id="sim-method" value={method} onChange={(e) => setMethod(e.target.value)} data-testid="sim-method">
                    {HttpMethodSchema.options.map((m) => <option key={m}>{m}</option>)}
                  </Select>
                </div>
                <div className="flex flex-col gap-1.5">
                  <Label htmlFor="sim-path">Path</Label>
                  <Input id="sim-path" value={path} onChange={(e) => setPath(e.target.value)} className="font-mono" spellCheck={false} data-testid="sim-path" />
                </div>
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-host">Host <span className="font-normal text-muted-foreground">(optional)</span></Label>
                <Input id="sim-host" value={host} onChange={(e) => setHost(e.target.value)} placeholder="api.example.com" className="font-mono" spellCheck={false} data-testid="sim-host" />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-headers">Headers <span className="font-normal text-muted-foreground">(one per line, name: value)</span></Label>
                <textarea id="sim-headers" rows={3} value={headers} onChange={(e) => setHeaders(e.target.value)} className={cn(fieldClasses, "h-auto py-2 font-mono text-xs")} placeholder={"x-canary: yes\ncookie: session=abc"} spellCheck={false} data-testid="sim-headers" />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-consumer">As consumer <span className="font-normal text-muted-foreground">(optional)</span></Label>
                <Input id="sim-consumer" value={consumer} onChange={(e) => setConsumer(e.target.value)} placeholder="username" spellCheck={false} data-testid="sim-consumer" />
              </div>
              <Button type="submit" className="self-start" data-testid="sim-run">Simulate</Button>
            </form>
          </CardContent>
        </Card>
        <div>{req ? <Result req={req} /> : <Card><CardContent className="py-10 text-center text-sm text-muted-foreground">Enter a request and press Simulate.</CardContent></Card>}</div>
      </div>
    </>
  );
}
