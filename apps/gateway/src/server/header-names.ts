/** Lower-case header names a parser expects often, grouped by length. */
export type HeaderNameTable = readonly (readonly string[] | undefined)[];

export function headerNameTable(names: readonly string[]): HeaderNameTable {
  const byLength: string[][] = [];
  for (const name of names) (byLength[name.length] ??= []).push(name);
  return byLength;
}

/**
 * The lower-case name of the header name text[from, to) when the table has it, in any letter
 * case, compared in place: no substring, no lower-casing, and the result is the table's own
 * (internalized) string, so using it as a property key costs no hashing. undefined otherwise.
 */
export function knownHeaderName(table: HeaderNameTable, text: string, from: number, to: number): string | undefined {
  const candidates = table[to - from];
  if (candidates === undefined) return undefined;
  next: for (const name of candidates) {
    for (let i = 0; i < name.length; i++) {
      let c = text.charCodeAt(from + i);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== name.charCodeAt(i)) continue next;
    }
    return name;
  }
  return undefined;
}
