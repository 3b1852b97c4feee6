// The run state as the engine sees it: plain records and the StateStore port it codes against.
// No storage import here; the SQLite adapter (src/adapters/state/) implements the port, and tests
// or other stores can implement it too. Timestamps are ISO-8601 strings with milliseconds (UTC).

/** Any value JSON can carry; the type of event payloads. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object; event payloads are always objects so fields can be added later. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** Where a run stands (the `run.status` values of `report --json`). */
export type RunStatus = "running" | "landed" | "partial" | "failed" | "interrupted";

/** The run statuses `resume` can continue. */
export const UNFINISHED_RUN_STATUSES: readonly RunStatus[] = ["running", "interrupted"];

/** Where an item stands (DESIGN.md "Item states"). */
export type ItemStatus =
  | "pending"
  | "ready"
  | "running"
  | "verifying"
  | "queued"
  | "merged"
  | "landed"
  | "failed"
  | "blocked"
  | "cancelled";

/** How an attempt ended; absent while it runs. */
export type AttemptOutcome =
  "accepted" | "rejected" | "failed" | "timeout" | "no-work" | "blocked" | "conflict" | "lost" | "cancelled";

/** What the agent said of its own work in its last message (`STATUS: ...`). */
export type AgentReportedStatus = "COMPLETE" | "PARTIAL" | "BLOCKED";

/** The merge queue's classification of a conflict (work-milestone's table). */
export type ConflictClass = "clean" | "trivial" | "medium" | "heavy";

/** When a gate command runs. */
export type GateStage = "pre_merge" | "post_merge" | "land";

/** One commit of an item's work, for the relay and the report. */
export interface CommitSummary {
  readonly sha: string;
  readonly subject: string;
}

/** One execution of a plan. */
export interface RunRecord {
  /** `<plan-name>-<n>`, n counting up per plan name from 1. */
  readonly id: string;
  readonly planFile: string;
  readonly planName: string;
  /** JSON text: the validated plan as it was when the run started. */
  readonly planJson: string;
  readonly base: string;
  readonly baseCommit: string;
  readonly integrationBranch: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly landedCommit?: string;
  /** The orchestrator process that owns the run (to tell a live run from a crashed one). */
  readonly pid: number;
  /** An opaque token of the owner's start time, so a reused pid is not mistaken for the owner. */
  readonly pidStartTime?: string;
  readonly host: string;
  /** JSON text: the command-line options that overrode the plan. */
  readonly optionsJson: string;
}

/** One item of a run. */
export interface ItemRecord {
  readonly runId: string;
  readonly id: string;
  readonly status: ItemStatus;
  readonly retriesUsed: number;
  readonly fixForwardsUsed: number;
  readonly mergedCommit?: string;
  readonly conflictClass?: ConflictClass;
  readonly conflictFiles: readonly string[];
  readonly filesChanged: readonly string[];
  readonly commits: readonly CommitSummary[];
  /** What the agent handed on for later items (the relay). */
  readonly notes?: string;
  readonly lastReason?: string;
  readonly updatedAt: string;
}

/** One agent session on one item, in its own lane. */
export interface AttemptRecord {
  readonly runId: string;
  readonly itemId: string;
  /** 1-based. */
  readonly n: number;
  readonly agent: string;
  readonly laneDir: string;
  readonly branch: string;
  readonly baseCommit: string;
  readonly headCommit?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly outcome?: AttemptOutcome;
  readonly reason?: string;
  /** The feedback this attempt was given (from earlier attempts). */
  readonly feedback?: string;
  readonly costUsd?: number;
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  readonly numTurns?: number;
  readonly sessionId?: string;
  readonly permissionDenials: readonly string[];
  readonly agentStatus?: AgentReportedStatus;
  readonly agentNotes?: string;
  readonly pid?: number;
  readonly pidStartTime?: string;
  readonly stdoutFile?: string;
  readonly stderrFile?: string;
  /** Things the agent did that it must not (e.g. touched refs or files outside its lane). */
  readonly violations: readonly string[];
}

/** One execution of one gate command, with its evidence. */
export interface GateRunRecord {
  /** Assigned by the store, increasing. */
  readonly id: number;
  readonly runId: string;
  readonly itemId?: string;
  readonly attempt?: number;
  readonly stage: GateStage;
  readonly command: string;
  /** Absent when the command was killed (timeout) or never started. */
  readonly exitCode?: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly outputFile?: string;
  /** The last lines of the output, for the report. */
  readonly outputTail: string;
  readonly startedAt: string;
}

/** One criterion's judgement in a review (by a check or the reviewer), with its evidence. */
export interface ReviewCriterion {
  readonly criterion: string;
  readonly status: "met" | "unmet" | "spec_defect";
  readonly evidence: string;
}

/** One `check:` command's run in a review. */
export interface ReviewCheck {
  readonly criterion: string;
  readonly command: string;
  readonly passed: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly outputTail: string;
}

/** The acceptance review of one attempt: its verdict and the evidence behind it. */
export interface ReviewRecord {
  readonly runId: string;
  readonly itemId: string;
  readonly attempt: number;
  readonly verdict: "PASS" | "FAIL";
  readonly reason: string;
  /** Criteria not met (checks or reviewer), then spec defects, then the reviewer's other judgements. */
  readonly criteria: readonly ReviewCriterion[];
  readonly checks: readonly ReviewCheck[];
  /** The reviewer's profile; absent when the plan names none or the checks already failed. */
  readonly reviewer?: string;
  readonly reviewerSessionId?: string;
  readonly reviewerCostUsd?: number;
  /** How many times the reviewer was asked (2 when its first answer could not be read). */
  readonly reviewerAsks: number;
  /** The end of the reviewer's last answer. */
  readonly reviewerAnswer?: string;
  readonly reviewedAt: string;
}

/** Something that happened in a run; the log `status` follows and reporters print. */
export interface EventRecord {
  /** Assigned by the store, increasing: `listEvents(run, { afterId })` continues from here. */
  readonly id: number;
  readonly runId: string;
  readonly at: string;
  readonly type: string;
  readonly itemId?: string;
  readonly attempt?: number;
  readonly data: JsonObject;
}

/**
 * A change to some fields of a record: a key left out stays as it is; an optional field given
 * as `undefined` is cleared. Required fields cannot be cleared.
 */
export type Patch<T> = {
  readonly [K in keyof T]?: undefined extends T[K] ? T[K] | undefined : T[K];
};

/** A record to write: its optional fields may also be given as `undefined` (meaning absent). */
export type Lenient<T> = { readonly [K in keyof T]: undefined extends T[K] ? T[K] | undefined : T[K] };

/** What `createRun` needs; the store allocates the id. `status` defaults to `running`. */
export type NewRun = Lenient<Omit<RunRecord, "id" | "status">> & { readonly status?: RunStatus | undefined };

/** The fields of a run that change after it starts. */
export type RunPatch = Patch<
  Pick<RunRecord, "status" | "endedAt" | "landedCommit" | "pid" | "pidStartTime" | "host" | "optionsJson">
>;

/**
 * An item as `upsertItems` writes it, whole: fields left out get their defaults (0, [], absent),
 * `updatedAt` defaults to now.
 */
export type ItemInput = Pick<ItemRecord, "id" | "status"> &
  Patch<Omit<ItemRecord, "runId" | "id" | "status">>;

/** The fields of an item that change; `updatedAt` is set to now unless given. */
export type ItemPatch = Patch<Omit<ItemRecord, "runId" | "id">>;

/** An attempt as `insertAttempt` writes it; `permissionDenials` and `violations` default to []. */
export type AttemptInput = Lenient<Omit<AttemptRecord, "permissionDenials" | "violations">> &
  Patch<Pick<AttemptRecord, "permissionDenials" | "violations">>;

/** The fields of an attempt that change after it starts. */
export type AttemptPatch = Patch<Omit<AttemptRecord, "runId" | "itemId" | "n">>;

/** A gate run to record; the store assigns the id. */
export type NewGateRun = Lenient<Omit<GateRunRecord, "id">>;

/** An event to append; `at` defaults to now and `data` to {}. */
export type NewEvent = Lenient<Omit<EventRecord, "id" | "at" | "data">> & {
  readonly at?: string | undefined;
  readonly data?: JsonObject | undefined;
};

/** Narrows run listings to one plan. */
export interface RunFilter {
  readonly planName?: string;
}

/** Where to continue reading the event log. */
export interface EventQuery {
  /** Only events with a larger id. */
  readonly afterId?: number;
  /** At most this many events (the oldest first). */
  readonly limit?: number;
}

/**
 * The run state the engine reads and writes; one process writes while others (`status`) read.
 * Every method is synchronous. Listings come in a stable order: runs newest first; items in the
 * order they were first written; attempts by item (first-written order) then n; gate runs and
 * events oldest first. Failures of the storage itself throw `StateStoreError`; so does naming a
 * run, item or attempt that does not exist, or writing a key twice (bugs in the caller).
 */
export interface StateStore {
  /** The database file, for messages. */
  readonly file: string;
  /**
   * Creates a run, allocating `<planName>-<n>` atomically: n is one more than any n this store gave
   * the plan name before, and at least `minN` (so a fresh store can step past run ids that git refs
   * under refs/flotilla/ still use).
   */
  createRun(run: NewRun, options?: { readonly minN?: number }): RunRecord;
  getRun(id: string): RunRecord | undefined;
  /** Newest first. */
  listRuns(filter?: RunFilter): RunRecord[];
  latestRun(filter?: RunFilter): RunRecord | undefined;
  /** The newest run whose status is `running` or `interrupted`. */
  latestUnfinishedRun(filter?: RunFilter): RunRecord | undefined;
  updateRun(id: string, patch: RunPatch): RunRecord;
  /** Inserts or wholly replaces each item, in one transaction. */
  upsertItems(runId: string, items: readonly ItemInput[]): void;
  updateItem(runId: string, id: string, patch: ItemPatch): ItemRecord;
  listItems(runId: string): ItemRecord[];
  getItem(runId: string, id: string): ItemRecord | undefined;
  /** Inserts an attempt; its item must exist and (runId, itemId, n) must be new. */
  insertAttempt(attempt: AttemptInput): AttemptRecord;
  updateAttempt(runId: string, itemId: string, n: number, patch: AttemptPatch): AttemptRecord;
  getAttempt(runId: string, itemId: string, n: number): AttemptRecord | undefined;
  listAttempts(runId: string, itemId?: string): AttemptRecord[];
  recordGateRun(gate: NewGateRun): GateRunRecord;
  /** Writes the review of an attempt (replacing an earlier one of the same attempt). */
  recordReview(review: Lenient<ReviewRecord>): ReviewRecord;
  /** Reviews of a run, by item (first-written order) then attempt. */
  listReviews(runId: string): ReviewRecord[];
  listGateRuns(runId: string): GateRunRecord[];
  appendEvent(event: NewEvent): EventRecord;
  listEvents(runId: string, query?: EventQuery): EventRecord[];
  /**
   * Runs `fn` in one write transaction: everything it writes lands together or, if it throws,
   * not at all (the exception propagates). `fn` must be synchronous. Transactions nest.
   */
  transaction<T>(fn: () => T): T;
  /** Closes the database; the store must not be used afterwards. Closing twice is harmless. */
  close(): void;
}

/** Why the state store failed, so a caller can pick its message or exit code. */
export type StateStoreFailure =
  /** The file exists but is not a SQLite database (or its header is destroyed). */
  | "not-a-database"
  /** A SQLite database, but damaged. */
  | "corrupt"
  /** A SQLite database that some other program owns. */
  | "foreign-database"
  /** Written by a newer flotilla whose schema this code does not know. */
  | "newer-schema"
  /** `mustExist` was asked and there is no file. */
  | "missing"
  /** The file could not be opened or written (permissions, disk full, locked too long). */
  | "io"
  /** A run, item or attempt the caller named does not exist (a bug in the caller). */
  | "not-found"
  /** A record with the same key exists already, e.g. attempt n twice (a bug in the caller). */
  | "duplicate";

/** The one error the state store throws or returns; its message names the file and what to do. */
export class StateStoreError extends Error {
  override readonly name = "StateStoreError";
  readonly reason: StateStoreFailure;
  readonly file: string;

  constructor(options: { reason: StateStoreFailure; file: string; message: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
    this.file = options.file;
  }
}
