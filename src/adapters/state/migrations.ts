// The schema of state.db as an ordered list of migrations. PRAGMA user_version holds how many have
// been applied; opening the store applies the rest in one transaction. To change the schema, append
// a migration (never edit one that has shipped): version N+1, its SQL, and a test that a file at
// version N opens and keeps its data.
import type { Database } from "better-sqlite3";

/** One step of the schema; `version` is its 1-based place in the list. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database) => void;
}

/** PRAGMA application_id of a flotilla state database ("FLOT"), to tell it from other SQLite files. */
export const APPLICATION_ID = 0x464c4f54;

const V1 = `
CREATE TABLE run_counters (
  plan_name TEXT PRIMARY KEY,
  last_n INTEGER NOT NULL
) STRICT;

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  plan_file TEXT NOT NULL,
  plan_name TEXT NOT NULL,
  plan_json TEXT NOT NULL CHECK (json_valid(plan_json)),
  base TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  integration_branch TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  landed_commit TEXT,
  pid INTEGER NOT NULL,
  pid_start_time TEXT,
  host TEXT NOT NULL,
  options_json TEXT NOT NULL CHECK (json_valid(options_json))
) STRICT;
CREATE INDEX runs_by_plan ON runs (plan_name);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE items (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  status TEXT NOT NULL,
  retries_used INTEGER NOT NULL,
  fix_forwards_used INTEGER NOT NULL,
  merged_commit TEXT,
  conflict_class TEXT,
  conflict_files TEXT NOT NULL CHECK (json_valid(conflict_files)),
  files_changed TEXT NOT NULL CHECK (json_valid(files_changed)),
  commits TEXT NOT NULL CHECK (json_valid(commits)),
  notes TEXT,
  last_reason TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, id)
) STRICT;

CREATE TABLE attempts (
  run_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  n INTEGER NOT NULL CHECK (n >= 1),
  agent TEXT NOT NULL,
  lane_dir TEXT NOT NULL,
  branch TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  head_commit TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  exit_code INTEGER,
  signal TEXT,
  outcome TEXT,
  reason TEXT,
  feedback TEXT,
  cost_usd REAL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  num_turns INTEGER,
  session_id TEXT,
  permission_denials TEXT NOT NULL CHECK (json_valid(permission_denials)),
  agent_status TEXT,
  agent_notes TEXT,
  pid INTEGER,
  pid_start_time TEXT,
  stdout_file TEXT,
  stderr_file TEXT,
  violations TEXT NOT NULL CHECK (json_valid(violations)),
  PRIMARY KEY (run_id, item_id, n),
  FOREIGN KEY (run_id, item_id) REFERENCES items (run_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE gate_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  item_id TEXT,
  attempt INTEGER,
  stage TEXT NOT NULL,
  command TEXT NOT NULL,
  exit_code INTEGER,
  timed_out INTEGER NOT NULL CHECK (timed_out IN (0, 1)),
  duration_ms INTEGER NOT NULL,
  output_file TEXT,
  output_tail TEXT NOT NULL,
  started_at TEXT NOT NULL
) STRICT;
CREATE INDEX gate_runs_by_run ON gate_runs (run_id, id);

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  item_id TEXT,
  attempt INTEGER,
  data TEXT NOT NULL CHECK (json_valid(data) AND json_type(data) = 'object')
) STRICT;
CREATE INDEX events_by_run ON events (run_id, id);
`;

const V2 = `
CREATE TABLE reviews (
  run_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  reason TEXT NOT NULL,
  criteria TEXT NOT NULL CHECK (json_valid(criteria)),
  checks TEXT NOT NULL CHECK (json_valid(checks)),
  reviewer TEXT,
  reviewer_session_id TEXT,
  reviewer_cost_usd REAL,
  reviewer_asks INTEGER NOT NULL,
  reviewer_answer TEXT,
  reviewed_at TEXT NOT NULL,
  PRIMARY KEY (run_id, item_id, attempt),
  FOREIGN KEY (run_id, item_id, attempt) REFERENCES attempts (run_id, item_id, n) ON DELETE CASCADE
) STRICT;
`;

/** Every migration, in order; the schema version this code writes is its length. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: "runs, items, attempts, gate runs, events", up: (db) => db.exec(V1) },
  { version: 2, description: "reviews: the acceptance verdict of each attempt", up: (db) => db.exec(V2) },
];
