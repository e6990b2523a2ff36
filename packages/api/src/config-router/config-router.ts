import { z } from "zod";
import { RolloutSchema } from "@switchyard/config";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { applyConfig } from "./apply-config.ts";
import { diffConfigVersions } from "./diff-config-versions.ts";
import { getConfigVersion } from "./get-config-version.ts";
import { getCurrentConfig } from "./get-current-config.ts";
import { importConfig } from "./import-config.ts";
import { previewImport } from "./preview-import.ts";
import { listConfigVersions } from "./list-config-versions.ts";
import { promoteConfig } from "./promote-config.ts";
import { withConfigForRole } from "./redact-config.ts";
import { rollbackConfig } from "./rollback-config.ts";

const VersionSchema = z.number().int().positive();

export const configRouter = router({
  // Viewers read configs with every secret redacted (see redact-config.ts, secret-fields.ts).
  current: authedProcedure.query(async ({ ctx }) => withConfigForRole(await getCurrentConfig({ db: ctx.db }), ctx.session.role)),

  // The contract's `config.apply`: tRPC reserves `apply` (and `call`, `then`) as procedure names,
  // because its client is a proxy of functions. The config itself is validated by the publish
  // path, so its errors carry config-relative paths.
  replace: editorProcedure
    .input(z.object({ config: z.unknown(), message: z.string().max(500).optional(), rollout: RolloutSchema.optional() }))
    .mutation(({ ctx, input }) =>
      applyConfig({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, config: input.config ?? {}, message: input.message, rollout: input.rollout }),
    ),

  versions: authedProcedure.query(({ ctx }) => listConfigVersions({ db: ctx.db })),

  get: authedProcedure.input(z.object({ version: VersionSchema })).query(async ({ ctx, input }) => withConfigForRole(await getConfigVersion({ db: ctx.db, version: input.version }), ctx.session.role)),

  diff: authedProcedure
    .input(z.object({ from: VersionSchema, to: VersionSchema }))
    .query(({ ctx, input }) => diffConfigVersions({ db: ctx.db, from: input.from, to: input.to, role: ctx.session.role })),

  rollback: editorProcedure
    .input(z.object({ version: VersionSchema, message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => rollbackConfig({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, version: input.version, message: input.message })),

  /** Pasted/uploaded YAML (ours, Kong, Kubernetes, Istio): format, warnings, errors and diff; stores nothing. */
  importPreview: editorProcedure
    .input(z.object({ text: z.string().max(5_000_000) }))
    .mutation(({ ctx, input }) => previewImport({ db: ctx.db, text: input.text })),

  import: editorProcedure
    .input(z.object({ text: z.string().max(5_000_000), message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => importConfig({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, text: input.text, message: input.message })),

  promote: editorProcedure
    .input(z.object({ version: VersionSchema }))
    .mutation(({ ctx, input }) => promoteConfig({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, version: input.version })),
});
