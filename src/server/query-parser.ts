/**
 * Go's `c.Query(k)` reads the first value of a repeated key; so does fnode, which keeps every
 * query value a string and `?per_page=1&per_page=2` from failing a schema.
 */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  // Most requests (every invocation) have no query: no URLSearchParams for them.
  if (query === '') return out;
  for (const [k, v] of new URLSearchParams(query)) {
    if (!(k in out)) out[k] = v;
  }
  return out;
}
