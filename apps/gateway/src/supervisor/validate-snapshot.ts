import { formatFieldErrors, SnapshotSchema, toFieldErrors, type Snapshot } from "@switchyard/config";
import { hashConfig } from "@switchyard/config/hash";
import { compileConfig, isConfigCompileError } from "@switchyard/routing";
import { compilePolicies } from "../policies/compile-policies.ts";
import { dryRunPolicyRuntime } from "../policies/policy-runtime.ts";

/**
 * Everything a snapshot must pass before it may replace the running config: the schema, its
 * hash, and a dry-run compile. Returns the parsed snapshot or the reason it was refused.
 */
export function parseSnapshot(raw: unknown): { ok: true; snapshot: Snapshot } | { ok: false; error: string } {
  const parsed = SnapshotSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `invalid snapshot:\n${formatFieldErrors(toFieldErrors(parsed.error))}` };
  const problem = validateSnapshot(parsed.data);
  return problem ? { ok: false, error: problem } : { ok: true, snapshot: parsed.data };
}

/** Hash and compile checks of an already schema-valid snapshot; null when it is fine. */
export function validateSnapshot(snapshot: Snapshot): string | null {
  const actual = hashConfig(snapshot.config);
  if (actual !== snapshot.hash) return `snapshot hash mismatch: announced ${snapshot.hash}, config hashes to ${actual}`;
  try {
    // Policies too (e.g. a JWT public key that doesn't parse), so a bad one is nacked here.
    compilePolicies(snapshot.config, compileConfig(snapshot.config), dryRunPolicyRuntime);
  } catch (e) {
    if (isConfigCompileError(e)) return `${e.path ? `${e.path}: ` : ""}${e.message} (${e.code})`;
    return `config does not compile: ${(e as Error).message}`;
  }
  return null;
}
