import { importTests, tierFiles } from './import-tests.ts';

// The app through HTTP, wired by the composition root, in this process.
await importTests(tierFiles(['http']));
