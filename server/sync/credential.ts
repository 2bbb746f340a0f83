/**
 * How a connection authenticated, kept for its lifetime so that revoking that one credential
 * closes exactly its sockets. Only the hash is kept, as it is stored: a token's, or a browser
 * session's (the cookie carries a session id, never the token).
 */
export type Credential = { kind: 'token'; hash: string } | { kind: 'session'; hash: string }
