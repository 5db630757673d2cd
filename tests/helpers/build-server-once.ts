import { buildServer } from '../../scripts/build-server.mjs';

/**
 * Global set-up of the server test project: compiles the server to
 * dist/server/ before any test starts the real process (see
 * server-process.ts), so those tests run the code as it is now, the way
 * `npm start` runs it. Takes well under a second.
 */
export default async function setup(): Promise<void> {
  await buildServer();
}
