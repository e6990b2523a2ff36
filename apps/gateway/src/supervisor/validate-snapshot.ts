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
  const checked = parseSnapshotSchema(raw);
  if (!checked.ok) return checked;
  const problem = validateSnapshot(checked.snapshot);
  return problem ? { ok: false, error: problem } : checked;
}

/**
 * The schema check only. A pushed snapshot gets it on the main thread before the workers
 * start compiling; its hash is checked while they compile (WorkerPool.apply's `check`), and
 * the compile check is the workers' own compile, which must succeed in all of them before any
 * swaps, so nothing is done twice.
 */
export function parseSnapshotSchema(raw: unknown): { ok: true; snapshot: Snapshot } | { ok: false; error: string } {
  const parsed = SnapshotSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `invalid snapshot:\n${formatFieldErrors(toFieldErrors(parsed.error))}` };
  return { ok: true, snapshot: parsed.data };
}

/** Hash and compile checks of an already schema-valid snapshot; null when it is fine. */
export function validateSnapshot(snapshot: Snapshot): string | null {
  return hashProblem(snapshot) ?? compileProblem(snapshot);
}

/** Null when the config hashes to the announced hash. */
export function hashProblem(snapshot: Snapshot): string | null {
  const actual = hashConfig(snapshot.config);
  return actual === snapshot.hash ? null : `snapshot hash mismatch: announced ${snapshot.hash}, config hashes to ${actual}`;
}

function compileProblem(snapshot: Snapshot): string | null {
  try {
    // Policies too (e.g. a JWT public key that doesn't parse), so a bad one is nacked here.
    compilePolicies(snapshot.config, compileConfig(snapshot.config), dryRunPolicyRuntime);
  } catch (e) {
    return describeCompileError(e);
  }
  return null;
}

/** The nack text for a config that does not compile (in the supervisor or in a worker). */
export function describeCompileError(e: unknown): string {
  if (isConfigCompileError(e)) return `${e.path ? `${e.path}: ` : ""}${e.message} (${e.code})`;
  return `config does not compile: ${(e as Error).message}`;
}
