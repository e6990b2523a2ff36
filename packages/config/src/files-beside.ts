import { readFileSync } from "node:fs";
import path from "node:path";
import type { ImportFileReader } from "./importers/index.ts";

/**
 * How a config file's imports read the files they name (an Istio DestinationRule's certificate
 * paths): absolute paths as they are, relative ones from the config file's folder. Node only.
 */
export function filesBeside(configFile: string): ImportFileReader {
  const dir = path.dirname(path.resolve(configFile));
  return (file) => readFileSync(path.resolve(dir, file), "utf8");
}
