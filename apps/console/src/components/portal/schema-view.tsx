import type { Schema } from "@/components/portal/openapi-model.ts";
import { typeLabel } from "@/components/portal/openapi-model.ts";

/** A schema as a nested property list (type, required, description, enum). */
export function SchemaView({ schema, depth = 0 }: { schema: Schema | null; depth?: number }) {
  if (!schema) return <span className="text-muted-foreground">any</span>;
  const merged: Schema = schema.allOf ? Object.assign({}, ...schema.allOf, { properties: Object.assign({}, ...schema.allOf.map((s) => s.properties ?? {})), required: schema.allOf.flatMap((s) => s.required ?? []) }) : schema;
  const props = merged.properties ?? (merged.type === "array" ? merged.items?.properties : undefined);
  const required = new Set(merged.required ?? (merged.type === "array" ? merged.items?.required : undefined) ?? []);
  if (!props || depth > 4) {
    return (
      <span className="font-mono text-xs">
        {typeLabel(merged)}
        {merged.enum && <span className="text-muted-foreground"> — one of {merged.enum.map((e) => JSON.stringify(e)).join(", ")}</span>}
      </span>
    );
  }
  return (
    <div>
      <div className="mb-1 font-mono text-xs text-muted-foreground">{typeLabel(merged)}</div>
      <ul className="divide-y rounded-md border">
        {Object.entries(props).map(([name, prop]) => (
          <li key={name} className="px-3 py-2 text-sm">
            <div className="flex flex-wrap items-baseline gap-2">
              <code className="font-mono font-medium">{name}</code>
              <span className="font-mono text-xs text-muted-foreground">{typeLabel(prop)}</span>
              {required.has(name) && <span className="text-xs font-medium text-destructive">required</span>}
            </div>
            {prop.description && <p className="mt-0.5 text-xs text-muted-foreground">{prop.description}</p>}
            {prop.enum && <p className="mt-0.5 text-xs text-muted-foreground">One of: {prop.enum.map((e) => JSON.stringify(e)).join(", ")}</p>}
            {(prop.properties || prop.items?.properties) && <div className="mt-2"><SchemaView schema={prop} depth={depth + 1} /></div>}
          </li>
        ))}
      </ul>
    </div>
  );
}
