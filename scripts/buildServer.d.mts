/** Types of buildServer.mjs (plain JS so the build runs without tsx). */
export declare const ENTRIES: Map<string, string>
export declare function buildServer(): Promise<void>
