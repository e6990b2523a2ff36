/**
 * Rejects regexes that don't compile and the classic catastrophic-backtracking shapes
 * (a quantified group that itself contains a quantifier, e.g. `(a+)+`, `(.*)*`, `(a|aa)+`),
 * so a route regex can't be used to burn a worker's CPU. Conservative on purpose.
 */
export function checkRegex(source: string): string | null {
  try {
    new RegExp(source);
  } catch (e) {
    return `Invalid regular expression: ${(e as Error).message}`;
  }
  if (source.length > 1000) return "Regular expression longer than 1000 characters";
  if (hasNestedQuantifier(source)) return "Regular expression has a nested quantifier (ReDoS risk), e.g. (a+)+";
  if (/\\[1-9]/.test(source)) return "Backreferences are not allowed in regexes the gateway runs per request";
  return null;
}

function hasNestedQuantifier(source: string): boolean {
  // Stack of groups: whether each open group contains a quantifier or an alternation.
  const stack: { quantified: boolean; alternation: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") { i++; continue; }
    if (inClass) { if (c === "]") inClass = false; continue; }
    if (c === "[") { inClass = true; continue; }
    if (c === "(") { stack.push({ quantified: false, alternation: false }); continue; }
    if (c === "|") { const top = stack[stack.length - 1]; if (top) top.alternation = true; continue; }
    if (c === ")") {
      const group = stack.pop();
      const next = source[i + 1];
      const groupQuantified = next === "*" || next === "+" || next === "{";
      if (group && groupQuantified && (group.quantified || group.alternation)) return true;
      const parent = stack[stack.length - 1];
      if (parent && (groupQuantified || group?.quantified)) parent.quantified = true;
      continue;
    }
    if (c === "*" || c === "+" || c === "{") {
      const top = stack[stack.length - 1];
      if (top) top.quantified = true;
    }
  }
  return false;
}
