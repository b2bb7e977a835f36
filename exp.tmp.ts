import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
const wasmPath = process.argv[2];
(globalThis as any).PRISMA_WASM_PANIC_REGISTRY = { set_message(m: string) { console.log('panic', m); } };
const { instance } = await (WebAssembly as any).instantiate(await readFile(wasmPath), { './schema_engine_bg.js': glue });
glue.__wbg_set_wasm(instance.exports); (instance.exports as any).__wbindgen_start();
const state = JSON.parse(readFileSync('.data/embedded-postgres.json','utf8'));
const admin = new pg.Client(`postgresql://postgres:${state.password}@127.0.0.1:${state.port}/postgres`);
await admin.connect(); await admin.query('DROP DATABASE IF EXISTS exp_split WITH (FORCE)'); await admin.query('CREATE DATABASE exp_split'); await admin.end();
const url = `postgresql://postgres:${state.password}@127.0.0.1:${state.port}/exp_split`;
const main = new PrismaPg({ connectionString: url });
const factory = bindMigrationAwareSqlAdapterFactory({
  provider: main.provider, adapterName: main.adapterName,
  connect: async () => { const a: any = await main.connect();
    const es = a.executeScript.bind(a); a.executeScript = async (s: string) => { console.log('executeScript>>>', JSON.stringify(s)); try { return await es(s);} catch(e:any){ console.log('ERR', e.message); throw e; } };
    const ex = a.executeRaw.bind(a); a.executeRaw = async (q: any) => { console.log('executeRaw>>>', JSON.stringify(q.sql).slice(0,150)); return ex(q); };
    return a; },
  connectToShadowDb: async () => { throw new Error('no shadow'); },
} as any);
const engine: any = await (glue.SchemaEngine as any).new({ datamodels: [['schema.prisma', 'datasource db {\n provider = "postgresql"\n}\n']] }, (l: string) => {}, factory);
const migs = ['20260101000000_a','20260101000001_b'].map(n => ({ path: `/tmp/exp/migrations/${n}`, content: { tag: 'ok', value: readFileSync(`/tmp/exp/migrations/${n}/migration.sql`,'utf8') } }));
try {
  const r = await engine.applyMigrations({ migrationsList: { baseDir: '/tmp/exp/migrations', lockfile: { path: '/tmp/exp/migrations/migration_lock.toml', content: 'provider = "postgresql"\n' }, migrationDirectories: migs.map(m => ({ path: m.path, migrationFile: { path: m.path + '/migration.sql', content: m.content }})), shadowDbInitScript: '' }, filters: { externalTables: [], externalEnums: [] } });
  console.log(r);
} catch (e: any) { console.log('apply failed', e.message?.slice(0, 500)); }
process.exit(0);
