import pino, { type Logger } from 'pino';
import type { ServerConfig } from './config';

/**
 * Structured logs. Boards hold what staff said about their employer, so log
 * lines carry ids and counts, never note text, names or secrets; the redact
 * list is a second line of defence should a field slip in.
 */
export function createLogger(level: ServerConfig['logLevel']): Logger {
  return pino({
    level,
    redact: {
      paths: ['token', 'participantKey', 'text', 'title', 'displayName', 'req.headers.authorization', '*.token', '*.text'],
      censor: '[redacted]',
    },
  });
}
