import { configFromEnv } from './config';
import { startServer } from './app';

/**
 * `npm start`: reads the environment, starts the server, and on SIGTERM or
 * SIGINT stores every open board and tells clients to reconnect shortly.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  const server = await startServer(config);
  // Never the database URL itself: it may carry a password.
  console.warn(`Retain is running at ${server.url} (data in ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.dataDir})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Retain could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
