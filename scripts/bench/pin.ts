// CPU pinning for the benchmarks (taskset): the proxy under test on CPU 1, this process and
// whatever it starts unpinned (the load generator, the upstream) on CPU 0, so a proxy's CPU per
// request isn't mixed with how the scheduler shared a core with the load.
import { spawnSync } from "node:child_process";
import os from "node:os";

export const canPin = os.availableParallelism() >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** Pins this process (and so what it starts from now on) to `cpu`. */
export function pinSelf(cpu: number): void {
  spawnSync("taskset", ["-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" });
}

/** The command line that runs `command` on `cpu` (taskset execs it: the pid is the command's); as is for null. */
export function onCpu(cpu: number | null, command: string, args: string[]): [string, string[]] {
  return cpu === null ? [command, args] : ["taskset", ["-c", String(cpu), command, ...args]];
}
