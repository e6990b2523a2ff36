"use client";

import { useEffect, useMemo, useRef } from "react";
import "swagger-ui-dist/swagger-ui.css";

/** Where try-it requests go from the browser: the console's pass-through to the gateway (same origin, no CORS). */
const PROXY = "/api/portal-gateway";

/**
 * Swagger UI over a product's OpenAPI document. Its servers are the gateway, so the examples
 * and the generated curl show the address developers really call; "Try it out" requests are
 * sent through the console (the gateway is another origin) with the key the developer entered.
 *
 * Swagger UI comes from its self-contained bundle (swagger-ui-dist), mounted into a node of its
 * own: the module build of swagger-ui-react resolves OpenAPI 3.1 documents through ApiDOM, which
 * Turbopack (Next's bundler) mis-bundles ("refract is not a function").
 */
export default function SwaggerReference({ document, gateway, apiKey }: { document: Record<string, unknown>; gateway: string; apiKey: string }) {
  const container = useRef<HTMLDivElement>(null);
  const spec = useMemo(() => ({ ...document, servers: [{ url: gateway, description: "Gateway" }] }), [document, gateway]);
  // Swagger UI reads its interceptor once, when it mounts: the key is read from a ref at request time.
  const key = useRef(apiKey);
  key.current = apiKey;

  useEffect(() => {
    const parent = container.current;
    if (!parent) return;
    const host = window.document.createElement("div");
    parent.append(host);
    let cancelled = false;
    void import("swagger-ui-dist/swagger-ui-es-bundle.js").then(({ default: SwaggerUIBundle }) => {
      if (cancelled) return;
      SwaggerUIBundle({
        domNode: host,
        spec,
        requestInterceptor: (req) => {
          if (!req.url.startsWith(gateway)) return req;
          req.url = `${PROXY}${req.url.slice(gateway.length) || "/"}`;
          if (key.current) req.headers = { ...req.headers, apikey: key.current };
          return req;
        },
        // The curl shown is the request as the developer would send it to the gateway, not the console hop.
        showMutatedRequest: false,
        docExpansion: "list",
        defaultModelsExpandDepth: 1,
        defaultModelExpandDepth: 2,
        deepLinking: false,
        tryItOutEnabled: false,
        displayRequestDuration: true,
        // Never send the document to swagger.io's online validator.
        validatorUrl: null,
      });
    });
    return () => {
      cancelled = true;
      host.remove();
    };
  }, [spec, gateway]);

  return <div className="portal-swagger" data-testid="swagger-reference" ref={container} />;
}
