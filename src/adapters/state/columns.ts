// How each record field maps to a column: one table of names and kinds per record, checked by the
// compiler against the record type, drives inserts, patches and reading rows back.
import type { Lenient } from "../../core/state-types.js";
import { unreachable } from "../../util/result.js";

/** How a field is stored: text, integer, real, 0/1, or JSON text. */
export type ColumnKind = "text" | "int" | "real" | "bool" | "json";

/** A field's column and kind; `optional` fields are NULL when absent. */
export interface ColumnSpec {
  readonly prop: string;
  readonly column: string;
  readonly kind: ColumnKind;
  readonly optional: boolean;
}

type KindSpec = ColumnKind | `${ColumnKind}?`;

/** Every field of T, each with its column and kind; optional (nullable) fields must use a `kind?` and only they. */
export type ColumnMap<T> = {
  readonly [K in keyof T]-?: undefined extends T[K]
    ? readonly [column: string, kind: `${ColumnKind}?`]
    : readonly [column: string, kind: ColumnKind];
};

/** The columns of one table, looked up by field name; T is the record the rows read back as. */
export interface TableColumns<T> {
  readonly all: readonly ColumnSpec[];
  readonly byProp: ReadonlyMap<string, ColumnSpec>;
  /** Never set: ties the column list to its record type. */
  readonly record?: T;
}

/** Builds a table's column list from a map the compiler checks against the record type. */
export function columns<T>(map: ColumnMap<T>): TableColumns<T> {
  const all: ColumnSpec[] = [];
  const entries: [string, readonly [string, KindSpec]][] = Object.entries(
    map as Readonly<Record<string, readonly [string, KindSpec]>>,
  );
  for (const [prop, spec] of entries) {
    const [column, kind] = spec;
    const optional = kind.endsWith("?");
    all.push({ prop, column, kind: (optional ? kind.slice(0, -1) : kind) as ColumnKind, optional });
  }
  return { all, byProp: new Map(all.map((c) => [c.prop, c])) };
}

/** A value as better-sqlite3 binds it. */
export type SqlValue = string | number | bigint | Buffer | null;

/** Converts one field value to its column value (`undefined` → NULL). */
export function toSql(spec: ColumnSpec, value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  switch (spec.kind) {
    case "bool":
      return value === true ? 1 : 0;
    case "json":
      return JSON.stringify(value);
    case "int":
      // Whole numbers only; a fractional duration or count is rounded rather than rejected.
      return typeof value === "number" ? Math.round(value) : (value as SqlValue);
    case "text":
    case "real":
      return value as SqlValue;
    default:
      return unreachable(spec.kind, "column kind");
  }
}

/** Converts one column value back to its field value (NULL → undefined). */
export function fromSql(spec: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (spec.kind) {
    case "bool":
      return value === 1 || value === 1n;
    case "json":
      return JSON.parse(value as string) as unknown;
    case "int":
    case "real":
    case "text":
      return value;
    default:
      return unreachable(spec.kind, "column kind");
  }
}

/** Reads a row into a record, leaving absent (NULL) optional fields out of the object. */
export function rowToRecord<T>(table: TableColumns<T>, row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const spec of table.all) {
    const v = fromSql(spec, row[spec.column]);
    if (v !== undefined) out[spec.prop] = v;
  }
  return out as T;
}

/** The named parameters for an insert: every column, from a record (missing fields → NULL). */
export function recordToParams<T>(table: TableColumns<T>, record: Lenient<T>): Record<string, SqlValue> {
  const source = record as Record<string, unknown>;
  const params: Record<string, SqlValue> = {};
  for (const spec of table.all) params[spec.column] = toSql(spec, source[spec.prop]);
  return params;
}
