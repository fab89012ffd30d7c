import type { AppErrorData, ErrorCode } from '../shared/result';

/** An error meant for the DBA: its message is shown as is. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toData(): AppErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields ? { fields: this.fields } : {}),
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}

export const invalidInput = (message: string, fields?: Record<string, string>) =>
  new AppError('invalid_input', message, fields);
export const notFound = (message: string) => new AppError('not_found', message);
