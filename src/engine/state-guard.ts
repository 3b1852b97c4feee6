// The state database under a running run: deleted, replaced or overwritten by someone else, SQLite
// may go on writing to a file nobody will ever read. The guard notices and stops the run with a
// message that names the file and says what to do; the work itself is in git refs.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { StateStoreError } from "../core/state-types.js";
import { WORK_IS_SAFE } from "../adapters/state/errors.js";

const MAGIC = "SQLite format 3\0";

/** Returns a check that throws a StateStoreError once `file` is no longer the database the run opened. */
export function createStateGuard(opts: { file: string; integrationBranch: string }): () => void {
  const { file } = opts;
  const first = statSync(file);
  const what = `Every attempt's commits are kept under refs/flotilla/ and merged items are on ${opts.integrationBranch}: ${WORK_IS_SAFE}. Put the file back (from a backup) and run \`flotilla resume\`, or start over with \`flotilla run PLAN --restart\`.`;
  const fail = (reason: StateStoreError["reason"], how: string): never => {
    throw new StateStoreError({
      reason,
      file,
      message: `The flotilla state file ${file} ${how} while the run was going on; the run stopped. ${what}`,
    });
  };
  return () => {
    let now;
    try {
      now = statSync(file);
    } catch {
      return fail("missing", "was deleted");
    }
    if (now.ino !== first.ino || now.dev !== first.dev) fail("io", "was replaced by another file");
    if (readHead(file) !== MAGIC) fail("corrupt", "was overwritten (it is no longer a SQLite database)");
  };
}

function readHead(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buf = Buffer.alloc(MAGIC.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("latin1");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
