/**
 * Runs `prisma generate` only when the schema or the Prisma version changed since the last run,
 * so that a repeated `npm run setup` does no work. The fingerprint lives next to the output.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error.ts';
import { projectRoot, schemaPath } from '../project-paths.ts';
import { runPrisma } from '../prisma-cli.ts';
import { sha256Hex } from '../sha256.ts';

const outputDir = join(projectRoot, 'src', 'generated', 'prisma');
const fingerprintFile = join(outputDir, '.fingerprint');

function fingerprint(): string {
  const prismaPackage = readFileSync(join(projectRoot, 'node_modules', 'prisma', 'package.json'));
  return sha256Hex(readFileSync(schemaPath), prismaPackage);
}

export async function generateClientIfStale(): Promise<{ ran: boolean; engineLine: string }> {
  const current = fingerprint();
  if (
    existsSync(join(outputDir, 'client.ts')) &&
    existsSync(fingerprintFile) &&
    readFileSync(fingerprintFile, 'utf8') === current
  ) {
    return { ran: false, engineLine: '' };
  }
  const result = await runPrisma(['generate']);
  if (result.code !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new CliError('prisma generate failed (output above). Check prisma/schema.prisma with: npx prisma validate');
  }
  writeFileSync(fingerprintFile, current);
  const engineLine = result.stderr.split('\n').find((line) => line.startsWith('schema engine:')) ?? '';
  return { ran: true, engineLine: engineLine.replace(/^schema engine:\s*/, 'schema engine ').replace(/ \(.*$/, '') };
}
