import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../http/app.js';
import { call, createFakeDeps } from '../http/testing/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { SharedRateLimits } from './rate-limits.js';

for (const kind of BACKENDS) {
  describe(`shared rate limits on the database (${kind})`, () => {
    const database = useTestDatabase(kind);

    it('two processes share one counter: 429 problem with Retry-After, then recovery after the window', async () => {
      const settings = { writesPerMinute: 3, runsPerMinute: 100, loginsPer15Minutes: 100 };
      // Two engines (two API processes) over the same database.
      const engine = () =>
        createHttpApp(createFakeDeps(), {
          rateLimits: new SharedRateLimits(database.db, settings, { write: 2 }),
          apiKey: 'shared-key-of-16-chars',
        });
      const apps = [engine(), engine()] as const;
      const headers = { Authorization: 'Bearer shared-key-of-16-chars' };
      const validate = (i: number) =>
        call(apps[i % 2 === 0 ? 0 : 1], 'POST', '/v1/workflows', { headers, json: { document: { nodes: [] } } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await validate(i)).status);
      expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
      const refused = await validate(4);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      // Reads are not limited.
      expect((await call(apps[0], 'GET', '/v1/workflows', { headers })).status).toBe(200);
      await new Promise((r) => setTimeout(r, Number(refused.headers.get('Retry-After')) * 1000 + 200));
      expect((await validate(5)).status).not.toBe(429);
    });
  });
}
