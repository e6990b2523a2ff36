import { cidrContains, parseCidr, type Cidr, type IpRestrictionConfig } from "@switchyard/config";
import { GatewayErrors } from "../../errors.ts";
import { clientIpBytes } from "../client-ip.ts";
import { ANSWERED, CONTINUE, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { sendPolicyError } from "../send-policy-error.ts";

/** Kong ip-restriction on the computed client IP: deny wins over allow; with an allow list, others are refused. */
export class IpRestrictionStep implements AccessStep {
  private readonly allow: Cidr[];
  private readonly deny: Cidr[];
  private readonly error;

  constructor(config: IpRestrictionConfig) {
    this.allow = config.allow.map((c) => parseCidr(c)!);
    this.deny = config.deny.map((c) => parseCidr(c)!);
    this.error = { ...GatewayErrors.IP_DENIED, status: config.status, message: config.message };
  }

  run(pr: PolicyRequest): StepResult {
    const ip = clientIpBytes(pr.req);
    let ok = ip !== null;
    if (ok && this.deny.some((c) => cidrContains(c, ip!))) ok = false;
    if (ok && this.allow.length > 0 && !this.allow.some((c) => cidrContains(c, ip!))) ok = false;
    if (ok) return CONTINUE;
    sendPolicyError(pr, this.error);
    return ANSWERED;
  }
}
