import { runCli } from "./run-cli.ts";

const code = await runCli(
  process.argv.slice(2),
  { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() },
);
// A negative code means the command keeps the process running (the standalone gateway).
if (code >= 0) process.exitCode = code;
