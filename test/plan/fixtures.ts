// Where the plan fixtures live, from the compiled test file (dist/test/plan) back to the source tree.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The folder holding test/fixtures/plans. */
export const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/plans/", import.meta.url));

/** The text of one plan fixture. */
export function fixture(name: string): string {
  return readFileSync(FIXTURES + name, "utf8");
}
