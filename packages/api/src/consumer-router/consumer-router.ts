import { z } from "zod";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { addBasicAuth, addJwtCredential, createApiKey, removeCredential, revokeApiKey } from "./consumer-credentials.ts";
import { getConsumer, listConsumers } from "./list-consumers.ts";
import { deleteConsumer, upsertConsumer } from "./upsert-consumer.ts";

const Username = z.object({ username: z.string().min(1) });

export const consumerRouter = router({
  list: authedProcedure
    .input(z.object({ search: z.string().max(200).optional(), group: z.string().max(128).optional() }).optional())
    .query(({ ctx, input }) => listConsumers({ db: ctx.db, search: input?.search, group: input?.group })),

  get: authedProcedure.input(Username).query(({ ctx, input }) => getConsumer({ db: ctx.db, username: input.username })),

  // `consumer` is validated by the service function so error paths are relative to the consumer.
  upsert: editorProcedure
    .input(z.object({ consumer: z.unknown(), create: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => upsertConsumer({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, consumer: input.consumer, create: input.create })),

  delete: editorProcedure
    .input(Username)
    .mutation(({ ctx, input }) => deleteConsumer({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, username: input.username })),

  createKey: editorProcedure
    .input(Username)
    .mutation(({ ctx, input }) => createApiKey({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, username: input.username })),

  revokeKey: editorProcedure
    .input(Username.extend({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => revokeApiKey({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, username: input.username, id: input.id })),

  addBasicAuth: editorProcedure
    .input(Username.extend({ basicUsername: z.string().min(1).max(256), password: z.string().min(8, "At least 8 characters").max(1024) }))
    .mutation(({ ctx, input }) =>
      addBasicAuth({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, username: input.username, basicUsername: input.basicUsername, password: input.password }),
    ),

  addJwt: editorProcedure
    .input(Username.extend({ credential: z.unknown() }))
    .mutation(({ ctx, input }) => addJwtCredential({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, username: input.username, credential: input.credential })),

  removeCredential: editorProcedure
    .input(Username.extend({ kind: z.enum(["basic_auth", "jwt"]), id: z.string().min(1) }))
    .mutation(({ ctx, input }) => removeCredential({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, username: input.username, kind: input.kind, id: input.id })),
});
