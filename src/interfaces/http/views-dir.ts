import { fileURLToPath } from 'node:url';

/** views/ at the project root, from src/ and from dist/ alike. */
export const VIEWS_DIR = fileURLToPath(new URL('../../../views', import.meta.url));
