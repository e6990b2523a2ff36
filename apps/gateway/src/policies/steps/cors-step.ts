import type { CorsConfig } from "@switchyard/config";
import { ANSWERED, CONTINUE, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";

/**
 * Kong cors: preflights (OPTIONS with Origin and Access-Control-Request-Method) are answered
 * here; for other requests from an allowed origin the response gets the CORS headers.
 */
export class CorsStep implements AccessStep {
  private readonly any: boolean;
  private readonly exact: ReadonlySet<string>;
  private readonly patterns: readonly RegExp[];
  private readonly methods: string;
  private readonly headers: string | null;
  private readonly exposed: string | null;
  private readonly credentials: boolean;
  private readonly maxAge: string | null;
  private readonly preflightContinue: boolean;

  constructor(config: CorsConfig) {
    this.any = config.origins.includes("*");
    this.exact = new Set(config.origins.filter((o) => o !== "*" && !o.startsWith("~")));
    this.patterns = config.origins.filter((o) => o.startsWith("~")).map((o) => new RegExp(o.slice(1)));
    this.methods = config.methods.join(",");
    this.headers = config.headers.length > 0 ? config.headers.join(",") : null;
    this.exposed = config.exposed_headers.length > 0 ? config.exposed_headers.join(",") : null;
    this.credentials = config.credentials;
    this.maxAge = config.max_age === undefined ? null : String(config.max_age);
    this.preflightContinue = config.preflight_continue;
  }

  private allowedOrigin(origin: string): string | null {
    if (this.exact.has(origin) || this.patterns.some((p) => p.test(origin))) return origin;
    // "*" with credentials must echo the origin: browsers refuse "*" on credentialed requests.
    if (this.any) return this.credentials ? origin : "*";
    return null;
  }

  run(pr: PolicyRequest): StepResult {
    const origin = pr.req.headers.origin;
    if (origin === undefined) return CONTINUE;
    const allowed = this.allowedOrigin(origin);
    const preflight = pr.req.method === "OPTIONS" && pr.req.headers["access-control-request-method"] !== undefined;
    if (preflight && !this.preflightContinue) {
      const headers: Record<string, string> = { vary: "Origin", "content-length": "0" };
      if (allowed !== null) {
        headers["access-control-allow-origin"] = allowed;
        headers["access-control-allow-methods"] = this.methods;
        const requested = pr.req.headers["access-control-request-headers"];
        const allowHeaders = this.headers ?? (typeof requested === "string" ? requested : null);
        if (allowHeaders !== null) headers["access-control-allow-headers"] = allowHeaders;
        if (this.credentials) headers["access-control-allow-credentials"] = "true";
        if (this.maxAge !== null) headers["access-control-max-age"] = this.maxAge;
      }
      pr.counted(204, "");
      pr.res.writeHead(204, headers);
      pr.res.end();
      return ANSWERED;
    }
    if (allowed !== null) {
      pr.addResponseHeader("access-control-allow-origin", allowed);
      if (allowed !== "*") pr.addResponseHeader("vary", "Origin");
      if (this.credentials) pr.addResponseHeader("access-control-allow-credentials", "true");
      if (this.exposed !== null) pr.addResponseHeader("access-control-expose-headers", this.exposed);
    }
    return CONTINUE;
  }
}
