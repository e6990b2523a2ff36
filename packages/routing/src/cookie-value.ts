/** Value of one cookie in a Cookie header ("a=1; b=2"), or undefined when it isn't there. */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const text = typeof header === "string" ? header : header.join("; ");
  let at = 0;
  while (at < text.length) {
    while (text.charCodeAt(at) === 0x20) at++;
    let end = text.indexOf(";", at);
    if (end === -1) end = text.length;
    const eq = text.indexOf("=", at);
    if (eq !== -1 && eq < end && eq - at === name.length && text.startsWith(name, at)) return text.slice(eq + 1, end).trim();
    at = end + 1;
  }
  return undefined;
}
