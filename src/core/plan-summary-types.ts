// The shape `flotilla check --json` prints: one object a tool can rely on.

/** One item as `check` shows it. */
export interface SummaryItem {
  readonly id: string;
  readonly title: string;
  readonly agent: string;
  readonly depends_on: readonly string[];
  readonly touches: readonly string[];
  readonly priority: number;
  readonly estimate_seconds: number | null;
  /** The longest path from this item to the end, itself included, in seconds (the scheduler's priority). */
  readonly remaining_path_seconds: number;
}

/** An overlap that put two items in one conflict group. */
export interface SummaryOverlap {
  readonly a: string;
  readonly b: string;
  readonly glob_a: string;
  readonly glob_b: string;
}

/** Everything `flotilla check` reports about a valid plan. */
export interface PlanSummary {
  readonly plan: string;
  readonly format: string;
  readonly name: string;
  readonly notes: readonly string[];
  readonly items: readonly SummaryItem[];
  /** `from` must finish before `to` starts (`to` depends on `from`). */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly critical_path: {
    readonly items: readonly string[];
    readonly length_seconds: number;
    /** Items with no `estimate` count this many seconds. */
    readonly default_estimate_seconds: number;
  };
  readonly conflict_groups: readonly {
    readonly items: readonly string[];
    readonly overlaps: readonly SummaryOverlap[];
  }[];
  readonly waves: readonly (readonly string[])[];
}
