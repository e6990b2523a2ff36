"use client";

import type { ReactNode } from "react";
import { SearchIcon } from "@/components/icons.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Input } from "@/components/ui/input.tsx";

/** The search box of an entity list (consumers, policies, certificates). */
export function ListSearch({ value, onChange, placeholder, label, testId }: { value: string; onChange(v: string): void; placeholder: string; label: string; testId?: string }) {
  return (
    <div className="relative">
      <SearchIcon className="pointer-events-none absolute left-2.5 top-2.5 text-muted-foreground" width={16} height={16} />
      <Input value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} aria-label={label} className="pl-8" data-testid={testId} />
    </div>
  );
}

/** A list query's states in one place: its error (with a retry), a placeholder while loading, the empty state, or the rows. */
export function ListStates<T>({ query, empty, children }: {
  query: { isError: boolean; error: { message: string } | null; isPending: boolean; data: T[] | undefined; refetch(): unknown };
  empty: ReactNode;
  children(rows: T[]): ReactNode;
}) {
  if (query.isError) return <div className="px-4"><QueryError error={query.error!} onRetry={() => void query.refetch()} /></div>;
  if (query.isPending || query.data === undefined) return <div className="mx-4 h-32 animate-pulse rounded-lg bg-muted" />;
  return query.data.length === 0 ? empty : children(query.data);
}
