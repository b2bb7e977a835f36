/** The migration folders on disk, as Migrate sees them: every folder with a migration.sql. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder names, oldest first. */
export function migrationFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'migration.sql')))
    .sort();
}

export const migrationSql = (name: string, dir: string) => readFileSync(join(dir, name, 'migration.sql'), 'utf8');
