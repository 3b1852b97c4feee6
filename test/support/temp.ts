// Temp folders for tests: real paths (git reports resolved paths, so /tmp symlinks must not differ)
// and a cleanup that never throws.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temp folder and its removal. */
export interface TempDir {
  /** The folder, as an absolute real path. */
  readonly dir: string;
  /** Removes the folder and everything in it. */
  cleanup(): void;
}

/** Makes a fresh temp folder named `flotilla-<prefix>-XXXXXX`. */
export function tempDir(prefix = "test"): TempDir {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `flotilla-${prefix}-`)));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
