/** The migration folders on disk, as Migrate sees them: every folder with a migration.sql. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir } from '../project-paths.ts';

/** Folder names, oldest first. */
export function migrationFolders(): string[] {
  return readdirSync(migrationsDir)
    .filter((name) => existsSync(join(migrationsDir, name, 'migration.sql')))
    .sort();
}

export const migrationSql = (name: string) => readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8');
