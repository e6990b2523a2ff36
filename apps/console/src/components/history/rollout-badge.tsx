import { Badge } from "@/components/ui/badge.tsx";

export function selectorText(selector: Record<string, string> | null): string {
  return Object.entries(selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/** Where a version goes: everywhere, only to matching data planes, or nowhere further (halted). */
export function RolloutBadge({ state, selector, haltedReason, superseded }: { state: string; selector: Record<string, string> | null; haltedReason: string | null; superseded?: boolean }) {
  if (state === "staged" && superseded) return <Badge variant="secondary" title="A newer version went to every data plane since">Superseded · {selectorText(selector)}</Badge>;
  if (state === "staged") return <Badge variant="warning" title="Only data planes whose labels match get it until it is promoted">Staged · {selectorText(selector)}</Badge>;
  if (state === "halted") return <Badge variant="destructive" title={haltedReason ?? undefined}>Halted</Badge>;
  return <Badge variant="secondary">All data planes</Badge>;
}
