export { runCli } from "./run-cli.ts";
export type { CliIo } from "./io.ts";
