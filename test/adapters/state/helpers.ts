// Shared set-up for the state store tests: a scratch folder per test and an opener that fails loudly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewRun, RunRecord, StateStore } from "../../../src/core/state-types.js";
import { openStateStore, type OpenStateStoreOptions } from "../../../src/adapters/state/sqlite-store.js";

/** A scratch folder with a state file path inside a not-yet-existing `flotilla/` folder. */
export interface Scratch {
  readonly dir: string;
  readonly file: string;
  readonly cleanup: () => void;
}

/** Makes a scratch folder; call cleanup() in teardown. */
export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-state-"));
  return {
    dir,
    file: join(dir, "flotilla", "state.db"),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a store, throwing the StateStoreError if it fails (tests that expect failure call openStateStore). */
export function open(file: string, options: Omit<OpenStateStoreOptions, "file"> = {}): StateStore {
  const r = openStateStore({ file, ...options });
  if (!r.ok) throw r.error;
  return r.value;
}

/** A fixed clock for default timestamps. */
export const FIXED_NOW = "2025-01-02T03:04:05.678Z";

/** The fields of a run for plan `name` that createRun stores as given, every optional one left out. */
export function baseRun(name = "demo"): Omit<RunRecord, "id" | "status"> {
  return {
    planFile: "plans/demo.yaml",
    planName: name,
    planJson: JSON.stringify({ name, items: [{ id: "a" }] }),
    base: "main",
    baseCommit: "a".repeat(40),
    integrationBranch: `flotilla/${name}`,
    startedAt: "2025-01-01T00:00:00.000Z",
    pid: 4242,
    host: "box",
    optionsJson: "{}",
  };
}

/** A NewRun for plan `name`: baseRun plus `extra`. */
export function newRun(name = "demo", extra: Partial<NewRun> = {}): NewRun {
  return { ...baseRun(name), ...extra };
}
