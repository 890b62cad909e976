import type { Ack, AckFailure, ErrorCode } from '@strapi-live/client/protocol';

export const fail = (code: ErrorCode, message: string): AckFailure => ({ success: false, error: { code, message } });

/** Raised inside a handler to answer the client with `{ success: false, error }`. */
export class AckError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AckError';
  }
}

/** The acknowledgement for whatever a handler threw: its own code, or a generic internal error. */
export function ackForError(error: unknown): AckFailure {
  if (error instanceof AckError) return fail(error.code, error.message);
  return fail('INTERNAL_ERROR', 'The server could not handle this message; it has been logged');
}

export type { Ack };
