// Offline Prisma migrations through the WASM schema engine and the pg driver
// adapter (Prisma's CLI would download a native engine; see
// ../shared/ENVIRONMENT.md). `applyMigrations` writes `_prisma_migrations`
// rows like `prisma migrate deploy`, so a team with internet can switch to the
// CLI later. Plain ESM so that scripts/migrate.mjs and the TypeScript launchers share it.
import { readFile, readdir, writeFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

/** The project folder: the nearest one above this file that holds prisma/schema.prisma (this file may be bundled into dist/). */
function projectRoot() {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "prisma/schema.prisma"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
const root = projectRoot();
const schemaPath = path.join(root, "prisma/schema.prisma");
const migrationsDir = path.join(root, "prisma/migrations");

// One WebAssembly engine per process, and one migration at a time: the engine
// keeps module-level state, and a test runner may load this file more than
// once (one global setup per project) and run those concurrently.
const shared = (globalThis.__longrunSchemaEngine ??= { engineClass: null, queue: Promise.resolve() });
// The engine reports a Rust panic through this global (Prisma's CLI defines it); keep the message.
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= { message: "", set_message(message) { this.message = message; } };

async function loadEngine() {
  if (shared.engineClass) return shared.engineClass;
  const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  shared.engineClass = bg.SchemaEngine;
  return shared.engineClass;
}

// The schema engine reads catalog columns of type "char" (OID 18), which
// adapter-pg refuses; read them as text inside this tool only.
function charAsText(adapter) {
  const io = adapter.performIO.bind(adapter);
  adapter.performIO = async (query) => {
    const result = await io(query);
    for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  return adapter;
}

async function adapterFactory(url, opened) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  // Separate fields, not connectionString: the shadow database for `create`
  // overrides `database`, which a connection string would win over.
  const u = new URL(url);
  const cfg = { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
  const base = new PrismaPg(cfg);
  // Our own shadow database for `create`: the adapter's drops it while its
  // pool still holds a connection, so drop WITH (FORCE) after disposing.
  return {
    provider: base.provider, adapterName: base.adapterName,
    connect: async () => {
      const adapter = charAsText(await base.connect());
      opened.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      const name = `prisma_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
      const admin = await base.connect();
      await admin.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = charAsText(await new PrismaPg({ ...cfg, database: name }).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.dispose();
      };
      return shadow;
    },
  };
}

async function migrationsList() {
  const dirs = existsSync(migrationsDir) ? (await readdir(migrationsDir, { withFileTypes: true })).filter(d => d.isDirectory()).map(d => d.name).sort() : [];
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(dirs.map(async name => ({
      path: name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8") } },
    }))),
  };
}

const noFilter = { externalTables: [], externalEnums: [] };

function withEngine(url, work) {
  const run = shared.queue.then(() => withEngineNow(url, work));
  shared.queue = run.catch(() => undefined);
  return run;
}

async function withEngineNow(url, work) {
  const SchemaEngine = await loadEngine();
  const schema = { files: [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }] };
  // The engine does not close what it connects: its connections are closed here,
  // so that a template database copied next has no session left on it.
  const opened = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(await adapterFactory(url, opened));
  const engine = await SchemaEngine.new({ datamodels: schema.files.map(f => [f.path, f.content]) }, (log) => process.env.DEBUG && console.error(log), adapter);
  try {
    return await work(engine, schema);
  } catch (error) {
    // The engine reports adapter errors as "External error id#N"; the registry holds the cause.
    const id = /External error id#(\d+)/.exec(String(error?.message))?.[1];
    const cause = id !== undefined ? adapter.errorRegistry?.consumeError(Number(id)) : undefined;
    const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY?.message;
    throw cause ? new Error(`migration failed: ${JSON.stringify(cause)}`) : panic ? new Error(`migration failed: schema engine panic: ${panic}`) : error;
  } finally {
    for (const connection of opened) await connection.dispose().catch(() => undefined);
  }
}

/**
 * True when every committed migration is applied, finished and unchanged (the
 * checksum Prisma stores is the SHA-256 of migration.sql) and none failed: one
 * query, without instantiating the schema engine's WebAssembly, which was most
 * of a server's start-up (issue 17). Anything else — no table yet, a pending,
 * failed, edited or unknown migration — goes to the engine, which applies or
 * reports it as before.
 */
async function upToDate(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT "migration_name", "checksum", "finished_at" IS NOT NULL AS "finished" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL`,
    );
    const { migrationDirectories } = await migrationsList();
    if (rows.length !== migrationDirectories.length || rows.some((r) => !r.finished)) return false;
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    return migrationDirectories.every((d) => applied.get(d.path) === createHash("sha256").update(d.migrationFile.content.value).digest("hex"));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies the committed migrations that `url`'s database lacks; returns their names. */
export async function applyMigrations(url) {
  if (await upToDate(url)) return [];
  return withEngine(url, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: await migrationsList(), filters: noFilter });
    return out.appliedMigrationNames;
  });
}

/** Writes prisma/migrations/<stamp>_<name>/migration.sql for the schema's change, or returns null when nothing changed. */
export async function createMigration(url, name) {
  return withEngine(url, async (engine, schema) => {
    // createMigration wants a shadow database from the CLI; diff replays the
    // committed migrations on our shadow database and compares.
    await mkdir(migrationsDir, { recursive: true });
    await writeFile(path.join(migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
    const list = await migrationsList();
    const out = await engine.diff({ from: { tag: "migrations", ...list }, to: { tag: "schemaDatamodel", ...schema }, script: true, exitCode: null, filters: noFilter });
    const sql = out.stdout ?? "";
    if (!sql.trim() || /empty migration/i.test(sql)) return null;
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), sql);
    return dir;
  });
}
