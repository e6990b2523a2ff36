import type { RequestTerminationConfig } from "@switchyard/config";
import { GatewayErrors } from "../../errors.ts";
import { ANSWERED, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { policyErrorBody } from "../send-policy-error.ts";

/** Kong request-termination: answers every request with the configured status and body. */
export class TerminationStep implements AccessStep {
  private readonly status: number;
  private readonly body: Buffer;
  private readonly contentType: string;

  constructor(config: RequestTerminationConfig) {
    this.status = config.status_code;
    if (config.body !== undefined) {
      this.body = Buffer.from(config.body);
      this.contentType = config.content_type ?? "text/plain; charset=utf-8";
    } else {
      this.body = policyErrorBody(GatewayErrors.TERMINATED.code, config.message ?? GatewayErrors.TERMINATED.message);
      this.contentType = "application/json";
    }
  }

  run(pr: PolicyRequest): StepResult {
    pr.counted(this.status, GatewayErrors.TERMINATED.flag);
    pr.res.writeHead(this.status, {
      "content-type": this.contentType,
      "content-length": this.body.length,
      "x-switchyard-flag": GatewayErrors.TERMINATED.flag,
    });
    pr.res.end(pr.req.method === "HEAD" ? undefined : this.body);
    return ANSWERED;
  }
}
