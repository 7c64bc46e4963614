/**
 * The one error type of the app. Codes are a fixed union, mapped once to HTTP statuses
 * (`httpStatus`) and once to what a person is told in the UI (`userMessage`).
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'locked'
  | 'internal';

export const httpStatus: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  quota_exceeded: 429,
  locked: 423,
  internal: 500,
};

export const userMessage: Record<ErrorCode, string> = {
  bad_request: 'Some input is not valid. Check the highlighted fields.',
  unauthorized: 'Please sign in again.',
  forbidden: 'Your role does not allow this. Ask an admin of your organisation.',
  not_found: 'Not found. It may have been deleted, or it belongs to another organisation.',
  conflict: 'Someone changed this at the same time. Reload and try again.',
  payload_too_large: 'The upload is too large.',
  unsupported_media_type: 'The request was sent in a form this page does not accept. Reload the page and try again.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  quota_exceeded: 'Your plan quota is used up. Ask your admin to upgrade the plan.',
  locked: 'This account is locked after too many failed sign-ins. Try again later.',
  internal: 'Something went wrong on our side. It has been logged.',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** Seconds until a rate-limited caller may retry. */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, retryAfter?: number) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  get status(): number {
    return httpStatus[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
