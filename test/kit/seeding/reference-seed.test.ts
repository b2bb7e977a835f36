import { projectRoot } from '#kit-test/support/checkout.ts';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KitError } from '#kit/kit-error.ts';
import { formatKitError } from '#kit/run-cli.ts';
import { seedReferenceData, seedReviewedEdit, updateChecksums } from '#kit/seeding/reference-seed.ts';
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

/** The one line the command prints for what `seed` threw: a KitError as run-cli formats it. */
async function refusalLine(seed: Promise<unknown>): Promise<string> {
  const error = await seed.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, String(error)).toBeInstanceOf(KitError);
  return formatKitError(error as KitError, projectRoot);
}

async function expectRefusal(message: RegExp) {
  const before = await snapshot();
  expect(await refusalLine(seedReferenceData(t.url, { tables, dir }))).toMatch(message);
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
      { table: 'roles', created: 0, updated: 0, unchanged: 2, removed: 1, cascaded: 0 },
      { table: 'feature_flags', created: 0, updated: 1, unchanged: 2, removed: 0, cascaded: 0 },
    ]);
    const { roles, flags } = await snapshot();
    expect(roles.map((r) => r.name)).toEqual(['admin', 'editor']);
    expect(flags.find((f) => f.key === 'new-editor')?.enabled).toBe(true);
  });

  it('refuses a file whose checksum does not match the manifest, naming the file', async () => {
    appendFileSync(join(dir, 'roles.jsonl'), '{"name": "sneaky", "description": ""}\n');
    await expectRefusal(
      /roles\.jsonl: does not match its checksum in manifest\.json \(edited without review\?\)\. After review, run: npm run seed:reference -- --update-checksums$/,
    );
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

  /** Replaces member's line with a removal line (with `extra` fields), reviewed. */
  function removeMember(extra = '') {
    const file = join(dir, 'roles.jsonl');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^.*"name": "member".*$/m, `{"name": "member", "_removed": true${extra}}`),
    );
    updateChecksums(tables, dir);
  }
  const userRoles = async () => (await query<{ n: number }>('SELECT count(*)::int AS n FROM user_roles'))[0]!.n;

  it('a removal that foreign keys would cascade is refused with the counts, until its line authorises them', async () => {
    await seedReferenceData(t.url, { tables, dir });
    // Two members, and a log that cascades from user_roles: the count follows the chain.
    await withPgClient(t.url, async (client) => {
      await client.query(
        `INSERT INTO users (email, display_name) VALUES ('a@example.test', 'A'), ('b@example.test', 'B')`,
      );
      await client.query(
        `INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r WHERE r.name = 'member'`,
      );
      await client.query(`CREATE TABLE role_grant_log (user_id int, role_id int,
        FOREIGN KEY (user_id, role_id) REFERENCES user_roles ON DELETE CASCADE)`);
      await client.query('INSERT INTO role_grant_log SELECT user_id, role_id FROM user_roles');
    });
    removeMember();
    await expectRefusal(
      /roles\.jsonl:3: removing name="member" would also touch 2 rows of user_roles deleted \(user_roles_role_id_fkey\); 2 rows of role_grant_log deleted \(role_grant_log_user_id_role_id_fkey\), more than its line allows; nothing was written\. If that is intended, put "_cascade": \{"user_roles":2,"role_grant_log":2\} on that line/,
    );
    expect(await userRoles()).toBe(2);

    removeMember(', "_cascade": {"user_roles": 1, "role_grant_log": 2}');
    await expectRefusal(/more than its line allows/);

    removeMember(', "_cascade": {"user_roles": 2, "role_grant_log": 2}');
    const [roles] = await seedReferenceData(t.url, { tables, dir });
    expect(roles).toMatchObject({ removed: 1, cascaded: 4 });
    expect(await userRoles()).toBe(0);
  });

  it('a removal that a RESTRICT reference would make fail is refused before anything is written', async () => {
    await seedReferenceData(t.url, { tables, dir });
    await withPgClient(t.url, async (client) => {
      await client.query('CREATE TABLE role_audits (role_id int NOT NULL REFERENCES roles ON DELETE RESTRICT)');
      await client.query(`INSERT INTO role_audits SELECT id FROM roles WHERE name = 'member'`);
    });
    removeMember(', "_cascade": {"role_audits": 1}');
    await expectRefusal(
      /roles\.jsonl:3: removing name="member": 1 row of role_audits still refer to it \(role_audits_role_id_fkey\), so the delete would fail\. Move or delete those rows in a migration first; nothing was written\.$/,
    );
  });

  it('--update-checksums stamps files only after they parsed, validated and loaded', async () => {
    const manifest = () => readFileSync(join(dir, 'manifest.json'), 'utf8');
    const before = manifest();
    appendFileSync(join(dir, 'roles.jsonl'), '{"name": "broken",\n');
    expect(await refusalLine(seedReviewedEdit(t.url, { tables, dir }))).toMatch(/roles\.jsonl:4: not valid JSON/);
    // A row the database rejects (here a CHECK that the flags break) is the same: the seed's
    // transaction rolls back and the stamp stays off.
    writeFileSync(join(dir, 'roles.jsonl'), readFileSync(join(referenceDir, 'roles.jsonl'), 'utf8'));
    await withPgClient(t.url, (client) =>
      client.query(`ALTER TABLE feature_flags ADD CONSTRAINT short_keys CHECK (length(key) < 5) NOT VALID`),
    );
    await expect(seedReviewedEdit(t.url, { tables, dir })).rejects.toThrow(/Reference seed failed on feature_flags/);
    expect(manifest()).toBe(before);
    await withPgClient(t.url, (client) => client.query('ALTER TABLE feature_flags DROP CONSTRAINT short_keys'));
    appendFileSync(join(dir, 'roles.jsonl'), '{"name": "auditor", "description": "Reads everything"}\n');
    const { manifestVersion } = await seedReviewedEdit(t.url, { tables, dir });
    expect(manifestVersion).toBe(JSON.parse(before).version + 1);
    expect(manifest()).not.toBe(before);
  });
});
