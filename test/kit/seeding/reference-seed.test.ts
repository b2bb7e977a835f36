import { cpSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '#kit/cli-error.ts';
import { seedReferenceData, updateChecksums } from '#kit/seeding/reference-seed.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { demoProjectDir } from '../support/demo-project.ts';
import { useTestDatabase } from '../setup/test-database.ts';
import { referenceTables as tables } from '../fixtures/demo-project/prisma/reference/tables.ts';

const t = useTestDatabase({ demo: true });
// The demo project's reference tables and files, on its database: whatever the team's are.
const referenceDir = join(demoProjectDir, 'prisma', 'reference');
const query = <T>(sql: string) => withPgClient(t.url, async (client) => (await client.query(sql)).rows as T[]);
let dir: string;

/** A reviewed copy of the kit's reference files that a test may edit. */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reference-'));
  cpSync(referenceDir, dir, { recursive: true });
});

async function snapshot() {
  const roles = await query<{ name: string; description: string }>('SELECT name, description FROM roles ORDER BY name');
  const flags = await query<{ key: string; enabled: boolean; description: string }>(
    'SELECT key, enabled, description FROM feature_flags ORDER BY key',
  );
  return { roles, flags };
}

async function expectRefusal(message: RegExp) {
  const before = await snapshot();
  await expect(seedReferenceData(t.url, { tables, dir })).rejects.toThrow(message);
  await expect(seedReferenceData(t.url, { tables, dir })).rejects.toBeInstanceOf(CliError);
  expect(await snapshot()).toEqual(before);
}

describe('reference seed', () => {
  it('creates on the first run and writes nothing on the second', async () => {
    const first = await seedReferenceData(t.url, { tables, dir });
    expect(first.map((r) => [r.table, r.created])).toEqual([
      ['roles', 3],
      ['feature_flags', 3],
    ]);
    const second = await seedReferenceData(t.url, { tables, dir });
    expect(second.every((r) => r.created + r.updated + r.removed === 0)).toBe(true);
    expect(second.map((r) => r.unchanged)).toEqual([3, 3]);
  });

  it('updates exactly the edited row and deletes only rows marked removed', async () => {
    await seedReferenceData(t.url, { tables, dir });
    const file = join(dir, 'feature_flags.jsonl');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '"key": "new-editor", "enabled": false',
        '"key": "new-editor", "enabled": true',
      ),
    );
    appendFileSync(join(dir, 'roles.jsonl'), '{"name": "editor", "_removed": true}\n'.replace('editor', 'member'));
    // member appears twice now (original line and removal): not allowed, so drop the original first.
    writeFileSync(
      join(dir, 'roles.jsonl'),
      readFileSync(join(dir, 'roles.jsonl'), 'utf8').replace(/^.*"member", "description".*\n/m, ''),
    );
    updateChecksums(tables, dir);
    const results = await seedReferenceData(t.url, { tables, dir });
    expect(results).toEqual([
      { table: 'roles', created: 0, updated: 0, unchanged: 2, removed: 1 },
      { table: 'feature_flags', created: 0, updated: 1, unchanged: 2, removed: 0 },
    ]);
    const { roles, flags } = await snapshot();
    expect(roles.map((r) => r.name)).toEqual(['admin', 'editor']);
    expect(flags.find((f) => f.key === 'new-editor')?.enabled).toBe(true);
  });

  it('refuses a file whose checksum does not match the manifest, naming the file', async () => {
    appendFileSync(join(dir, 'roles.jsonl'), '{"name": "sneaky", "description": ""}\n');
    await expectRefusal(/roles\.jsonl does not match its checksum/);
  });

  const badRows: Array<[string, string, RegExp]> = [
    ['malformed JSON', '{"name": "broken",', /roles\.jsonl:4: not valid JSON/],
    ['a missing key', '{"description": "no name"}', /roles\.jsonl:4: missing the key column "name"/],
    ['a wrong type', '{"name": "typed", "description": 42}', /roles\.jsonl:4: "description" must be text/],
    [
      'a duplicate key',
      '{"name": "admin", "description": "again"}',
      /roles\.jsonl:4: duplicate key name="admin" \(first on line 1\)/,
    ],
    [
      'an unknown column',
      '{"name": "extra", "description": "", "colour": "red"}',
      /roles\.jsonl:4: unknown column "colour"/,
    ],
  ];
  it.each(badRows)(
    'fails whole on %s, with file and line, and leaves the database as it was',
    async (_, row, message) => {
      await seedReferenceData(t.url, { tables, dir });
      // The good edit in the other file must not be written either.
      const flags = join(dir, 'feature_flags.jsonl');
      writeFileSync(flags, readFileSync(flags, 'utf8').replace('"enabled": true', '"enabled": false'));
      appendFileSync(join(dir, 'roles.jsonl'), `${row}\n`);
      updateChecksums(tables, dir);
      await expectRefusal(message);
    },
  );

  it('seeds a 100,000-row file in batches', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) =>
      JSON.stringify({ key: `flag-${i}`, enabled: i % 2 === 0, description: '' }),
    );
    writeFileSync(join(dir, 'feature_flags.jsonl'), `${rows.join('\n')}\n`);
    updateChecksums(tables, dir);
    const [, flags] = await seedReferenceData(t.url, { tables, dir });
    expect(flags?.created).toBe(100_000);
    expect(
      (await query<{ n: number }>(`SELECT count(*)::int AS n FROM feature_flags WHERE key LIKE 'flag-%'`))[0]!.n,
    ).toBe(100_000);
  });
});
