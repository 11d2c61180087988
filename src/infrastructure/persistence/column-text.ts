// Text is cut to its column's width, and PostgreSQL text cannot hold NUL, which a hostile %00 decodes to.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be replaced
export const fit = (text: string, width = Number.POSITIVE_INFINITY) => text.slice(0, width).replace(/\u0000/g, '\uFFFD');
