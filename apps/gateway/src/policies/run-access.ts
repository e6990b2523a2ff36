import type { OutgoingHttpHeaders } from "node:http";
import { CONTINUE, type PolicyRequest } from "./policy-request.ts";
import { appendPairs } from "./send-policy-error.ts";

/**
 * Runs the access steps from where the request stands. True: go on to the upstream now.
 * False: a step answered, or one is waiting and will call resumeAccess.
 */
export function runAccess(pr: PolicyRequest): boolean {
  for (;;) {
    const steps = pr.pipeline.access;
    if (pr.index >= steps.length) return true;
    const step = steps[pr.index++]!;
    const result = step.run(pr);
    if (result !== CONTINUE) return false;
    if (pr.index === pr.pipeline.afterAuth && pr.consumer !== null && pr.pipeline.hasAuth) {
      pr.pipeline = pr.pipeline.forConsumer(pr.consumer.index);
    }
  }
}

/** Continues after an async step let the request through. */
export function resumeAccess(pr: PolicyRequest): void {
  if (pr.res.destroyed || pr.res.headersSent) return;
  if (pr.index === pr.pipeline.afterAuth && pr.consumer !== null && pr.pipeline.hasAuth) {
    pr.pipeline = pr.pipeline.forConsumer(pr.consumer.index);
  }
  if (runAccess(pr)) pr.proceed(pr);
}


/** Upstream request headers: hidden credentials out, identity and claims in, then the request transformer. */
export function applyUpstreamPolicies(pr: PolicyRequest, headers: Record<string, string | string[] | undefined>): void {
  const drop = pr.dropHeaders;
  if (drop !== null) for (const name of drop) delete headers[name];
  const consumer = pr.consumer;
  if (consumer !== null) {
    headers["x-consumer-id"] = consumer.username;
    headers["x-consumer-username"] = consumer.username;
    if (consumer.customId !== null) headers["x-consumer-custom-id"] = consumer.customId;
    if (pr.anonymous) headers["x-anonymous-consumer"] = "true";
    if (pr.pipeline.groupsHeader && consumer.groupsHeader !== "") headers["x-consumer-groups"] = consumer.groupsHeader;
  }
  if (pr.credentialId !== null) headers["x-credential-identifier"] = pr.credentialId;
  const claims = pr.claimHeaders;
  if (claims !== null) for (let i = 0; i < claims.length; i += 2) headers[claims[i]!] = claims[i + 1]!;
  pr.pipeline.requestTransform?.apply(headers);
}

/** Client response headers: what access steps recorded (rate-limit counters, CORS), then the response transformer. */
export function applyResponsePolicies(pr: PolicyRequest, headers: OutgoingHttpHeaders): void {
  appendPairs(headers, pr.responseHeaders);
  pr.pipeline.responseTransform?.apply(headers);
}
