import type { AccessStep } from "./policy-request.ts";
import type { HeaderTransform } from "./steps/header-transform.ts";

/**
 * The policies of one destination (route + rule + service), resolved at compile time: the
 * access steps in phase order, then the request and response header work. A consumer with
 * policies of its own gets its own pipeline (built on first use) from the auth step on.
 */
export interface Pipeline {
  readonly route: string;
  readonly service: string;
  readonly access: readonly AccessStep[];
  /** Index of the first step after authentication (where a consumer pipeline takes over). */
  readonly afterAuth: number;
  readonly hasAuth: boolean;
  /** Send X-Consumer-Groups upstream (an acl policy applies and doesn't hide it). */
  readonly groupsHeader: boolean;
  readonly requestTransform: HeaderTransform | null;
  readonly responseTransform: HeaderTransform | null;
  /** Pipeline for a consumer with consumer-scoped policies, or this one; by consumer index. */
  forConsumer(index: number): Pipeline;
}
