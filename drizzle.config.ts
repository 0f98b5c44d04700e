/** drizzle-kit: `npm run db:generate` writes the migrations of both dialects from the one schema. */
import { defineConfig } from 'drizzle-kit';

const dialect = process.env.GAGENT_SCHEMA_DIALECT === 'postgresql' ? 'postgresql' : 'sqlite';

export default defineConfig(
  dialect === 'postgresql'
    ? { dialect, schema: './src/store/schema-pg.ts', out: './drizzle/pg' }
    : { dialect, schema: './src/store/schema-sqlite.ts', out: './drizzle/sqlite' },
);
