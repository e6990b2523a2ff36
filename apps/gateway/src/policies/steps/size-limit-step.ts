import type { RequestSizeLimitConfig } from "@switchyard/config";
import { GatewayErrors } from "../../errors.ts";
import { ANSWERED, CONTINUE, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { sendPolicyError } from "../send-policy-error.ts";

const UNIT = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 } as const;

/**
 * Kong request-size-limiting: a declared Content-Length over the limit is refused with 413
 * before any of the body is read; a chunked body is counted as it streams and cut off (413
 * if nothing was answered yet) the moment it passes the limit.
 */
export class SizeLimitStep implements AccessStep {
  private readonly max: number;
  private readonly requireLength: boolean;

  constructor(config: RequestSizeLimitConfig) {
    this.max = config.allowed_payload_size * UNIT[config.size_unit];
    this.requireLength = config.require_content_length;
  }

  run(pr: PolicyRequest): StepResult {
    const req = pr.req;
    const cl = req.headers["content-length"];
    if (cl !== undefined) {
      if (Number(cl) > this.max) return this.refuse(pr);
      return CONTINUE;
    }
    if (req.headers["transfer-encoding"] === undefined) return CONTINUE;
    if (this.requireLength) {
      sendPolicyError(pr, GatewayErrors.LENGTH_REQUIRED);
      req.resume();
      return ANSWERED;
    }
    let seen = 0;
    const max = this.max;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= max) return;
      req.off("data", onData);
      const res = pr.res;
      res.shouldKeepAlive = false;
      sendPolicyError(pr, GatewayErrors.PAYLOAD_TOO_LARGE);
      // Once the 413 is out, stop the upload; through the body stream that ends the upstream exchange too.
      if (res.writableFinished || res.headersSent === false) req.destroy();
      else res.once("finish", () => req.destroy());
    };
    req.on("data", onData);
    return CONTINUE;
  }

  private refuse(pr: PolicyRequest): StepResult {
    sendPolicyError(pr, GatewayErrors.PAYLOAD_TOO_LARGE);
    // Don't read the body; close the connection after the answer instead of draining it.
    pr.res.shouldKeepAlive = false;
    return ANSWERED;
  }
}
