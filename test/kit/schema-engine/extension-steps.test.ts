/**
 * The stand-in's model of what Prisma's native engine writes for `extensions = [...]`
 * (src/kit/schema-engine/extensions/), one case per row: declarations read from a schema,
 * the steps between two sides and their text in a migration, a drift summary and `db pull`'s
 * property. Each row is a rule read in prisma-engines' source (named in the modules); the
 * native-engine job in ci.yml compares the committed fixture output with the native binary's.
 */
import { describe, expect, it } from 'vitest';
import { declaredExtensions, withoutExtensionsProperty } from '#kit/schema-engine/extensions/declared-extensions.ts';
import {
  type Extension,
  extensionSteps,
  scriptBlocks,
  summaryText,
  withExtensionSteps,
} from '#kit/schema-engine/extensions/extension-steps.ts';
import {
  introspectedExtensionsList,
  withExtensionsProperty,
} from '#kit/schema-engine/extensions/introspected-extensions.ts';

const schema = (extensions: string, feature = true) => `generator client {
  provider        = "prisma-client"${feature ? '\n  previewFeatures = ["postgresqlExtensions"]' : ''}
}

datasource db {
  provider   = "postgresql"
  extensions = ${extensions}
}

model Thing {
  id Int @id
}
`;

const declared = (name: string, more: Partial<Extension> = {}): Extension => ({
  name,
  schema: '',
  version: '',
  relocatable: false,
  ...more,
});
const installed = (name: string, version: string, relocatable = true, schemaName = 'public'): Extension => ({
  name,
  schema: schemaName,
  version,
  relocatable,
});

describe('declarations', () => {
  it('reads names, map, schema and version, in the order written, across lines and comments', () => {
    const text = schema(`[
    pg_trgm, // fuzzy search
    citext(schema: "public"),
    uuid_ossp(map: "uuid-ossp", version: "1.1")
  ]`);
    expect(declaredExtensions([text])).toEqual([
      declared('pg_trgm'),
      declared('citext', { schema: 'public' }),
      declared('uuid-ossp', { version: '1.1' }),
    ]);
  });

  it('ignores extensions while the preview feature is off, as the native engine does', () => {
    expect(declaredExtensions([schema('[pg_trgm]', false)])).toBeUndefined();
  });

  it('hands the engine the schema without the property and nothing else changed', () => {
    const text = schema('[pg_trgm, citext(schema: "public")]');
    const without = withoutExtensionsProperty(text);
    expect(without).not.toContain('extensions');
    expect(without).toBe(text.replace('  extensions = [pg_trgm, citext(schema: "public")]\n', ''));
    expect(withoutExtensionsProperty(without)).toBe(without);
  });
});

// [case, old side, new side, the migration's extension blocks, the drift summary]
const STEP_CASES: Array<[string, Extension[], Extension[], string[], string]> = [
  [
    'a declared extension the old side lacks is created, with its schema and version where declared',
    [installed('plpgsql', '1.0', false, 'pg_catalog')],
    [declared('pg_trgm'), declared('citext', { schema: 'public', version: '1.6' })],
    [
      '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm";',
      '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "public" VERSION "1.6";',
    ],
    '\n[+] Added extensions\n  - citext\n\n[+] Added extensions\n  - pg_trgm\n',
  ],
  [
    'declared and installed agree (no version or schema declared): nothing',
    [installed('citext', '1.8'), installed('pg_trgm', '1.6')],
    [declared('pg_trgm'), declared('citext', { schema: 'public' })],
    [],
    '',
  ],
  [
    'installed but not declared (a managed host preinstalls it): never dropped',
    [installed('pg_stat_statements', '1.10'), installed('plpgsql', '1.0', false, 'pg_catalog')],
    [],
    [],
    '',
  ],
  [
    'a relocatable extension at another version and schema is altered in place',
    [installed('citext', '1.6')],
    [declared('citext', { version: '1.8', schema: 'extensions' })],
    ['-- AlterExtension\nALTER EXTENSION "citext" UPDATE TO "1.8";\nALTER EXTENSION "citext" SET SCHEMA "extensions";'],
    '\n[*] Changed the `citext` extension\n',
  ],
  [
    'a non-relocatable one is dropped and created again',
    [installed('postgis', '3.4.0', false)],
    [declared('postgis', { version: '3.5.0' })],
    [
      '-- DropExtension\nDROP EXTENSION "postgis";',
      '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "postgis" WITH VERSION "3.5.0";',
    ],
    '\n[-] Removed extensions\n\n[+] Added extensions\n  - postgis\n',
  ],
  [
    'between two databases (the drift check), one the history did not create is drift',
    [installed('plpgsql', '1.0', false, 'pg_catalog')],
    [installed('pgcrypto', '1.3'), installed('plpgsql', '1.0', false, 'pg_catalog')],
    ['-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "public" VERSION "1.3";'],
    '\n[+] Added extensions\n  - pgcrypto\n',
  ],
];

describe('steps between two sides', () => {
  it.each(STEP_CASES)('%s', (_case, previous, next, blocks, summary) => {
    const steps = extensionSteps(previous, next);
    expect(scriptBlocks(steps)).toEqual(blocks);
    expect(summaryText(steps)).toBe(summary);
  });
});

describe('the steps in the engine’s script', () => {
  const steps = extensionSteps([], [declared('pg_trgm')]);

  it('come after CREATE SCHEMA and before everything else', () => {
    const script =
      '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n-- CreateTable\nCREATE TABLE "Thing" (\n    "id" INTEGER NOT NULL,\n\n    CONSTRAINT "Thing_pkey" PRIMARY KEY ("id")\n);\n';
    expect(withExtensionSteps(script, steps)).toBe(
      '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm";\n\n-- CreateTable\nCREATE TABLE "Thing" (\n    "id" INTEGER NOT NULL,\n\n    CONSTRAINT "Thing_pkey" PRIMARY KEY ("id")\n);\n',
    );
  });

  it('replace the empty-migration comment', () => {
    expect(withExtensionSteps('-- This is an empty migration.', steps)).toBe(
      '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm";\n',
    );
  });
});

describe('db pull', () => {
  const database = [
    installed('citext', '1.8'),
    installed('pg_trgm', '1.6'),
    installed('pgcrypto', '1.3'),
    installed('plpgsql', '1.0', false, 'pg_catalog'),
    installed('uuid-ossp', '1.1'),
  ];

  it('keeps what was declared (with the arguments it had), adds only the allow-listed undeclared ones', () => {
    expect(
      introspectedExtensionsList(database, [
        declared('pg_trgm', { version: '1.5' }),
        declared('citext', { schema: 'x' }),
      ]),
    ).toBe('[citext(schema: "public"), pg_trgm(version: "1.6"), uuid_ossp(map: "uuid-ossp", schema: "public")]');
  });

  it('writes no property when nothing is left', () => {
    expect(introspectedExtensionsList([installed('plpgsql', '1.0', false, 'pg_catalog')], [])).toBeUndefined();
  });

  it('puts the property last in the datasource block, its = signs aligned', () => {
    expect(withExtensionsProperty('datasource db {\n  provider = "postgresql"\n}\n', '[pg_trgm]')).toBe(
      'datasource db {\n  provider   = "postgresql"\n  extensions = [pg_trgm]\n}\n',
    );
  });
});
