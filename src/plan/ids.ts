// Ids and names become git branch names and paths, so they are checked strictly, with a reason that says
// exactly what is wrong (invariant 4 of DESIGN.md).

/** The rule for item ids and plan names: lower-case letters, digits and "-", not starting with "-". */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** The longest id or name we accept: branch and folder names stay readable and within path limits. */
export const MAX_ID_LENGTH = 64;

/** The outcome of checking an id: ok, or the specific reason it is not. */
export type IdCheck = { ok: true } | { ok: false; reason: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const WHITESPACE = /\s/;

/** Checks an item id or plan name against ID_PATTERN and MAX_ID_LENGTH, naming the first problem found. */
export function validateId(id: string): IdCheck {
  if (id.length === 0) return fail("it is empty");
  if (WHITESPACE.test(id)) return fail("it contains whitespace");
  const control = CONTROL.exec(id);
  if (control) return fail(`it contains a control character (${codePoint(control[0])})`);
  if (id.startsWith("-")) return fail('it starts with "-" (git would read it as an option)');
  if (id.includes("..")) return fail('it contains ".."');
  if (id.includes("/")) return fail('it contains "/"');
  if (/[A-Z]/.test(id)) return fail("it contains upper case letters; use lower case");
  const other = /[^a-z0-9-]/.exec(id);
  if (other) return fail(`it contains ${JSON.stringify(other[0])}; only a-z, 0-9 and "-" are allowed`);
  if (id.length > MAX_ID_LENGTH)
    return fail(`it is ${id.length} characters long; the limit is ${MAX_ID_LENGTH}`);
  return { ok: true };
}

/** Checks a branch name given in a plan (base, integration_branch) against git's ref rules and ours. */
export function validateBranchName(name: string): IdCheck {
  if (name.length === 0) return fail("it is empty");
  if (WHITESPACE.test(name)) return fail("it contains whitespace");
  const control = CONTROL.exec(name);
  if (control) return fail(`it contains a control character (${codePoint(control[0])})`);
  if (name.startsWith("-")) return fail('it starts with "-" (git would read it as an option)');
  if (name.includes("..")) return fail('it contains ".."');
  if (name.includes("@{")) return fail('it contains "@{"');
  if (name === "@") return fail('"@" alone is not a branch name');
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return fail(`it contains ${JSON.stringify(bad[0])}, which git does not allow in branch names`);
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) {
    return fail('it has an empty path component (a leading, trailing or doubled "/")');
  }
  if (name.split("/").some((part) => part.startsWith("."))) return fail('a path component starts with "."');
  if (name.endsWith(".") || name.endsWith(".lock")) return fail('it ends with "." or ".lock"');
  return { ok: true };
}

function fail(reason: string): IdCheck {
  return { ok: false, reason };
}

function codePoint(ch: string): string {
  return `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}
