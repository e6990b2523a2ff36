import type { Rule } from "@switchyard/config";
import { CompileErrorCode, ConfigCompileError } from "./compile-error.ts";
import type { CompiledDirectResponse, CompiledHeaderOps, CompiledRedirect, CompiledRewrite, CompiledSticky } from "./compiled-types.ts";

type HeaderOps = NonNullable<NonNullable<Rule["headers"]>["request"]>;

function headerOps(ops: HeaderOps | undefined): CompiledHeaderOps | null {
  if (!ops) return null;
  const set = Object.entries(ops.set ?? {}).map(([k, v]) => Object.freeze([k.toLowerCase(), v] as const));
  const add = Object.entries(ops.add ?? {}).map(([k, v]) => Object.freeze([k.toLowerCase(), v] as const));
  const remove = (ops.remove ?? []).map((k) => k.toLowerCase());
  if (set.length + add.length + remove.length === 0) return null;
  return Object.freeze({ set: Object.freeze(set), add: Object.freeze(add), remove: Object.freeze(remove) });
}

function rewrite(rule: Rule, at: string): CompiledRewrite | null {
  const r = rule.rewrite;
  if (!r) return null;
  let regex: RegExp | null = null;
  if (r.uriRegexRewrite) {
    try {
      regex = new RegExp(r.uriRegexRewrite.match, "g");
    } catch (e) {
      throw new ConfigCompileError(CompileErrorCode.InvalidRegex, `${at}.rewrite.uriRegexRewrite.match`, `Invalid regular expression: ${(e as Error).message}`);
    }
  }
  return Object.freeze({
    uri: r.uri ?? null,
    regex,
    // RE2/Envoy write groups as \1; JavaScript's replace wants $1.
    substitution: (r.uriRegexRewrite?.rewrite ?? "").replace(/\$/g, "$$$$").replace(/\\(\d)/g, "$$$1"),
    authority: r.authority ?? null,
  });
}

function redirect(rule: Rule): CompiledRedirect | null {
  const r = rule.redirect;
  if (!r) return null;
  return Object.freeze({ status: r.redirectCode, uri: r.uri ?? null, authority: r.authority ?? null, scheme: r.scheme ?? null, port: r.port ?? null });
}

function directResponse(rule: Rule): CompiledDirectResponse | null {
  const d = rule.directResponse;
  if (!d) return null;
  return Object.freeze({ status: d.status, body: new TextEncoder().encode(d.body ?? ""), contentType: d.contentType });
}

function sticky(rule: Rule): CompiledSticky | null {
  const s = rule.stickySplit;
  if (!s || rule.destinations.length < 2) return null;
  if (s.header) return Object.freeze({ kind: "header", name: s.header.toLowerCase() });
  if (s.cookie) return Object.freeze({ kind: "cookie", name: s.cookie });
  if (s.consumer) return Object.freeze({ kind: "consumer", name: "" });
  return Object.freeze({ kind: "ip", name: "" });
}

/** What a rule does besides choosing a destination, resolved once per config. */
export function compileRuleActions(rule: Rule, at: string) {
  return {
    rewrite: rewrite(rule, at),
    requestHeaders: headerOps(rule.headers?.request),
    responseHeaders: headerOps(rule.headers?.response),
    redirect: redirect(rule),
    directResponse: directResponse(rule),
    sticky: sticky(rule),
  };
}
