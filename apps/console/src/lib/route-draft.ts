import { HttpMethodSchema, RouteSchema, toFieldErrors, type FieldError, type Route } from "@switchyard/config";

export const HTTP_METHODS = HttpMethodSchema.options;
export type PathType = Route["path"]["type"];
export type Rule = Route["rules"][number];

/** Form state: text inputs stay strings so a half-typed value is never silently coerced. */
export interface DestinationDraft {
  service: string;
  subset: string;
  weight: string;
}

export interface RuleDraft {
  /** Rule fields this form doesn't edit (match blocks, timeout, retries) are carried through unchanged. */
  rest: Omit<Rule, "destinations">;
  destinations: DestinationDraft[];
}

/** Route fields with their own inputs; the rest (e.g. maxRequestBodyBytes) is carried through unchanged. */
type EditedRouteField = "name" | "description" | "hosts" | "path" | "methods" | "stripPath" | "priority" | "rules" | "httpsRedirect";

export interface RouteDraft {
  /** Route-level fields this form doesn't edit, kept as they were. */
  rest: Partial<Omit<Route, EditedRouteField>>;
  /** HTTPS only: plain-HTTP requests get this redirect (status, port); null serves plain HTTP too. */
  httpsRedirect: Record<string, unknown> | null;
  name: string;
  description: string;
  hosts: string;
  pathType: PathType;
  pathValue: string;
  methods: string[];
  stripPath: boolean;
  priority: string;
  rules: RuleDraft[];
}

export function emptyDraft(defaultService = ""): RouteDraft {
  return {
    rest: {},
    httpsRedirect: null,
    name: "",
    description: "",
    hosts: "",
    pathType: "prefix",
    pathValue: "/",
    methods: [],
    stripPath: false,
    priority: "0",
    rules: [{ rest: {}, destinations: [{ service: defaultService, subset: "", weight: "100" }] }],
  };
}

export function draftFromRoute(route: Route): RouteDraft {
  const { name: _n, description: _d, hosts: _h, path: _p, methods: _m, stripPath: _s, priority: _pr, rules: _r, httpsRedirect, ...rest } = route;
  return {
    rest,
    httpsRedirect: httpsRedirect ? { ...httpsRedirect } : null,
    name: route.name,
    description: route.description ?? "",
    hosts: route.hosts.join(", "),
    pathType: route.path.type,
    pathValue: route.path.value,
    methods: [...route.methods],
    stripPath: route.stripPath,
    priority: String(route.priority),
    rules: route.rules.map(({ destinations, ...rest }) => ({
      rest,
      destinations: destinations.map((d) => ({ service: d.service, subset: d.subset ?? "", weight: String(d.weight) })),
    })),
  };
}

function toNumber(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? Number.NaN : Number(trimmed);
}

/** The object the API receives, before validation. */
export function draftToInput(draft: RouteDraft): unknown {
  return {
    ...draft.rest,
    ...(draft.httpsRedirect ? { httpsRedirect: draft.httpsRedirect } : {}),
    name: draft.name.trim(),
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    hosts: draft.hosts
      .split(/[\s,]+/)
      .map((h) => h.trim())
      .filter(Boolean),
    path: { type: draft.pathType, value: draft.pathValue.trim() },
    methods: draft.methods,
    stripPath: draft.stripPath,
    priority: toNumber(draft.priority),
    rules: draft.rules.map((rule) => ({
      ...rule.rest,
      destinations: rule.destinations.map((d) => ({
        service: d.service,
        ...(d.subset ? { subset: d.subset } : {}),
        weight: toNumber(d.weight),
      })),
    })),
  };
}

/** Plain-language messages for the number fields (zod's default mentions NaN). */
function friendlier(error: FieldError): FieldError {
  if (/\.(weight)$|^priority$/.test(error.path) && /expected number/i.test(error.message)) {
    return { ...error, message: error.path === "priority" ? "Priority must be a number" : "Weight must be a number" };
  }
  if (error.path.endsWith(".service") && /at least 1|required/i.test(error.message)) {
    return { ...error, message: "Choose a service" };
  }
  return error;
}

export type ValidationResult = { ok: true; route: Route } | { ok: false; errors: FieldError[] };

/** Validates with the same schema the control plane and gateway use, paths relative to the route. */
export function validateDraft(draft: RouteDraft): ValidationResult {
  const input = draftToInput(draft);
  const result = RouteSchema.safeParse(input);
  if (result.success) return { ok: true, route: result.data };
  return { ok: false, errors: toFieldErrors(result.error).map(friendlier) };
}

/** Every error path the form shows next to a field; anything else goes to the summary. */
export function placedPaths(draft: RouteDraft): Set<string> {
  const paths = new Set(["name", "description", "path", "path.type", "path.value", "stripPath", "priority", "rules", "httpsRedirect", "httpsRedirect.status", "httpsRedirect.port"]);
  draft.hosts.split(/[\s,]+/).forEach((_, i) => paths.add(`hosts.${i}`));
  paths.add("hosts");
  draft.methods.forEach((_, i) => paths.add(`methods.${i}`));
  paths.add("methods");
  draft.rules.forEach((rule, r) => {
    paths.add(`rules.${r}`);
    paths.add(`rules.${r}.destinations`);
    rule.destinations.forEach((_, d) => {
      for (const f of ["", ".service", ".subset", ".weight"]) paths.add(`rules.${r}.destinations.${d}${f}`);
    });
  });
  return paths;
}

/** Canary position: the first destination's share in percent, rounded. */
export function canaryValue(rule: RuleDraft): number {
  const [a, b] = rule.destinations.map((d) => Math.max(0, toNumber(d.weight) || 0));
  const total = (a ?? 0) + (b ?? 0);
  return total === 0 ? 50 : Math.round(((a ?? 0) / total) * 100);
}

export function draftWeights(rule: RuleDraft): number[] {
  return rule.destinations.map((d) => toNumber(d.weight));
}
