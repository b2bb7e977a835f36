/**
 * The stand-in reaches into three private members of @prisma/adapter-pg
 * (src/kit/schema-engine/adapter-pg-internals.ts says why each): an upgrade of adapter-pg fails
 * here until they are read again, and a connected adapter has them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { expect, inject, it } from 'vitest';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { adapterPgInternals, CHECKED_ADAPTER_PG_VERSION } from '#kit/schema-engine/adapter-pg-internals.ts';

it('the installed adapter-pg is the one whose private members were read', () => {
  // Its exports map hides package.json: read it where npm put it.
  const path = join(projectRoot, 'node_modules', '@prisma', 'adapter-pg', 'package.json');
  const installed = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  expect(installed, 'adapter-pg was upgraded: re-check src/kit/schema-engine/adapter-pg-internals.ts').toBe(
    CHECKED_ADAPTER_PG_VERSION,
  );
});

it('a connected adapter and its transactions have them; anything else is refused in one line naming the fix', async () => {
  const adapter = await new PrismaPg({ connectionString: inject('testServerUrl'), max: 1 }).connect();
  try {
    const internals = adapterPgInternals(adapter);
    const result = await internals.performIO({ sql: 'SELECT 1 AS one', args: [], argTypes: [] });
    expect(result.fields.map((field) => field.name)).toEqual(['one']);
    const transaction = await adapter.startTransaction();
    expect(() => adapterPgInternals(transaction)).not.toThrow();
    await transaction.rollback();
  } finally {
    await adapter.dispose();
  }
  expect(() => adapterPgInternals({} as never)).toThrow(/re-check src\/kit\/schema-engine\/adapter-pg-internals\.ts/);
});
