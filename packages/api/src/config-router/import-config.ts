import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "./publish-config.ts";
import { previewImport } from "./preview-import.ts";

/**
 * Publishes pasted or uploaded YAML (ours, Kong, Kubernetes or Istio). The preview is computed
 * again here, so what is stored is what the same text means now, never a stale client copy.
 */
export async function importConfig(options: Publisher & { text: string; message?: string | undefined }): Promise<PublishResult & { warnings: string[] }> {
  const preview = await previewImport({ db: options.db, text: options.text });
  if (!preview.config) {
    throw new AppError("INVALID_CONFIG", preview.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("\n"), { fieldErrors: preview.errors });
  }
  const config = preview.config;
  const result = await publishConfig({
    ...publisherOf(options),
    message: options.message ?? `Imported ${preview.format} config`,
    action: "config.import",
    target: "config",
    ignoresCurrent: true,
    build: () => config,
  });
  return { ...result, warnings: preview.warnings };
}
