/** The compiled server's entry point, dist/server/index.js, as an absolute path. */
export const SERVER_BUNDLE: string;
/** Compiles server/ (and the shared/ code it uses) to plain JavaScript in dist/server/. */
export function buildServer(): Promise<void>;
