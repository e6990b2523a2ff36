import { z } from "zod";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { listCertificates } from "./list-certificates.ts";
import { deleteCertificate, upsertCertificate } from "./upsert-certificate.ts";

export const certificateRouter = router({
  /** Parsed certificate details for every role; private keys are never part of the answer. */
  list: authedProcedure
    .input(z.object({ search: z.string().max(200).optional() }).optional())
    .query(({ ctx, input }) => listCertificates({ db: ctx.db, search: input?.search })),

  // `certificate` is validated by the service function so error paths are relative to the certificate.
  upsert: editorProcedure
    .input(z.object({ certificate: z.unknown(), originalName: z.string().optional() }))
    .mutation(({ ctx, input }) =>
      upsertCertificate({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, certificate: input.certificate, originalName: input.originalName }),
    ),

  delete: editorProcedure
    .input(z.object({ name: z.string() }))
    .mutation(({ ctx, input }) => deleteCertificate({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, name: input.name })),
});
