// Opening state.db: creation, migrations, reopening, and the files it must refuse with a clear message.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
  openSync,
  writeSync,
  closeSync,
  statSync,
} from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StateStoreError } from "../../../src/core/state-types.js";
import {
  SCHEMA_VERSION,
  openStateStore,
  openStateStoreWithMigrations,
} from "../../../src/adapters/state/sqlite-store.js";
import { APPLICATION_ID, MIGRATIONS } from "../../../src/adapters/state/migrations.js";
import { newRun, open, scratch } from "./helpers.js";

function pragmas(file: string): { journal: unknown; version: unknown; appId: unknown } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      journal: db.pragma("journal_mode", { simple: true }),
      version: db.pragma("user_version", { simple: true }),
      appId: db.pragma("application_id", { simple: true }),
    };
  } finally {
    db.close();
  }
}

function expectFailure(file: string, reason: StateStoreError["reason"]): StateStoreError {
  const r = openStateStore({ file });
  assert.equal(r.ok, false, "open should fail");
  assert.ok(r.error instanceof StateStoreError);
  assert.equal(r.error.reason, reason, r.error.message);
  assert.equal(r.error.file, file);
  assert.ok(r.error.message.includes(file), `message names the file: ${r.error.message}`);
  return r.error;
}

test("a new file is created with its folder, in WAL mode, at the current schema version", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const store = open(s.file, { busyTimeoutMs: 1234 });
  assert.equal(store.file, s.file);
  assert.deepEqual(store.listRuns(), []);
  store.close();
  store.close(); // harmless twice
  assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  assert.deepEqual(pragmas(s.file), { journal: "wal", version: SCHEMA_VERSION, appId: APPLICATION_ID });
});

test("foreign keys are enforced: an attempt needs its item", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const store = open(s.file);
  t.after(() => {
    store.close();
  });
  assert.throws(
    () => {
      store.insertAttempt({
        runId: "nope-1",
        itemId: "a",
        n: 1,
        agent: "shell",
        laneDir: "/l",
        branch: "b",
        baseCommit: "c",
        startedAt: "2025-01-01T00:00:00.000Z",
      });
    },
    (e: unknown) => e instanceof StateStoreError && e.reason === "not-found" && e.message.includes(s.file),
  );
});

test("an empty file (0 bytes) is migrated like a new one", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  mkdirSync(dirname(s.file), { recursive: true });
  writeFileSync(s.file, "");
  const store = open(s.file);
  store.createRun(newRun());
  store.close();
  assert.equal(pragmas(s.file).version, SCHEMA_VERSION);
});

test("reopening an existing file keeps its data and changes nothing in the schema", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const first = open(s.file);
  const run = first.createRun(newRun());
  first.close();
  const schemaOf = (): unknown => {
    const db = new Database(s.file, { readonly: true });
    try {
      return db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all();
    } finally {
      db.close();
    }
  };
  const before = schemaOf();
  for (let i = 0; i < 3; i++) {
    const again = open(s.file);
    assert.deepEqual(again.getRun(run.id), run);
    again.close();
  }
  assert.deepEqual(schemaOf(), before);
  assert.equal(pragmas(s.file).version, SCHEMA_VERSION);
  // The counter survived: the next run of the plan is number 2.
  const last = open(s.file);
  assert.equal(last.createRun(newRun()).id, "demo-2");
  last.close();
});

test("appending a migration upgrades an existing file in place and keeps its data", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const v1 = open(s.file);
  const run = v1.createRun(newRun());
  v1.close();
  const next = [
    ...MIGRATIONS,
    {
      version: MIGRATIONS.length + 1,
      description: "a test table",
      up: (db: Database.Database) => db.exec("CREATE TABLE extra (x INTEGER) STRICT"),
    },
  ];
  const r = openStateStoreWithMigrations({ file: s.file }, next);
  assert.ok(r.ok);
  assert.deepEqual(r.value.getRun(run.id), run);
  r.value.close();
  assert.equal(pragmas(s.file).version, MIGRATIONS.length + 1);
  // And this code now refuses the upgraded file instead of using it.
  const err = expectFailure(s.file, "newer-schema");
  assert.match(err.message, /newer flotilla/);
});

test("a migration that fails leaves the file at its old version", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  open(s.file).close();
  const broken = [
    ...MIGRATIONS,
    {
      version: MIGRATIONS.length + 1,
      description: "half done",
      up: (db: Database.Database) => {
        db.exec("CREATE TABLE half (x INTEGER)");
        db.exec("THIS IS NOT SQL");
      },
    },
  ];
  assert.throws(() => openStateStoreWithMigrations({ file: s.file }, broken), /syntax error/);
  assert.equal(pragmas(s.file).version, SCHEMA_VERSION);
  const db = new Database(s.file, { readonly: true });
  assert.deepEqual(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get(), { n: 0 });
  db.close();
});

test("a file written by a newer schema is refused, untouched", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  open(s.file).close();
  const db = new Database(s.file);
  db.pragma("journal_mode = DELETE"); // so that switching it to WAL would show in the bytes
  db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  const before = readFileSync(s.file);
  const err = expectFailure(s.file, "newer-schema");
  assert.match(err.message, new RegExp(`version ${SCHEMA_VERSION + 5}`));
  assert.match(err.message, new RegExp(`knows up to ${SCHEMA_VERSION}`));
  assert.match(err.message, /refs\/flotilla\//);
  assert.deepEqual(readFileSync(s.file), before);
});

test("a file that is not a SQLite database is refused with a message that says what to do", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  mkdirSync(dirname(s.file), { recursive: true });
  const garbage = "this is not a database, it is a shopping list\n".repeat(200);
  writeFileSync(s.file, garbage);
  const err = expectFailure(s.file, "not-a-database");
  assert.match(err.message, /not a SQLite database/);
  assert.match(err.message, /Move it aside/);
  assert.match(err.message, /refs\/flotilla\/ still hold all work/);
  assert.equal(readFileSync(s.file, "utf8"), garbage, "the file is left as it was");
});

test("a damaged database is reported as corrupt: at open with verify, and by any call that meets the damage", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  // The pages of a fresh store hold the schema (more than page 1 once it grows): they survive.
  open(s.file).close();
  const schemaBytes = Math.max(4096, statSync(s.file).size);
  const store = open(s.file);
  const run = store.createRun(newRun());
  store.upsertItems(
    run.id,
    Array.from({ length: 200 }, (_, i) => ({
      id: `item-${i}`,
      status: "pending" as const,
      notes: "x".repeat(200),
    })),
  );
  store.close(); // the last connection checkpoints the WAL into the main file
  const size = statSync(s.file).size;
  const fd = openSync(s.file, "r+");
  assert.ok(size > schemaBytes, "the items take pages of their own");
  const junk = Buffer.alloc(size - schemaBytes, 0xa5);
  writeSync(fd, junk, 0, junk.length, schemaBytes); // the header and schema survive; the rest is junk
  closeSync(fd);

  const verified = openStateStore({ file: s.file, verify: true });
  assert.equal(verified.ok, false);
  assert.equal(verified.error.reason, "corrupt");
  assert.match(verified.error.message, /damaged/);
  assert.ok(verified.error.message.includes(s.file));

  const unverified = open(s.file);
  t.after(() => {
    unverified.close();
  });
  assert.throws(
    () => unverified.listItems(run.id),
    (e: unknown) => e instanceof StateStoreError && e.reason === "corrupt" && e.message.includes(s.file),
  );
});

test("a SQLite database that flotilla did not create is refused", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  mkdirSync(dirname(s.file), { recursive: true });
  const db = new Database(s.file);
  db.exec("CREATE TABLE notes (body TEXT)");
  db.close();
  const before = readFileSync(s.file);
  const err = expectFailure(s.file, "foreign-database");
  assert.match(err.message, /did not create/);
  assert.deepEqual(readFileSync(s.file), before, "the file is left as it was");
});

test("mustExist reports a missing file and does not create it", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const r = openStateStore({ file: s.file, mustExist: true });
  assert.equal(r.ok, false);
  assert.equal(r.error.reason, "missing");
  assert.equal(existsSync(s.file), false);
  assert.equal(existsSync(dirname(s.file)), false);
});

test("a path that cannot be created is an io failure naming it", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  writeFileSync(`${s.dir}/blocker`, "a file where a folder should be");
  const file = `${s.dir}/blocker/flotilla/state.db`;
  const r = openStateStore({ file });
  assert.equal(r.ok, false);
  assert.equal(r.error.reason, "io");
  assert.ok(r.error.message.includes(file));
});
