import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import type { ServerConfig } from '../../server/config';

describe('who may create boards, and how many', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  async function start(overrides: Partial<ServerConfig>): Promise<TestServer> {
    server = await startTestServer(overrides);
    return server;
  }

  function create(body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server!.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ title: 'Retention workshop', ...body }),
    });
  }

  it('lets one address create BOARD_CREATIONS_PER_HOUR boards, then answers 429 with Retry-After', async () => {
    await start({ boardCreationsPerHour: 3 });
    for (let n = 0; n < 3; n++) expect((await create()).status).toBe(201);
    const refused = await create();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect((await refused.json()).error).toMatch(/Too many workshops have been created from here/);
  });

  it('asks for the creation secret when one is set, from the header or the body, and refuses a wrong one', async () => {
    const secret = 'a-long-creation-secret-for-tests';
    await start({ creationSecret: secret });
    const missing = await create();
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ error: expect.stringMatching(/needs its creation secret/), needs: 'creation-secret' });
    const wrong = await create({ creationSecret: `${secret}-not` });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ needs: 'creation-secret' });
    expect((await create({}, { 'X-Retain-Creation-Secret': secret })).status).toBe(201);
    expect((await create({ creationSecret: secret })).status).toBe(201);
  });

  it('lets only CREATION_ALLOWED_ADDRESSES create boards: exact addresses and CIDR ranges, IPv4 and IPv6', async () => {
    await start({ trustProxy: true, creationAllowedAddresses: ['10.20.0.0/16', '192.0.2.7', '2001:db8:aa::/48'] });
    const from = (address: string) => create({}, { 'X-Forwarded-For': address }).then((res) => res.status);
    expect(await from('10.20.3.4')).toBe(201);
    expect(await from('192.0.2.7')).toBe(201);
    expect(await from('2001:db8:aa:1::9')).toBe(201);
    expect(await from('10.21.0.1')).toBe(403);
    expect(await from('192.0.2.8')).toBe(403);
    expect(await from('2001:db8:ab::1')).toBe(403);
    // Without the proxy setting the peer (127.0.0.1) is what counts, whatever the header says.
    await server!.stop();
    await start({ creationAllowedAddresses: ['10.20.0.0/16'] });
    expect(await from('10.20.3.4')).toBe(403);
  });

  it('refuses to start with an entry of CREATION_ALLOWED_ADDRESSES that is not an address or a range', async () => {
    await expect(startTestServer({ creationAllowedAddresses: ['10.20.0.0/33'] })).rejects.toThrow(/CREATION_ALLOWED_ADDRESSES/);
    await expect(startTestServer({ creationAllowedAddresses: ['intranet.example'] })).rejects.toThrow(/CREATION_ALLOWED_ADDRESSES/);
  });

  it('holds at most MAX_BOARDS boards: one more answers 507 and says what to do', async () => {
    await start({ maxBoards: 2 });
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    const full = await create();
    expect(full.status).toBe(507);
    expect((await full.json()).error).toMatch(/Delete workshops you no longer need/);
  });
});
