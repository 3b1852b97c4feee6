// What every bench gets and returns.

/** Shared facts for a bench run. */
export interface BenchContext {
  readonly root: string;
  readonly bin: string;
  readonly quick: boolean;
}

/** One section of BENCHMARKS.md. */
export interface BenchResult {
  readonly title: string;
  readonly markdown: string;
}
