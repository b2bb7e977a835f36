/**
 * The rehearsal's generated rows (src/kit/rehearsal/generated-rows.ts, fill-tables.ts) on a real
 * table of many column types: they satisfy its keys and constraints, unique columns stay unique,
 * foreign keys are skewed towards a few parents, a parent a required key needs is filled first,
 * and a table the kit can't fill is named in one line.
 */
import { projectRoot } from '#kit-test/support/checkout.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { fillTables } from '#kit/rehearsal/fill-tables.ts';
import { UnfillableTable } from '#kit/rehearsal/generated-rows.ts';
import { formatKitError } from '#kit/run-cli.ts';
import { useTestDatabase } from '../setup/test-database.ts';

const t = useTestDatabase();
const sql = (text: string) => withPgClient(t.url, (client) => client.query(text));

beforeAll(async () => {
  await sql(`
    CREATE TYPE rehearsal_mood AS ENUM ('calm', 'busy', 'on fire');
    CREATE DOMAIN rehearsal_code AS varchar(12);
    CREATE TABLE rehearsal_teams (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);
    CREATE TABLE rehearsal_people (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      team_id bigint NOT NULL REFERENCES rehearsal_teams (id),
      email varchar(200) NOT NULL UNIQUE,
      code rehearsal_code NOT NULL,
      age smallint NOT NULL CHECK (age >= 0),
      score numeric(6,2) NOT NULL,
      weight double precision,
      active boolean NOT NULL,
      mood rehearsal_mood NOT NULL,
      born date NOT NULL,
      seen_at timestamptz NOT NULL,
      wakes time NOT NULL,
      lead_time interval,
      settings jsonb NOT NULL,
      avatar bytea,
      tags text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
});
afterAll(() =>
  sql(
    'DROP TABLE IF EXISTS rehearsal_people, rehearsal_teams, rehearsal_odd; DROP TYPE rehearsal_mood; DROP DOMAIN rehearsal_code',
  ),
);

it('fills a table of many types, parents first, within its keys and constraints', async () => {
  const filled = await withPgClient(t.url, (client) => fillTables(client, ['rehearsal_people'], () => 5000));
  expect(filled).toEqual([
    { table: 'rehearsal_teams', rows: 5000, generated: true },
    { table: 'rehearsal_people', rows: 5000, generated: true },
  ]);
  const { rows } = await sql(`
    SELECT count(*)::int AS n, count(DISTINCT email)::int AS emails,
           count(DISTINCT mood)::int AS moods,
           (SELECT count(*)::int FROM (SELECT team_id FROM rehearsal_people GROUP BY team_id
                                       ORDER BY count(*) DESC LIMIT 50) top) AS teams,
           (SELECT sum(c)::int FROM (SELECT count(*) AS c FROM rehearsal_people GROUP BY team_id
                                     ORDER BY count(*) DESC LIMIT 50) top) AS "topTeamsRows",
           bool_and(code IS NOT NULL AND length(code) <= 12) AS codes
      FROM rehearsal_people`);
  expect(rows[0]).toEqual({
    n: 5000,
    emails: 5000,
    moods: 3,
    teams: 50,
    topTeamsRows: expect.any(Number),
    codes: true,
  });
  // Skewed: the 50 busiest of 5,000 teams (1%) hold over ten times their share of the people.
  expect(rows[0].topTeamsRows).toBeGreaterThan(5000 * 0.1);
  // Filled again: nothing to do, it has its rows.
  const again = await withPgClient(t.url, (client) => fillTables(client, ['rehearsal_people'], () => 5000));
  expect(again.map((table) => table.generated)).toEqual([false, false]);
});

it('names a table it cannot fill: a required column of a type it cannot generate', async () => {
  await sql('CREATE TABLE rehearsal_odd (id bigserial PRIMARY KEY, spot point NOT NULL)');
  const failure = await withPgClient(t.url, (client) => fillTables(client, ['rehearsal_odd'], () => 10)).catch(
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(UnfillableTable);
  expect(failure).toMatchObject({ table: 'rehearsal_odd', reason: "the kit can't generate values of point for spot" });
  expect(formatKitError(failure as UnfillableTable, projectRoot)).toBe(
    "Can't fill rehearsal_odd: the kit can't generate values of point for spot. Rehearse on a clone with real rows instead: --target <url>.",
  );
});

it('names a table whose CHECK refuses the generated values', async () => {
  await sql(
    'DROP TABLE rehearsal_odd; CREATE TABLE rehearsal_odd (id bigserial PRIMARY KEY, n int NOT NULL CHECK (n < 0))',
  );
  const failure = await withPgClient(t.url, (client) => fillTables(client, ['rehearsal_odd'], () => 10)).catch(
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(UnfillableTable);
  expect((failure as UnfillableTable).reason).toMatch(/^generated rows were refused: .*rehearsal_odd_n_check/);
});
