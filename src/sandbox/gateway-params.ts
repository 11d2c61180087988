/**
 * An OpenAPI call's parameters. SDKs put the common ones in the query string and biz_content in the
 * form body; a plain client puts everything in the body. A key in both, or twice in one, is refused:
 * which value was signed would be a guess.
 */
export function gatewayParams(query: string, body: string): { params: Record<string, string> } | { duplicate: string } {
  const params = new Map<string, string>();
  for (const source of [query, body]) {
    for (const [key, value] of new URLSearchParams(source)) {
      if (params.has(key)) return { duplicate: key };
      params.set(key, value);
    }
  }
  return { params: Object.fromEntries(params) };
}
