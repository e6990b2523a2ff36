/**
 * Puts the built-in prototypes back in V8's fast mode after every module is loaded.
 *
 * V8 turns an object into a dictionary ("slow") object while it is being set up as a prototype
 * and makes it fast again only when a property is looked up through an object that has it in
 * its chain. `class … extends String` in a dependency (ioredis's RESP3 VerbatimString) leaves
 * String.prototype slow, and no string method call fixes it: a call on a string primitive never
 * makes its prototype fast. Optimized code then can't inline a method load such as `s.indexOf`,
 * `s.slice` or `s.charCodeAt` through String.prototype and calls the generic load builtin instead:
 * measured as ~6% of the proxy worker's CPU time on the benchmark route. Called by the worker and
 * by the supervisor's main thread once their modules are loaded.
 *
 * A lookup through a probe object, from a function that has type feedback (V8 allocates it after
 * a few calls), does what the library never does.
 */
const PROTOTYPES: readonly object[] = [
  String.prototype, Number.prototype, Boolean.prototype, Symbol.prototype, Object.prototype, Array.prototype,
  Function.prototype, RegExp.prototype, Map.prototype, Set.prototype, Promise.prototype, Uint8Array.prototype,
];
/** More calls than V8 needs before a function gets feedback (8 in Node 24). */
const CALLS = 32;

export function refreshBuiltinPrototypes(): void {
  for (const proto of PROTOTYPES) {
    const probe = Object.create(proto) as object;
    for (let i = 0; i < CALLS; i++) lookUp(probe);
  }
}

function lookUp(o: object): unknown {
  return (o as { constructor: unknown }).constructor;
}
