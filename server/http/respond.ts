import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ApiErrorNeed } from '../../shared/schema/api';

/**
 * A request the API refuses, with the status and the message the client
 * shows, headers to send with it (`Retry-After` on a 429), and what the
 * client must supply to succeed, when that is something it can ask a person for.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly headers: Readonly<Record<string, string>>;
  readonly needs: ApiErrorNeed | null;
  /** The board the refusal is about, when the caller can go there instead (a check-in already started: docs/api.md, "Check-ins"). */
  readonly boardId: string | null;
  constructor(
    readonly status: number,
    message: string,
    options: { headers?: Record<string, string>; needs?: ApiErrorNeed; boardId?: string } = {},
  ) {
    super(message);
    this.headers = options.headers ?? {};
    this.needs = options.needs ?? null;
    this.boardId = options.boardId ?? null;
  }
}

/** Sends a JSON body; the API never answers with anything else. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
  });
  res.end(payload);
}

/**
 * Sends a body after checking it against the schema the client parses it
 * with, so a server bug shows up here as a 500, not as a confused client.
 */
export function sendValidatedJson<T extends z.ZodType>(res: ServerResponse, status: number, schema: T, body: z.input<T>): void {
  sendJson(res, status, schema.parse(body));
}

/**
 * Reads and validates a JSON body. Refuses anything that is not JSON, is
 * larger than the limit (without reading it all), or does not match the schema.
 */
export async function readJson<T extends z.ZodType>(
  req: IncomingMessage,
  schema: T,
  maxBytes: number,
): Promise<z.infer<T>> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) throw new HttpError(415, 'Send the body as application/json.');
  const body = await readBody(req, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  return parsed.data;
}

/** Reads a request's body, refusing it (413) as soon as it passes the limit, without reading the rest. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `The body is larger than ${maxBytes} bytes.`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
