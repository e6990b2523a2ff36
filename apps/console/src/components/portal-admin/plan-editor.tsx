"use client";

import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import type { PlanView } from "@/lib/portal-types.ts";
import { errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

const LIMITS = [["perSecond", "Per second"], ["perMinute", "Per minute"], ["perHour", "Per hour"], ["perDay", "Per day"], ["monthlyQuota", "Monthly quota"]] as const;
type LimitKey = (typeof LIMITS)[number][0];

const toMicros = (dollars: string) => Math.round(Number(dollars) * 1_000_000);
const fromMicros = (micros: number) => String(micros / 1_000_000);

/** "1000 0" / "10000 0.0005" / "* 0.0001": one tier per line, up-to count and unit price. */
function parseTiers(text: string): { upTo: number | null; unitMicros: number }[] {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
    const [upTo, price] = line.split(/\s+/);
    return { upTo: upTo === "*" ? null : Number(upTo), unitMicros: toMicros(price ?? "0") };
  });
}

export function PlanEditor({ productId, plan, onDone }: { productId: string; plan?: PlanView; onDone?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(plan?.name ?? "");
  const [limits, setLimits] = useState<Record<LimitKey, string>>(() => Object.fromEntries(LIMITS.map(([k]) => [k, plan?.[k] != null ? String(plan[k]) : ""])) as Record<LimitKey, string>);
  const [kind, setKind] = useState<"free" | "per-request" | "tiers">(plan?.price.kind ?? "free");
  const [unit, setUnit] = useState(plan?.price.kind === "per-request" ? fromMicros(plan.price.unitMicros) : "0.001");
  const [tiers, setTiers] = useState(plan?.price.kind === "tiers" ? plan.price.tiers.map((t) => `${t.upTo ?? "*"} ${fromMicros(t.unitMicros)}`).join("\n") : "1000 0\n* 0.0005");
  const save = useMutation(trpc.portal.admin.savePlan.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries(trpc.portal.pathFilter());
      if (!plan) { setName(""); }
      onDone?.();
    },
  }));
  const del = useMutation(trpc.portal.admin.deletePlan.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.portal.pathFilter()) }));
  const fe = serverFieldErrors(save.error);
  const price = kind === "free" ? { kind } : kind === "per-request" ? { kind, unitMicros: toMicros(unit) } : { kind, tiers: parseTiers(tiers) };
  return (
    <form
      className="grid gap-3 rounded-lg border p-4"
      aria-label={plan ? `Plan ${plan.name}` : "New plan"}
      onSubmit={(e) => {
        e.preventDefault();
        const num = (v: string) => (v.trim() === "" ? null : Number(v));
        save.mutate({ plan: { id: plan?.id, productId, name, price, ...Object.fromEntries(LIMITS.map(([k]) => [k, num(limits[k])])) } });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-[1fr_12rem]">
        <div className="grid gap-1"><Label htmlFor={`pn-${plan?.id ?? "new"}`}>Plan name</Label><Input id={`pn-${plan?.id ?? "new"}`} value={name} onChange={(e) => setName(e.target.value)} required data-testid="plan-name" /></div>
        <div className="grid gap-1"><Label htmlFor={`pk-${plan?.id ?? "new"}`}>Price</Label>
          <Select id={`pk-${plan?.id ?? "new"}`} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="plan-price-kind">
            <option value="free">Free</option><option value="per-request">Per request</option><option value="tiers">Tiers</option>
          </Select>
        </div>
      </div>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {LIMITS.map(([k, label]) => (
          <div key={k} className="grid gap-1"><Label htmlFor={`${k}-${plan?.id ?? "new"}`} className="text-xs">{label}</Label>
            <Input id={`${k}-${plan?.id ?? "new"}`} type="number" min={1} placeholder="no limit" value={limits[k]} onChange={(e) => setLimits({ ...limits, [k]: e.target.value })} data-testid={`plan-${k}`} /></div>
        ))}
      </div>
      {kind === "per-request" && <div className="grid max-w-xs gap-1"><Label htmlFor={`pu-${plan?.id ?? "new"}`}>Price per request (USD)</Label><Input id={`pu-${plan?.id ?? "new"}`} inputMode="decimal" value={unit} onChange={(e) => setUnit(e.target.value)} data-testid="plan-unit-price" /></div>}
      {kind === "tiers" && (
        <div className="grid gap-1"><Label htmlFor={`pt-${plan?.id ?? "new"}`}>Tiers: one per line, “up-to-request price” (USD); the last line starts with *</Label>
          <textarea id={`pt-${plan?.id ?? "new"}`} className="min-h-20 rounded-md border bg-card p-2 font-mono text-xs" value={tiers} onChange={(e) => setTiers(e.target.value)} /></div>
      )}
      {save.error && <p role="alert" className="text-sm text-destructive">{fe.length ? fe.map((f) => `${f.path}: ${f.message}`).join("; ") : errorMessage(save.error)}</p>}
      {del.error && <p role="alert" className="text-sm text-destructive">{errorMessage(del.error)}</p>}
      <div className="flex gap-2">
        <Button type="submit" size="sm" disabled={save.isPending} data-testid="save-plan">{plan ? "Save plan" : "Add plan"}</Button>
        {plan && <Button type="button" size="sm" variant="ghost" className="text-destructive" onClick={() => del.mutate({ id: plan.id })}>Delete</Button>}
      </div>
    </form>
  );
}
