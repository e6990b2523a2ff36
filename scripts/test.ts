// `npm test`: builds what the e2e specs need, runs every Vitest project (unit, integration, e2e)
// and ends with one plain line `N passed, N failed, N skipped` that CI reads.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const resultsFile = path.join(root, ".data", "test-results.json");
mkdirSync(path.dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" };
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env }).status ?? 1;

console.log(`test: database ${process.env.DATABASE_URL ? "Postgres at DATABASE_URL (and embedded PGlite)" : "embedded PGlite"}, ` +
  `redis ${process.env.REDIS_URL ?? "not configured"}`);

if (run("npx", ["turbo", "run", "build", "--filter=@switchyard/console", "--output-logs=errors-only"]) !== 0) {
  console.log("0 passed, 1 failed");
  console.error("test: the console build failed; the e2e specs need it");
  process.exit(1);
}

const vitestArgs = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)];
const status = run("npx", vitestArgs);

let passed = 0, failed = 0, skipped = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, "utf8")) as {
    numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
    testResults: { status: string; assertionResults: { status: string }[] }[];
  };
  passed = results.numPassedTests;
  // A suite that fails to load has no failed tests of its own: count it as a failure.
  const brokenFiles = results.testResults.filter((file) => file.status === "failed" && !file.assertionResults.some((a) => a.status === "failed"));
  failed = results.numFailedTests + brokenFiles.length;
  skipped = results.numPendingTests + results.numTodoTests;
} catch {
  failed = Math.max(1, failed);
  console.error("test: Vitest wrote no results file");
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
