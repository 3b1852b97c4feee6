// The internal plan: what every loader (flotilla YAML, work-milestone dispatch plan, dag.yaml)
// produces and what the graph, scheduler and engine consume. Durations are in seconds.

/** A 1-based position in a source file, for diagnostics and messages. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** How the base branch moves at the end of a run. */
export type LandMode = "merge" | "ff" | "none";
/** How ready items are dispatched. */
export type ScheduleMode = "continuous" | "waves";
/** Whether items whose `touches` overlap may run at the same time. */
export type ConflictPolicy = "avoid" | "allow";
/** How an agent's stdout is read. */
export type AgentOutputFormat = "claude-json" | "codex-jsonl" | "text";
/** The adapters flotilla knows how to drive. */
export type BuiltinAgent = "claude" | "codex" | "gemini" | "aider" | "opencode" | "shell";

/** One acceptance criterion; `check` is a shell command from the plan (run with sh -c, never interpolated). */
export interface AcceptanceCriterion {
  readonly text: string;
  readonly check?: string;
}

/** A named way of starting an agent session. */
export interface AgentProfile {
  readonly name: string;
  /** The built-in adapter this profile is based on; absent for a plain `command` profile. */
  readonly use?: BuiltinAgent;
  /** argv with placeholders {prompt} {prompt_file} {item} {worktree}; no shell involved. */
  readonly command?: readonly string[];
  readonly output: AgentOutputFormat;
  readonly model?: string;
  readonly permissionMode?: string;
  readonly allowedTools?: readonly string[];
}

/** One unit of work for one agent session. */
export interface Item {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly acceptance: readonly AcceptanceCriterion[];
  readonly dependsOn: readonly string[];
  /** Globs of the paths this item is expected to change (its impact radius). */
  readonly touches: readonly string[];
  /** Lower runs first among equals; default 2. */
  readonly priority: number;
  readonly estimateSeconds?: number;
  /** The resolved agent profile name (a key of Plan.agents). */
  readonly agent: string;
  /** The command of a `shell` agent, run with sh -c in the lane. */
  readonly run?: string;
  /** The item's own budget over all its attempts (agents' reported cost, and tokens). */
  readonly budgetUsd?: number;
  readonly budgetTokens?: number;
  /** Where the item is defined. */
  readonly loc: SourceLocation;
}

/** Options of the merge queue. */
export interface MergeOptions {
  readonly batch: number;
  readonly retryFlaky: boolean;
  readonly probeIntervalSeconds: number;
  readonly resolver?: string;
  readonly fixForward: number;
  /** A merge whose real conflicts touch more files than this is heavy (fix-forward), not medium. */
  readonly mediumMaxFiles: number;
  /** A side that changed more than this share of a file's lines rewrote it: heavy. */
  readonly rewriteRatio: number;
}

/** How each lane is provisioned. */
export interface SetupOptions {
  readonly link: readonly string[];
  readonly copy: readonly string[];
  readonly run: readonly string[];
}

/** Shell commands that must exit 0 at each stage. */
export interface Gates {
  readonly preMerge: readonly string[];
  readonly postMerge: readonly string[];
  readonly land: readonly string[];
}

/** Which source format a plan was read from. */
export type PlanFormat = "flotilla" | "milestone" | "dag";

/** A validated plan, every default filled in. */
export interface Plan {
  readonly version: 1;
  readonly format: PlanFormat;
  /** The plan file as given (used in messages). */
  readonly file: string;
  readonly name: string;
  /** Absent: the branch checked out where flotilla runs. */
  readonly base?: string;
  readonly integrationBranch: string;
  readonly land: LandMode;
  readonly maxParallel: number;
  readonly schedule: ScheduleMode;
  /** The default agent profile for items. */
  readonly agent: string;
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly conflicts: ConflictPolicy;
  readonly landPartial: boolean;
  readonly budgetUsd?: number;
  readonly budgetTokens?: number;
  readonly merge: MergeOptions;
  readonly setup: SetupOptions;
  readonly gates: Gates;
  readonly review: { readonly reviewer?: string };
  /** Every usable profile: the built-ins plus the plan's own, by name. */
  readonly agents: Readonly<Record<string, AgentProfile>>;
  readonly items: readonly Item[];
  /** Things the loader wants the user to know that are not errors (e.g. completed epics skipped). */
  readonly notes: readonly string[];
}

/** One problem found in a plan, located in its source. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly loc: SourceLocation;
  /** Length of the span to underline (>= 1). */
  readonly length: number;
  /** Other places that belong to the same problem (the first duplicate, each edge of a cycle). */
  readonly related: readonly {
    readonly message: string;
    readonly loc: SourceLocation;
    readonly length: number;
  }[];
}
