import type { RolloutState } from "@switchyard/config";

/** What every view of a stored version shows about it (history list, detail, diff headers). */
export interface VersionMeta {
  version: number;
  hash: string;
  author: string;
  message: string;
  createdAt: string;
  rolloutState: RolloutState;
  rolloutSelector: Record<string, string> | null;
  haltedReason: string | null;
}

interface VersionRow {
  version: number;
  hash: string;
  author: string;
  message: string;
  createdAt: Date;
  rolloutState: string;
  rolloutSelector: unknown;
  haltedReason: string | null;
}

export function toVersionMeta(row: VersionRow): VersionMeta {
  return {
    version: row.version,
    hash: row.hash,
    author: row.author,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    // Written only through RolloutSchema / the publish path.
    rolloutState: row.rolloutState as RolloutState,
    rolloutSelector: (row.rolloutSelector ?? null) as Record<string, string> | null,
    haltedReason: row.haltedReason,
  };
}
