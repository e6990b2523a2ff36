"use client";

import { cn } from "@/lib/cn.ts";

/** An on/off switch: a checkbox with role="switch", so keyboards and screen readers get it for free. */
export function Switch({ id, checked, onChange, label, testId }: { id: string; checked: boolean; onChange(v: boolean): void; label: string; testId?: string }) {
  return (
    <label htmlFor={id} className="inline-flex cursor-pointer items-center gap-2 text-sm">
      <input id={id} type="checkbox" role="switch" className="peer sr-only" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <span
        aria-hidden="true"
        className={cn(
          "relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-ring",
          checked ? "bg-primary" : "bg-input",
        )}
      >
        <span className={cn("absolute size-4 rounded-full bg-background shadow transition-transform", checked ? "translate-x-4.5" : "translate-x-0.5")} />
      </span>
      {label}
    </label>
  );
}
