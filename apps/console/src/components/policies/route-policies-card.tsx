"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { useTRPC } from "@/trpc/react.tsx";

/** Read-only: the policies that run for each rule of a route (global, its services', its own), in run order. */
export function RoutePoliciesCard({ route }: { route: string }) {
  const trpc = useTRPC();
  const rules = useQuery(trpc.policies.forRoute.queryOptions({ name: route }));
  if (!rules.data) return null;
  const same = rules.data.every((r) => JSON.stringify(r.policies) === JSON.stringify(rules.data[0]?.policies));
  const shown = same ? rules.data.slice(0, 1) : rules.data;
  return (
    <Card data-testid="route-policies">
      <CardHeader>
        <CardTitle>Policies</CardTitle>
        <CardDescription>
          What runs for this route, in order. Edit them on the <Link href="/policies" className="text-primary underline-offset-4 hover:underline">Policies</Link> page.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {shown.map((r) => (
          <div key={r.rule} className="flex flex-col gap-2">
            {!same && <p className="text-xs font-medium text-muted-foreground">Rule {r.rule + 1}{r.name ? ` (${r.name})` : ""}</p>}
            {r.policies.length === 0 ? <p className="text-sm text-muted-foreground">No policy applies.</p> : (
              <ol className="flex flex-col divide-y rounded-lg border">
                {r.policies.map((p, i) => (
                  <li key={p.name} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm" data-testid={`route-policy-${p.name}`}>
                    <span className="w-5 text-xs tabular-nums text-muted-foreground">{i + 1}.</span>
                    <span className="font-medium">{p.name}</span>
                    <Badge variant="outline" className="font-mono">{p.type}</Badge>
                    <Badge variant="secondary">{p.scope.kind === "global" ? "global" : `${p.scope.kind} ${p.scope.name}`}</Badge>
                    <span className="ml-auto text-xs text-muted-foreground">{p.phase}</span>
                    {p.overrides.length > 0 && <span className="w-full pl-7 text-xs text-muted-foreground">overrides {p.overrides.join(", ")}</span>}
                  </li>
                ))}
              </ol>
            )}
          </div>
        ))}
      </CardContent>
    </Card>
  );
}
