export { importConfigDocuments, type ImportOutcome } from "./import-config.ts";
export { mergeImported } from "./merge-imported.ts";
export type { ConfigFormat, ImportedConfig, ImportFileReader, ImportOptions } from "./import-types.ts";
