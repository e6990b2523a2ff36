// swagger-ui-dist ships no types: the part of its bundle's API the portal uses.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  interface SwaggerRequest { url: string; headers: Record<string, string> }
  interface SwaggerUIOptions {
    domNode: HTMLElement;
    spec: Record<string, unknown>;
    requestInterceptor?: (request: SwaggerRequest) => SwaggerRequest | Promise<SwaggerRequest>;
    showMutatedRequest?: boolean;
    docExpansion?: "list" | "full" | "none";
    defaultModelsExpandDepth?: number;
    defaultModelExpandDepth?: number;
    deepLinking?: boolean;
    tryItOutEnabled?: boolean;
    displayRequestDuration?: boolean;
    persistAuthorization?: boolean;
    validatorUrl?: string | null;
  }
  const SwaggerUIBundle: (options: SwaggerUIOptions) => unknown;
  export default SwaggerUIBundle;
}
