import { ql } from '../ident';

/**
 * Values in a statement, written once for the engine and for the script:
 * a builder asks for each value by name. Executed, it becomes `$n` and the
 * value is bound; shown in the plan and the psql export, a psql variable
 * (`:'name'`) when only the run knows it, as capture.ts's replay does.
 */
export interface Params {
  /** The placeholder for the value called `name` (`value` is what the engine binds). */
  (name: string, value?: string | number | boolean | null): string;
  /** The values bound, in `$n` order (empty when shown). */
  readonly values: unknown[];
}

/** For the engine: `$1`, `$2` … with their values. */
export function bound(): Params {
  const values: unknown[] = [];
  const p = ((_name: string, value: unknown = null) => {
    values.push(value);
    return `$${values.length}`;
  }) as Params;
  Object.defineProperty(p, 'values', { value: values });
  return p;
}

/** For the plan and the script: psql variables, set by the script (or by the DBA) before the statement runs. */
export function psqlVariables(): Params {
  const p = ((name: string) => `:'${name}'`) as Params;
  Object.defineProperty(p, 'values', { value: [] });
  return p;
}

/** For statements run as text (a step's shown SQL with values the plan knows): the values as literals. */
export function literals(): Params {
  const p = ((_name: string, value: unknown = null) =>
    value === null ? 'NULL' : ql(String(value))) as Params;
  Object.defineProperty(p, 'values', { value: [] });
  return p;
}
