// The run state in SQLite (better-sqlite3): one file in the repository's common git directory that
// a run writes while `status` in another terminal reads it. WAL lets readers and the writer work at
// once; every write is a BEGIN IMMEDIATE transaction that waits up to busy_timeout for the lock.
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  StateStoreError,
  UNFINISHED_RUN_STATUSES,
  type AttemptInput,
  type AttemptPatch,
  type AttemptRecord,
  type EventQuery,
  type EventRecord,
  type GateRunRecord,
  type ItemInput,
  type ItemPatch,
  type ItemRecord,
  type NewEvent,
  type NewGateRun,
  type Lenient,
  type NewRun,
  type ReviewRecord,
  type RunFilter,
  type RunPatch,
  type RunRecord,
  type StateStore,
} from "../../core/state-types.js";
import { err, ok, type Result } from "../../util/result.js";
import { recordToParams, rowToRecord, toSql, type SqlValue, type TableColumns } from "./columns.js";
import { classifySqliteError, moveAsideAdvice, WORK_IS_SAFE } from "./errors.js";
import { APPLICATION_ID, MIGRATIONS, type Migration } from "./migrations.js";
import {
  attemptColumns,
  eventColumns,
  gateRunColumns,
  itemColumns,
  reviewColumns,
  runColumns,
} from "./tables.js";

/** How to open the state database. */
export interface OpenStateStoreOptions {
  /** `<git common dir>/flotilla/state.db`; its folder is created when missing. */
  readonly file: string;
  /** Fail with reason `missing` instead of creating the file (for `status`, `report`, `resume`). */
  readonly mustExist?: boolean;
  /** How long a write waits for another process's write lock before failing; default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Run SQLite's quick_check on open and fail with reason `corrupt` when it finds damage. */
  readonly verify?: boolean;
  /** The clock for default timestamps (`updatedAt`, event `at`); injected by tests. */
  readonly now?: () => Date;
}

/** The schema version this code writes (PRAGMA user_version after opening). */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating and migrating when needed) the state database; expected failures are values. */
export function openStateStore(options: OpenStateStoreOptions): Result<StateStore, StateStoreError> {
  return openStateStoreWithMigrations(options, MIGRATIONS);
}

/** openStateStore with an explicit migration list, so tests can prove that appending one upgrades a file. */
export function openStateStoreWithMigrations(
  options: OpenStateStoreOptions,
  migrations: readonly Migration[],
): Result<StateStore, StateStoreError> {
  const { file } = options;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} says it is version ${m.version}`);
  });
  if (options.mustExist === true && !existsSync(file)) {
    return err(
      new StateStoreError({
        reason: "missing",
        file,
        message: `There is no flotilla state at ${file}: no run has been started in this repository.`,
      }),
    );
  }
  const failure = (e: unknown): StateStoreError => {
    if (e instanceof StateStoreError) return e;
    const classified = classifySqliteError(file, e);
    if (classified !== undefined) return classified;
    throw e;
  };
  let db: Database.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (e) {
    if (e instanceof Database.SqliteError) return err(failure(e));
    return err(
      new StateStoreError({
        reason: "io",
        file,
        message: `Cannot open the flotilla state file ${file} (${e instanceof Error ? e.message : String(e)}). Check that its folder can be created and written.`,
        cause: e,
      }),
    );
  }
  try {
    // Look before changing anything: a foreign or newer file is refused without being touched.
    const version = inspect(db, file, migrations.length);
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    if (version < migrations.length) migrate(db, file, migrations);
    if (options.verify === true) verify(db, file);
  } catch (e) {
    db.close();
    return err(failure(e));
  }
  return ok(createStore(db, file, options.now ?? (() => new Date())));
}

/** The schema version of an openable flotilla file (0 when new); refuses foreign and newer files. */
function inspect(db: Database.Database, file: string, target: number): number {
  const appId = db.pragma("application_id", { simple: true }) as number;
  const version = db.pragma("user_version", { simple: true }) as number;
  if (appId !== APPLICATION_ID) {
    const { n } = db.prepare("SELECT count(*) AS n FROM sqlite_schema").get() as { n: number };
    if (appId !== 0 || version !== 0 || n > 0) {
      throw new StateStoreError({
        reason: "foreign-database",
        file,
        message: `${file} is a SQLite database that flotilla did not create (application_id ${appId}, user_version ${version}, ${n} schema objects). Move it aside if it is not needed there; flotilla keeps its state in that file.`,
      });
    }
  }
  if (version > target) {
    throw new StateStoreError({
      reason: "newer-schema",
      file,
      message: `${file} was written by a newer flotilla (state schema version ${version}; this flotilla knows up to ${target}). Use the newer flotilla, or move the file aside (mv '${file}' '${file}.newer') to start fresh state; ${WORK_IS_SAFE}.`,
    });
  }
  return version;
}

/** Applies the migrations the file lacks, all in one write transaction. */
function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): void {
  const target = migrations.length;
  // Another process may migrate at the same moment: decide again under the write lock.
  db.transaction(() => {
    const version = inspect(db, file, target);
    for (const m of migrations.slice(version)) m.up(db);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${target}`);
  }).immediate();
}

function verify(db: Database.Database, file: string): void {
  const rows = db.pragma("quick_check") as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== "ok");
  if (problems.length > 0) {
    throw new StateStoreError({
      reason: "corrupt",
      file,
      message: `The flotilla state file ${file} is damaged (${problems.slice(0, 3).join("; ")}). ${moveAsideAdvice(file)}`,
    });
  }
}

type Row = Record<string, unknown>;

function createStore(db: Database.Database, file: string, clock: () => Date): StateStore {
  const statements = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let s = statements.get(text);
    if (s === undefined) {
      s = db.prepare(text);
      statements.set(text, s);
    }
    return s;
  };
  const now = (): string => clock().toISOString();
  const runInTransaction = db.transaction((fn: () => unknown) => fn());
  const write = <T>(fn: () => T): T => runInTransaction.immediate(fn) as T;
  const notFound = (what: string): StateStoreError =>
    new StateStoreError({ reason: "not-found", file, message: `${what} is not in ${file}.` });

  const insertSql = (table: string, cols: TableColumns<unknown>, conflict = ""): string => {
    const names = cols.all.map((c) => c.column);
    return `INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map((n) => `@${n}`).join(", ")})${conflict}`;
  };

  /** UPDATE the fields named in `patch` of the one row matched by `keys`; false when there is no such row. */
  const patchRow = (
    table: string,
    cols: TableColumns<unknown>,
    keys: Record<string, SqlValue>,
    patch: object,
  ): boolean => {
    const params: Record<string, SqlValue> = {};
    const where = Object.entries(keys).map(([column, value]) => {
      params[`k_${column}`] = value;
      return `${column} = @k_${column}`;
    });
    const sets: string[] = [];
    for (const [prop, value] of Object.entries(patch) as [string, unknown][]) {
      const spec = cols.byProp.get(prop);
      if (spec === undefined || spec.column in keys) {
        throw new TypeError(`${table}: field ${prop} cannot be changed`);
      }
      sets.push(`${spec.column} = @${spec.column}`);
      params[spec.column] = toSql(spec, value);
    }
    const whereSql = where.join(" AND ");
    if (sets.length === 0) {
      return sql(`SELECT 1 FROM ${table} WHERE ${whereSql}`).get(params) !== undefined;
    }
    return sql(`UPDATE ${table} SET ${sets.join(", ")} WHERE ${whereSql}`).run(params).changes > 0;
  };

  const runs = (text: string, ...params: unknown[]): RunRecord[] =>
    (sql(text).all(...params) as Row[]).map((r) => rowToRecord(runColumns, r));
  const runsWhere = (filter: RunFilter | undefined, extra: string, limit: string): RunRecord[] => {
    const conditions = [extra];
    const params: unknown[] = [];
    if (filter?.planName !== undefined) {
      conditions.push("plan_name = ?");
      params.push(filter.planName);
    }
    const where = conditions.filter((c) => c !== "").join(" AND ");
    return runs(
      `SELECT * FROM runs${where === "" ? "" : ` WHERE ${where}`} ORDER BY rowid DESC${limit}`,
      ...params,
    );
  };
  const unfinished = `status IN (${UNFINISHED_RUN_STATUSES.map((s) => `'${s}'`).join(", ")})`;

  const getRun = (id: string): RunRecord | undefined => runs("SELECT * FROM runs WHERE id = ?", id)[0];
  const getItem = (runId: string, id: string): ItemRecord | undefined => {
    const row = sql("SELECT * FROM items WHERE run_id = ? AND id = ?").get(runId, id) as Row | undefined;
    return row === undefined ? undefined : rowToRecord(itemColumns, row);
  };
  const getAttempt = (runId: string, itemId: string, n: number): AttemptRecord | undefined => {
    const row = sql("SELECT * FROM attempts WHERE run_id = ? AND item_id = ? AND n = ?").get(
      runId,
      itemId,
      n,
    ) as Row | undefined;
    return row === undefined ? undefined : rowToRecord(attemptColumns, row);
  };
  const byId = <T>(table: string, cols: TableColumns<T>, id: number | bigint): T =>
    rowToRecord(cols, sql(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row);

  const store: StateStore = {
    file,

    createRun(run: NewRun, options?: { readonly minN?: number }): RunRecord {
      return write(() => {
        const { last_n } = sql(
          `INSERT INTO run_counters (plan_name, last_n) VALUES (@plan, max(1, @min)) ` +
            `ON CONFLICT (plan_name) DO UPDATE SET last_n = max(last_n + 1, excluded.last_n) RETURNING last_n`,
        ).get({ plan: run.planName, min: Math.floor(options?.minN ?? 1) }) as { last_n: number };
        const id = `${run.planName}-${last_n}`;
        sql(insertSql("runs", runColumns)).run(
          recordToParams(runColumns, { ...run, id, status: run.status ?? "running" }),
        );
        return getRun(id)!;
      });
    },

    getRun,
    listRuns: (filter) => runsWhere(filter, "", ""),
    latestRun: (filter) => runsWhere(filter, "", " LIMIT 1")[0],
    latestUnfinishedRun: (filter) => runsWhere(filter, unfinished, " LIMIT 1")[0],

    updateRun(id: string, patch: RunPatch): RunRecord {
      return write(() => {
        if (!patchRow("runs", runColumns, { id }, patch)) throw notFound(`Run ${id}`);
        return getRun(id)!;
      });
    },

    upsertItems(runId: string, items: readonly ItemInput[]): void {
      const updates = itemColumns.all
        .filter((c) => c.column !== "run_id" && c.column !== "id")
        .map((c) => `${c.column} = excluded.${c.column}`)
        .join(", ");
      const upsert = insertSql("items", itemColumns, ` ON CONFLICT (run_id, id) DO UPDATE SET ${updates}`);
      write(() => {
        if (getRun(runId) === undefined) throw notFound(`Run ${runId}`);
        const at = now();
        for (const item of items) {
          sql(upsert).run(
            recordToParams(itemColumns, {
              retriesUsed: 0,
              fixForwardsUsed: 0,
              conflictFiles: [],
              filesChanged: [],
              commits: [],
              updatedAt: at,
              ...definedOnly(item),
              runId,
            }),
          );
        }
      });
    },

    updateItem(runId: string, id: string, patch: ItemPatch): ItemRecord {
      return write(() => {
        const withTime = patch.updatedAt !== undefined ? patch : { ...patch, updatedAt: now() };
        if (!patchRow("items", itemColumns, { run_id: runId, id }, withTime)) {
          throw notFound(`Item ${id} of run ${runId}`);
        }
        return getItem(runId, id)!;
      });
    },

    listItems: (runId) =>
      (sql("SELECT * FROM items WHERE run_id = ? ORDER BY rowid").all(runId) as Row[]).map((r) =>
        rowToRecord(itemColumns, r),
      ),
    getItem,

    insertAttempt(attempt: AttemptInput): AttemptRecord {
      return write(() => {
        sql(insertSql("attempts", attemptColumns)).run(
          recordToParams(attemptColumns, { permissionDenials: [], violations: [], ...definedOnly(attempt) }),
        );
        return getAttempt(attempt.runId, attempt.itemId, attempt.n)!;
      });
    },

    updateAttempt(runId: string, itemId: string, n: number, patch: AttemptPatch): AttemptRecord {
      return write(() => {
        if (!patchRow("attempts", attemptColumns, { run_id: runId, item_id: itemId, n }, patch)) {
          throw notFound(`Attempt ${n} of item ${itemId} of run ${runId}`);
        }
        return getAttempt(runId, itemId, n)!;
      });
    },

    getAttempt,

    listAttempts(runId: string, itemId?: string): AttemptRecord[] {
      const rows =
        itemId === undefined
          ? sql(
              "SELECT a.* FROM attempts a JOIN items i ON i.run_id = a.run_id AND i.id = a.item_id " +
                "WHERE a.run_id = ? ORDER BY i.rowid, a.n",
            ).all(runId)
          : sql("SELECT * FROM attempts WHERE run_id = ? AND item_id = ? ORDER BY n").all(runId, itemId);
      return (rows as Row[]).map((r) => rowToRecord(attemptColumns, r));
    },

    recordGateRun(gate: NewGateRun): GateRunRecord {
      return write(() => {
        const info = sql(insertSql("gate_runs", gateRunColumns.withoutId)).run(
          recordToParams(gateRunColumns.withoutId, gate),
        );
        return byId("gate_runs", gateRunColumns.all, info.lastInsertRowid);
      });
    },

    listGateRuns: (runId) =>
      (sql("SELECT * FROM gate_runs WHERE run_id = ? ORDER BY id").all(runId) as Row[]).map((r) =>
        rowToRecord(gateRunColumns.all, r),
      ),

    recordReview(review: Lenient<ReviewRecord>): ReviewRecord {
      return write(() => {
        if (getAttempt(review.runId, review.itemId, review.attempt) === undefined) {
          throw notFound(`Attempt ${review.attempt} of item ${review.itemId} of run ${review.runId}`);
        }
        sql("DELETE FROM reviews WHERE run_id = ? AND item_id = ? AND attempt = ?").run(
          review.runId,
          review.itemId,
          review.attempt,
        );
        sql(insertSql("reviews", reviewColumns)).run(recordToParams(reviewColumns, review));
        return rowToRecord(
          reviewColumns,
          sql("SELECT * FROM reviews WHERE run_id = ? AND item_id = ? AND attempt = ?").get(
            review.runId,
            review.itemId,
            review.attempt,
          ) as Row,
        );
      });
    },

    listReviews: (runId) =>
      (
        sql(
          "SELECT r.* FROM reviews r JOIN items i ON i.run_id = r.run_id AND i.id = r.item_id " +
            "WHERE r.run_id = ? ORDER BY i.rowid, r.attempt",
        ).all(runId) as Row[]
      ).map((r) => rowToRecord(reviewColumns, r)),

    appendEvent(event: NewEvent): EventRecord {
      return write(() => {
        const info = sql(insertSql("events", eventColumns.withoutId)).run(
          recordToParams(eventColumns.withoutId, { at: now(), data: {}, ...definedOnly(event) }),
        );
        return byId("events", eventColumns.all, info.lastInsertRowid);
      });
    },

    listEvents(runId: string, query?: EventQuery): EventRecord[] {
      const rows = sql("SELECT * FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?").all(
        runId,
        query?.afterId ?? 0,
        query?.limit ?? -1,
      ) as Row[];
      return rows.map((r) => rowToRecord(eventColumns.all, r));
    },

    transaction: write,

    close(): void {
      if (db.open) db.close();
    },
  };
  return guardAll(store, file);
}

/** The fields of `value` that are not undefined, so defaults spread before it are not overwritten. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** Wraps every method so SQLite's storage errors surface as StateStoreError naming the file. */
function guardAll(store: StateStore, file: string): StateStore {
  const guarded: Record<string, unknown> = { file };
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== "function") continue;
    const fn = value as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]): unknown => {
      try {
        return fn(...args);
      } catch (e) {
        throw classifySqliteError(file, e) ?? e;
      }
    };
  }
  return guarded as unknown as StateStore;
}
