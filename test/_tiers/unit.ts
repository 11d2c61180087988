import { importTests, tierFiles } from './import-tests.ts';

// Pure rules and use cases over in-memory adapters.
await importTests(tierFiles(['unit', 'application']));
