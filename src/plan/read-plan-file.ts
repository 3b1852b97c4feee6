// The one place src/plan/ touches the file system: read the plan file the user named, then load it.

import { readFile } from "node:fs/promises";
import { err, type Result } from "../util/result.js";
import { loadPlan } from "./load.js";
import type { Diagnostic, Plan } from "./types.js";

/** Reads and loads a plan file; a file that cannot be read is a diagnostic at 1:1 naming it. */
export async function readPlanFile(path: string): Promise<Result<Plan, Diagnostic[]>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a folder, not a file"
          : code === "EACCES"
            ? "permission denied"
            : (e as Error).message;
    return err([
      {
        severity: "error",
        message: `cannot read plan file ${JSON.stringify(path)}: ${why}`,
        loc: { file: path, line: 1, column: 1 },
        length: 1,
        related: [],
      },
    ]);
  }
  return loadPlan({ file: path, text });
}
