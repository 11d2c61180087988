import { importTests, tierFiles } from './import-tests.ts';

// Every adapter against its port's contract: on PGlite, PostgreSQL and in memory.
await importTests(tierFiles(['contracts']));
