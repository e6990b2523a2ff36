import { z } from "zod";
import { emptyConfig } from "@switchyard/config";
import { getCurrentConfig } from "../config-router/get-current-config.ts";
import { authedProcedure, router } from "../trpc.ts";
import { simulateRequest } from "./simulate-request.ts";

export const SimulateInputSchema = z.object({
  method: z.string().min(1).max(16).regex(/^[A-Za-z]+$/, "An HTTP method"),
  host: z.string().max(261).optional(),
  path: z.string().min(1).max(8192),
  headers: z.record(z.string().min(1).max(256), z.string().max(8192)).optional(),
  consumer: z.string().max(63).optional(),
  clientIp: z.string().max(64).optional(),
});

export const simulatorRouter = router({
  /** Runs the data plane's matcher over the current config for one request. */
  simulate: authedProcedure.input(SimulateInputSchema).query(async ({ ctx, input }) => {
    const config = (await getCurrentConfig({ db: ctx.db }))?.config ?? emptyConfig();
    return simulateRequest(config, input);
  }),
});
