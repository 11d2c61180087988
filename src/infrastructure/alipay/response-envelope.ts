/**
 * Alipay's OpenAPI answer is `{"<method>_response": {...}, "sign": "..."}`, and the signature covers the
 * response object's text exactly as received: its bytes are cut out of the body, never re-serialised.
 * UTF-8 multi-byte sequences hold no ASCII bytes, so scanning bytes for quotes and brackets is exact.
 */
export interface ResponseEnvelope {
  /** The bytes of the response object, from its `{` to its matching `}`. */
  readonly signedBytes: Uint8Array;
  /** Those bytes parsed. */
  readonly response: Record<string, unknown>;
  /** The top-level `sign`, '' when absent. */
  readonly sign: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]); // { [
const CLOSE = new Set([0x7d, 0x5d]); // } ]
const COMMA = 0x2c;

/**
 * The response object named `key`, or the reason the body is not Alipay's JSON envelope.
 * A body naming `key` twice is refused: which copy a parser keeps is not something to bet money on.
 */
export function readEnvelope(body: Uint8Array, key: string): ResponseEnvelope | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return 'the answer is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'the answer is not a JSON object';
  const extents = topLevelValues(body);
  const found = extents.filter(([name]) => name === key);
  if (found.length !== 1) return found.length === 0 ? `the answer has no ${key}` : `the answer names ${key} twice`;
  const [, start, end] = found[0]!;
  const signedBytes = body.subarray(start, end);
  const response = JSON.parse(new TextDecoder().decode(signedBytes)) as unknown;
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return `${key} is not an object`;
  const { sign } = parsed as { sign?: unknown };
  return { signedBytes, response: response as Record<string, unknown>, sign: typeof sign === 'string' ? sign : '' };
}

/** [name, start, end) of each value of the outermost object of a body already known to be valid JSON. */
function topLevelValues(body: Uint8Array): [string, number, number][] {
  const values: [string, number, number][] = [];
  let i = skipSpace(body, 0) + 1; // past '{'
  for (;;) {
    i = skipSpace(body, i);
    if (body[i] !== QUOTE) return values; // '}' of an empty object
    const nameEnd = endOfString(body, i);
    const name = JSON.parse(new TextDecoder().decode(body.subarray(i, nameEnd))) as string;
    i = skipSpace(body, skipSpace(body, nameEnd) + 1); // past ':'
    const end = endOfValue(body, i);
    values.push([name, i, end]);
    i = skipSpace(body, end);
    if (body[i] !== COMMA) return values;
    i++;
  }
}

function skipSpace(body: Uint8Array, i: number): number {
  while (body[i] === 0x20 || body[i] === 0x09 || body[i] === 0x0a || body[i] === 0x0d) i++;
  return i;
}

/** Just past the closing quote of the string that starts at `i`. */
function endOfString(body: Uint8Array, i: number): number {
  for (let j = i + 1; ; j++) {
    if (body[j] === BACKSLASH) j++;
    else if (body[j] === QUOTE) return j + 1;
  }
}

/** Just past the value that starts at `i`: a string, an object or array with all it nests, or a literal. */
function endOfValue(body: Uint8Array, i: number): number {
  if (body[i] === QUOTE) return endOfString(body, i);
  if (!OPEN.has(body[i]!)) {
    let j = i;
    while (j < body.length && body[j] !== COMMA && !CLOSE.has(body[j]!) && skipSpace(body, j) === j) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; ; j++) {
    if (body[j] === QUOTE) j = endOfString(body, j) - 1;
    else if (OPEN.has(body[j]!)) depth++;
    else if (CLOSE.has(body[j]!) && --depth === 0) return j + 1;
  }
}
