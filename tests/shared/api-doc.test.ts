import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as api from '../../shared/schema/api';

/**
 * docs/api.md documents every route of the server's table (`ROUTES` in
 * server/http/router.ts), and no route the server does not have, each with
 * who may call it, and every field of the bodies in shared/schema/api.ts.
 * The table is read from the router's source, so the test needs no server:
 * each line's method, path (a `:name` parameter read as `<>`) and access level.
 */

const root = path.resolve(import.meta.dirname, '../..');
const ROUTER = fs.readFileSync(path.join(root, 'server/http/router.ts'), 'utf8');
const PAGE = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8');

/** Who may call a route, in the page's words, by the router's access level. */
const CALLERS: Record<string, string> = {
  public: 'anyone',
  board: "any of the board's tokens",
  facilitator: "the facilitator's token",
};

/** `GET /api/boards/<>` → its access level, for each line of the router's table. */
function routesInCode(source: string): Map<string, string> {
  const routes = new Map<string, string>();
  const line = /route\(\{\s*method:\s*'([A-Z]+)',\s*path:\s*'([^']+)',\s*access:\s*'([a-z]+)'/g;
  for (const [, method, routePath, access] of source.matchAll(line)) routes.set(`${method} ${routePath!.replace(/:[a-z]+/g, '<>')}`, access!);
  return new Map([...routes].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A route as the page writes it, `GET /api/boards/<id>/plan.<format>`, with each `<name>` as `<>`. */
const normalise = (route: string) => route.replace(/<[^>]*>/g, '<>');

/** The routes the page documents, each under a heading of its own. */
function routesWithSections(markdown: string): string[] {
  return [...markdown.matchAll(/^### `([A-Z]+ \/\S*)`$/gm)].map(([, route]) => normalise(route!)).sort();
}

/** The page's summary table: each route and who may call it. */
function routesInSummary(markdown: string): Map<string, string> {
  const section = markdown.split(/^## Routes$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  const rows = [...section.matchAll(/^\| `([A-Z]+ \/\S*)` \| ([^|]*) \|/gm)].map(([, route, callers]): [string, string] => [normalise(route!), callers!.trim()]);
  return new Map(rows.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The body schemas of shared/schema/api.ts, by name. */
const SCHEMAS = new Map<string, z.ZodObject>();
for (const [name, value] of Object.entries(api) as [string, unknown][]) {
  if (name.endsWith('Schema') && typeof value === 'object' && value !== null && 'shape' in value) SCHEMAS.set(name, value as z.ZodObject);
}

/** Each schema the page names, `(\`createBoardRequestSchema\`)`, with the text of its section from there on. */
function schemasNamed(markdown: string): { name: string; text: string }[] {
  const named: { name: string; text: string }[] = [];
  for (const section of markdown.split(/^#{2,3} /m)) {
    for (const match of section.matchAll(/\(`(\w+Schema)`[,;)]/g)) named.push({ name: match[1]!, text: section.slice(match.index) });
  }
  return named;
}

/** Why the page's account of a schema's fields is wrong: a key it never names, or a table row the schema lacks. */
function bodyProblems(name: string, text: string): string[] {
  const schema = SCHEMAS.get(name);
  if (!schema) return [`${name}: not a body schema of shared/schema/api.ts`];
  const keys = Object.keys(schema.shape);
  const problems = keys.filter((key) => !text.includes(`\`${key}\``) && !text.includes(`"${key}"`)).map((key) => `${name}.${key}: not on the page`);
  // The first table after the name, when it lists fields, lists exactly the schema's.
  const table = /^\| field \|[^\n]*\n\|[- |]+\|\n((?:\|[^\n]*\n?)*)/m.exec(text);
  if (table && !text.slice(0, table.index).includes('\n\n|')) {
    const rows = [...table[1]!.matchAll(/^\| `(\w+)` \|/gm)].map(([, field]) => field!);
    for (const row of rows) if (!keys.includes(row)) problems.push(`${name}.${row}: on the page but not in the schema`);
    for (const key of keys) if (!rows.includes(key)) problems.push(`${name}.${key}: not in the page's table`);
  }
  return problems;
}

describe('docs/api.md', () => {
  const inCode = routesInCode(ROUTER);

  it('reads the route table', () => {
    // A table written another way would read as no routes: this test must then learn to read it.
    expect(inCode.size).toBeGreaterThanOrEqual(10);
    expect(inCode.get('POST /api/boards')).toBe('public');
    expect(inCode.get('GET /api/boards/<>/plan.<>')).toBe('board');
    for (const access of inCode.values()) expect(Object.keys(CALLERS)).toContain(access);
  });

  it('has a section for every route the server has, and none it does not', () => {
    expect(routesWithSections(PAGE)).toEqual([...inCode.keys()]);
  });

  it('lists every route in its summary table, saying who may call it as the router decides', () => {
    const summary = routesInSummary(PAGE);
    expect([...summary.keys()]).toEqual([...inCode.keys()]);
    for (const [route, access] of inCode) {
      const callers = CALLERS[access]!;
      expect({ route, callers: summary.get(route)?.slice(0, callers.length) }).toEqual({ route, callers });
    }
  });

  it('names every body schema of shared/schema/api.ts, with every field', () => {
    const named = schemasNamed(PAGE);
    expect([...SCHEMAS.keys()].filter((name) => !named.some((entry) => entry.name === name))).toEqual([]);
    expect(named.flatMap(({ name, text }) => bodyProblems(name, text))).toEqual([]);
  });

  it('fails for a route the page does not document, or documents with the wrong callers', () => {
    const withRoute = `${ROUTER}\n  route({ method: 'PUT', path: '/api/boards/:board/title', access: 'facilitator', refusal: '', handler: rename }),`;
    expect(routesInCode(withRoute).get('PUT /api/boards/<>/title')).toBe('facilitator');
    expect(routesWithSections(PAGE)).not.toEqual([...routesInCode(withRoute).keys()]);
    const opened = ROUTER.replace(/(path: '\/api\/boards\/:board', access: )'facilitator'/, "$1'board'");
    expect(routesInCode(opened).get('DELETE /api/boards/<>')).toBe('board');
    expect(routesInSummary(PAGE).get('DELETE /api/boards/<>')?.startsWith(CALLERS.board!)).toBe(false);
  });
});
