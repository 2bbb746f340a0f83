/** Types of buildState.mjs (plain JS so `npm start` and the bin run it without tsx). */
export declare const ROOT: string
export declare const TARGETS: Record<'server' | 'cli' | 'client', { outputs: string[]; sources: string[] }>
export declare function staleReason(target: 'server' | 'cli' | 'client', root?: string): string | null
