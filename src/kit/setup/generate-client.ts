/**
 * Runs `prisma generate` only when the schema or the Prisma version changed since the last run,
 * so that a repeated `npm run setup` does no work. The fingerprint lives next to the output.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KitError } from '../kit-error.ts';
import { prismaPackageJson } from '../prisma-package.ts';
import { runPrisma } from '../prisma-cli.ts';
import type { KitSettings } from '../settings.ts';
import { sha256Hex } from '../sha256.ts';

/** `prisma generate` failed: its output is above the line. */
export class GenerateClientError extends KitError {}

export async function generateClientIfStale(settings: KitSettings): Promise<{ ran: boolean; engineLine: string }> {
  const current = sha256Hex(readFileSync(settings.schema), prismaPackageJson());
  const fingerprintFile = join(settings.generatedClient, '.fingerprint');
  if (
    existsSync(join(settings.generatedClient, 'client.ts')) &&
    existsSync(fingerprintFile) &&
    readFileSync(fingerprintFile, 'utf8') === current
  ) {
    return { ran: false, engineLine: '' };
  }
  const result = await runPrisma(['generate'], { cwd: settings.root });
  if (result.code !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new GenerateClientError('prisma generate failed (output above)', {
      fix: 'Check prisma/schema.prisma with: npx prisma validate',
    });
  }
  writeFileSync(fingerprintFile, current);
  const engineLine = result.stderr.split('\n').find((line) => line.startsWith('schema engine:')) ?? '';
  return { ran: true, engineLine: engineLine.replace(/^schema engine:\s*/, 'schema engine ').replace(/ \(.*$/, '') };
}
