import { parseConfigText } from "../yaml.ts";

/** parseConfigText for tests: the parsed config with its warnings, or a throw naming the errors. */
export function parseOrThrow(text: string, options?: Parameters<typeof parseConfigText>[1]) {
  const result = parseConfigText(text, options);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}
