/** What a user reads when the server refuses a room (close codes 4400–4499, docs/protocol.md). */
import { CLOSE } from '../../shared/errors'

/** True for the close codes y-websocket treats as final (no reconnect). */
export function isRefusal(code: number): boolean {
  return code >= 4400 && code < 4500
}

/**
 * A sentence explaining a refusal and what to do about it. `wasOpen` says the room had been open
 * on this page: then the refusal means access was taken away while working, which the
 * user must be told as such, not as a room they never had.
 */
export function closeMessage(code: number, wasOpen = false): string {
  if (wasOpen && code === CLOSE.forbidden.code) {
    return 'You can no longer edit this task: you are no longer assigned to it. Ask your lead if this is a mistake.'
  }
  if (wasOpen && code === CLOSE.unauthorized.code) {
    return 'You can no longer edit this task: your sign-in link was replaced or your account removed. Ask your lead for a new link.'
  }
  switch (code) {
    case CLOSE.unauthorized.code:
      return 'Your session is no longer valid. Sign in again to keep working.'
    case CLOSE.forbidden.code:
      return 'You do not have access to this workspace. Ask your lead to assign you.'
    case CLOSE.unknownTask.code:
      return 'This task does not exist on the server.'
    case CLOSE.tooLarge.code:
      return 'An edit was too large for the server, so the connection closed. Reload to continue.'
    case CLOSE.tooMany.code:
      return 'Too many changes arrived too fast, so the connection closed. Reload to continue.'
    case CLOSE.badMessage.code:
      return 'The server could not read a message from this page. Reload to continue.'
    default:
      return `The server closed the connection (code ${code}). Reload to try again.`
  }
}
