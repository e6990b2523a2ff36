import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** utime + stime (seconds) of a process and all its threads. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1;
  }
}

/** The pid and every descendant (nginx workers, cluster children). */
export function processTree(root: number): number[] {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const pid of all) {
      if (!tree.has(pid) && tree.has(parentOf(pid))) { tree.add(pid); grew = true; }
    }
  }
  return [...tree];
}

/** CPU seconds used so far by a process tree (children that already exited are not counted). */
export function treeCpuSeconds(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
}
