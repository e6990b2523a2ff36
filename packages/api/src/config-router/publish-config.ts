import { GatewayConfigSchema, formatFieldErrors, toFieldErrors, type FieldError, type GatewayConfig, type Rollout } from "@switchyard/config";
import { hashConfig } from "@switchyard/config/hash";
import { insertConfigVersion, isUniqueViolation, type Db, type Prisma } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Bus } from "../bus.ts";
import { dryRunCompile } from "./dry-run-compile.ts";
import { getCurrentConfig, toSnapshot } from "./get-current-config.ts";
import { withPublishLock } from "./publish-lock.ts";

export interface PublishResult {
  version: number;
  hash: string;
  changed: boolean;
}

/** A write of the same batch transaction that stores the version. */
export type PublishWrite = Prisma.PrismaPromise<unknown>;

/** Who publishes and from where: what every change passes on to publishConfig. */
export interface Publisher {
  db: Db;
  bus: Bus;
  actor: string;
  ip?: string | null;
}

/** The publisher fields of a procedure's options (which carry more). */
export function publisherOf(options: Publisher): Publisher {
  return { db: options.db, bus: options.bus, actor: options.actor, ip: options.ip ?? null };
}

export interface PublishConfigOptions<L = undefined> extends Publisher {
  message?: string | undefined;
  /** Audit action and target, e.g. "routes.upsert" / "route:users". */
  action: string;
  target: string;
  /**
   * Reads what the build needs besides the current config (e.g. the portal tables), inside the
   * publish lock, so a publish queued behind this one reads what this one wrote.
   */
  load?: () => Promise<L>;
  /** Builds the new config from the current one; re-run when another writer got there first. */
  build(current: GatewayConfig, loaded: L): unknown;
  /**
   * Writes stored in the same transaction as the new version (only when the config changed), so
   * rows the config is derived from never disagree with it.
   */
  writes?: (loaded: L) => PublishWrite[];
  /** Rewrites error paths, e.g. to make them relative to the route being edited. */
  mapErrorPath?: (path: string) => string;
  /**
   * The new config does not depend on the current one (replace, rollback): skip loading the
   * current config, which for a large table costs more than the rest of the checks.
   */
  ignoresCurrent?: boolean;
  /** Staged publish: only data planes matching the selector get it until it is promoted. */
  rollout?: Rollout | null | undefined;
}

const MAX_ATTEMPTS = 5;

/**
 * The one way a config version comes to exist: validate → dry-run compile → hash → store as
 * version max+1 (the primary key stops two writers taking one number; the loser rebuilds on the
 * newer config) → audit → push to data planes (all of them, or those matching a staged
 * rollout's selector).
 */
export function publishConfig<L = undefined>(options: PublishConfigOptions<L>): Promise<PublishResult> {
  return withPublishLock(options.db, () => publishOnce(options));
}

async function publishOnce<L>(options: PublishConfigOptions<L>): Promise<PublishResult> {
  const { prisma } = options.db;
  for (let attempt = 1; ; attempt++) {
    const loaded = (options.load ? await options.load() : undefined) as L;
    const current = options.ignoresCurrent
      ? await prisma.configVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true, hash: true } })
      : await getCurrentConfig({ db: options.db });
    const raw = options.build(current && "config" in current ? (current.config as GatewayConfig) : { services: [], routes: [] }, loaded);

    const parsed = GatewayConfigSchema.safeParse(raw);
    if (!parsed.success) throw invalid(toFieldErrors(parsed.error), options.mapErrorPath);
    const config = parsed.data;
    const compileErrors = dryRunCompile(config);
    if (compileErrors) throw invalid(compileErrors, options.mapErrorPath);

    const hash = hashConfig(config);
    if (current && current.hash === hash) return { version: current.version, hash, changed: false };

    const version = (current?.version ?? 0) + 1;
    const message = options.message ?? "";
    const rollout = options.rollout ?? null;
    try {
      // A batch transaction, not an interactive one: the embedded database has one connection.
      const [rows] = await prisma.$transaction([
        insertConfigVersion(prisma, {
          version,
          hash,
          config,
          author: options.actor,
          message,
          rolloutState: rollout ? "staged" : "full",
          rolloutSelector: rollout?.selector ?? null,
        }),
        prisma.auditEvent.create({
          data: {
            actor: options.actor,
            action: options.action,
            target: options.target,
            detail: { version, hash, message, ...(rollout ? { selector: rollout.selector } : {}) },
            ip: options.ip ?? null,
          },
        }),
        ...(options.writes?.(loaded) ?? []),
      ]);
      const snapshot = toSnapshot({ version, hash, createdAt: rows[0]!.created_at.toISOString(), author: options.actor, message, config });
      options.bus.emit("config-published", snapshot, rollout);
      return { version, hash, changed: true };
    } catch (error) {
      if (isUniqueViolation(error) && attempt < MAX_ATTEMPTS) continue;
      if (isUniqueViolation(error)) {
        throw new AppError("CONFLICT", "Config changed concurrently too many times; try again", { cause: error });
      }
      throw error;
    }
  }
}

function invalid(errors: FieldError[], mapPath: ((path: string) => string) | undefined): AppError {
  const fieldErrors = mapPath ? errors.map((e) => ({ ...e, path: mapPath(e.path) })) : errors;
  return new AppError("INVALID_CONFIG", formatFieldErrors(fieldErrors), { fieldErrors });
}
