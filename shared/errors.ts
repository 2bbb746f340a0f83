/** Typed errors and the WebSocket close-code table: sockets are closed only with CLOSE entries. */

export const ErrorReason = {
  badInput: 'bad-input',
  notFound: 'not-found',
  forbidden: 'forbidden',
  unauthorized: 'unauthorized',
  conflict: 'conflict',
  locked: 'locked',
} as const
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason]

/** An expected failure with a machine-readable reason; the HTTP layer maps reason to status. */
export class CodejuryError extends Error {
  readonly reason: ErrorReason
  constructor(reason: ErrorReason, message: string) {
    super(message)
    this.name = 'CodejuryError'
    this.reason = reason
  }
}

export interface CloseEntry {
  readonly code: number
  readonly reason: string
}

/**
 * WebSocket close codes (docs/protocol.md#close-codes). Codes 4400–4499 stop y-websocket's
 * reconnect loop, so they are used for refusals a retry cannot fix; 1012 asks clients to retry.
 * Reasons stay far below the 123-byte limit of `ws.close()`.
 */
export const CLOSE = {
  /** A frame that cannot be decoded or applied. */
  badMessage: { code: 4400, reason: 'malformed message' },
  /** No token, or a token that matches no user. */
  unauthorized: { code: 4401, reason: 'no or bad token' },
  /** The user's role does not allow this room at all. */
  forbidden: { code: 4403, reason: 'not allowed in this room' },
  /** The room names a task that does not exist, or the name is malformed. */
  unknownTask: { code: 4404, reason: 'unknown task' },
  /** A single message over MAX_MESSAGE_BYTES. */
  tooLarge: { code: 4413, reason: 'message too large' },
  /** More messages than the per-connection rate allows. */
  tooMany: { code: 4429, reason: 'too many messages' },
  /** The server is restarting or shutting down; clients should reconnect. */
  restart: { code: 1012, reason: 'server restarting' },
} as const satisfies Record<string, CloseEntry>
export type CloseName = keyof typeof CLOSE
