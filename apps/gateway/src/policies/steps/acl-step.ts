import type { AclConfig } from "@switchyard/config";
import { GatewayErrors } from "../../errors.ts";
import { ANSWERED, CONTINUE, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { sendPolicyError } from "../send-policy-error.ts";

/** Kong acl: allow or deny by the authenticated consumer's groups (no consumer: 403). */
export class AclStep implements AccessStep {
  private readonly allow: readonly string[] | null;
  private readonly deny: readonly string[] | null;
  readonly hideGroups: boolean;
  private readonly name: string;

  constructor(config: AclConfig, name: string) {
    this.name = name;
    this.allow = config.allow.length > 0 ? config.allow : null;
    this.deny = config.deny.length > 0 ? config.deny : null;
    this.hideGroups = config.hide_groups_header;
  }

  run(pr: PolicyRequest): StepResult {
    const groups = pr.consumer?.groups;
    let ok: boolean;
    if (groups === undefined) ok = false;
    else if (this.allow !== null) ok = this.allow.some((g) => groups.has(g));
    else ok = !this.deny!.some((g) => groups.has(g));
    if (ok) return CONTINUE;
    pr.deniedBy = this.name;
    pr.denyReason = "forbidden";
    sendPolicyError(pr, GatewayErrors.FORBIDDEN);
    return ANSWERED;
  }
}
