import { cn } from "@/lib/cn.ts";
import { formatPercent } from "@/lib/split.ts";

const COLORS = ["bg-chart-1", "bg-chart-2", "bg-chart-3", "bg-chart-4", "bg-chart-5"];

export function splitColor(index: number): string {
  return COLORS[index % COLORS.length] ?? "bg-chart-1";
}

/** A thin stacked bar of a rule's traffic split. */
export function SplitBar({ parts, className }: { parts: { label: string; percent: number }[]; className?: string }) {
  return (
    <div
      className={cn("flex h-1.5 w-full overflow-hidden rounded-full bg-muted", className)}
      role="img"
      aria-label={parts.map((p) => `${p.label} ${formatPercent(p.percent)}`).join(", ")}
    >
      {parts.map((p, i) => (
        <div key={i} className={cn("h-full transition-[width] duration-200", splitColor(i))} style={{ width: `${p.percent}%` }} />
      ))}
    </div>
  );
}
