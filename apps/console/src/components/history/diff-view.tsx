"use client";

import { useMemo, useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@switchyard/api";
import { Button } from "@/components/ui/button.tsx";
import { cn } from "@/lib/cn.ts";

type DiffLine = inferRouterOutputs<AppRouter>["config"]["diff"]["lines"][number];

type Row = { type: "line"; line: DiffLine; oldNo: number | null; newNo: number | null } | { type: "gap"; hidden: number };

const CONTEXT = 3;

/** Numbers the lines and, unless `full`, folds unchanged runs down to a few lines of context. */
function toRows(lines: DiffLine[], full: boolean): Row[] {
  let oldNo = 0;
  let newNo = 0;
  const numbered = lines.map((line) => {
    if (line.kind !== "add") oldNo++;
    if (line.kind !== "remove") newNo++;
    return { type: "line" as const, line, oldNo: line.kind === "add" ? null : oldNo, newNo: line.kind === "remove" ? null : newNo };
  });
  if (full) return numbered;
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, i) => {
    if (line.kind === "same") return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(lines.length - 1, i + CONTEXT); j++) keep[j] = true;
  });
  const rows: Row[] = [];
  let hidden = 0;
  numbered.forEach((row, i) => {
    if (keep[i]) {
      if (hidden) rows.push({ type: "gap", hidden });
      hidden = 0;
      rows.push(row);
    } else hidden++;
  });
  if (hidden) rows.push({ type: "gap", hidden });
  return rows;
}

/** A unified line diff of two YAML documents: removals red with "−", additions green with "+". */
export function DiffView({ lines }: { lines: DiffLine[] }) {
  const [full, setFull] = useState(false);
  const rows = useMemo(() => toRows(lines, full), [lines, full]);
  const changed = lines.some((l) => l.kind !== "same");
  return (
    <div className="flex flex-col gap-2">
      <div className="flex justify-end">
        <Button variant="ghost" size="sm" onClick={() => setFull((f) => !f)} data-testid="diff-toggle-full">
          {full ? "Show changes only" : "Show whole file"}
        </Button>
      </div>
      {!changed && !full ? (
        <p className="rounded-md border px-4 py-6 text-center text-sm text-muted-foreground">The two versions have the same config.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border bg-background font-mono text-xs leading-5" data-testid="diff-view" role="table" aria-label="Line diff">
          {rows.map((row, i) =>
            row.type === "gap" ? (
              <div key={i} role="row" className="border-y bg-muted/60 px-3 py-0.5 text-muted-foreground">
                ⋯ {row.hidden} unchanged line{row.hidden === 1 ? "" : "s"}
              </div>
            ) : (
              <div
                key={i}
                role="row"
                data-kind={row.line.kind}
                className={cn(
                  "flex min-w-fit whitespace-pre",
                  row.line.kind === "add" && "bg-success/15",
                  row.line.kind === "remove" && "bg-destructive/12",
                )}
              >
                <span className="w-10 shrink-0 select-none pr-2 text-right text-muted-foreground/70">{row.oldNo ?? ""}</span>
                <span className="w-10 shrink-0 select-none pr-2 text-right text-muted-foreground/70">{row.newNo ?? ""}</span>
                <span
                  aria-hidden="true"
                  className={cn("w-5 shrink-0 select-none text-center", row.line.kind === "add" && "text-success", row.line.kind === "remove" && "text-destructive")}
                >
                  {row.line.kind === "add" ? "+" : row.line.kind === "remove" ? "−" : " "}
                </span>
                <span className="sr-only">{row.line.kind === "add" ? "added: " : row.line.kind === "remove" ? "removed: " : ""}</span>
                <span className={cn("pr-4", row.line.kind === "add" && "text-success", row.line.kind === "remove" && "text-destructive")}>{row.line.text || " "}</span>
              </div>
            ),
          )}
        </div>
      )}
    </div>
  );
}
