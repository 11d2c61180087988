import { importTests, tierFiles } from './import-tests.ts';

// Every adapter against its port's contract, on PGlite and PostgreSQL.
await importTests(tierFiles(['contracts']));
