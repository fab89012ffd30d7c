import type { AppErrorData, Result } from '../../shared/result';

/** Something read from main: the last good value stays while a refresh runs or fails. */
export type Loadable<T> = { data: T | null; error: AppErrorData | null; loading: boolean };

export const idle = <T>(): Loadable<T> => ({ data: null, error: null, loading: false });

/** A read's answer: the new value, or its error with the last good value (`kept`) still shown. */
export function settled<T>(result: Result<T>, kept: T | null): Loadable<T> {
  return result.ok
    ? { data: result.value, error: null, loading: false }
    : { data: kept, error: result.error, loading: false };
}
