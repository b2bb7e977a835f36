/**
 * For migrate:plan's tests: a database of the demo history with `posts` rows by one author, and a
 * migrations folder holding that history plus one pending migration. Shared by the lock plan's
 * tests and the data probes' tests, which need the same busy table.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPgClient } from '#kit/db/pg-client.ts';
import { demoMigrationsDir } from './demo-project.ts';

/** One author and `posts` posts titled `post 1` … `post N`, analyzed so the plan sees their count. */
export async function fillPostsByOneAuthor(url: string, posts: number): Promise<void> {
  await withPgClient(url, async (client) => {
    await client.query(`INSERT INTO users (email, display_name) VALUES ('author@example.test', 'Author')`);
    await client.query(
      `INSERT INTO posts (author_id, title) SELECT (SELECT min(id) FROM users), 'post ' || g FROM generate_series(1, $1) g`,
      [posts],
    );
    await client.query('ANALYZE posts');
  });
}

/** The demo history plus one pending migration `29991231000000_<name>`, in `<scratch>/<name>`. */
export function migrationsWithPending(scratch: string, name: string, sql: string): string {
  const dir = join(scratch, name);
  cpSync(demoMigrationsDir, dir, { recursive: true });
  mkdirSync(join(dir, `29991231000000_${name}`));
  writeFileSync(join(dir, `29991231000000_${name}`, 'migration.sql'), sql);
  return dir;
}
