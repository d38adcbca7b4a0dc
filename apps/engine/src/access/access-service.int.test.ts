import { describe, expect, it } from 'vitest';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { AccessService } from './access-service.js';
import type { Principal } from './principal.js';
import { verifyPassword } from './password.js';

for (const kind of BACKENDS) {
  describe(`AccessService (${kind})`, () => {
    const database = useTestDatabase(kind);
    const unique = () => `${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

    it('password change: the old one stops working, other sessions end, this one stays', async () => {
      const access = new AccessService(createStore(database.db).access);
      const email = `pw-${unique()}@svc.test`;
      await access.createUser(email, 'first password', 'editor');
      const a = await access.login(email, 'first password');
      const b = await access.login(email, 'first password');
      if (!a || !b) throw new Error('login');
      const principal = await access.sessionPrincipal(a.token);
      if (!principal) throw new Error('session');
      await expect(access.changePassword(principal, 'wrong', 'second password')).rejects.toMatchObject({
        code: 'forbidden',
      });
      await access.changePassword(principal, 'first password', 'second password');
      expect(await access.login(email, 'first password')).toBeUndefined();
      expect(await access.login(email, 'second password')).toBeDefined();
      expect(await access.sessionPrincipal(a.token)).toBeDefined();
      expect(await access.sessionPrincipal(b.token)).toBeUndefined();
    });

    it('a key acts with the lower of its role and its owner’s; expired keys and demoted owners count at once', async () => {
      let now = new Date();
      const access = new AccessService(createStore(database.db).access, { now: () => now });
      const user = await access.createUser(`key-${unique()}@svc.test`, 'key owner password', 'editor');
      const owner: Principal = { kind: 'user', role: 'editor', user, sessionId: 's', csrfToken: 'c' };
      await expect(access.createApiKey(owner, { name: 'too high', role: 'admin' })).rejects.toMatchObject({
        code: 'forbidden',
      });
      const key = await access.createApiKey(owner, {
        name: 'ci',
        expiresAt: new Date(now.getTime() + 60_000).toISOString(),
      });
      expect(key.role).toBe('editor');
      expect((await access.apiKeyPrincipal(key.key))?.role).toBe('editor');
      await access.updateUser(user.id, { role: 'viewer' });
      expect((await access.apiKeyPrincipal(key.key))?.role).toBe('viewer');
      now = new Date(now.getTime() + 120_000);
      expect(await access.apiKeyPrincipal(key.key)).toBeUndefined();
    });

    it('stores only hashes: no password or key text in the rows', async () => {
      const store = createStore(database.db);
      const access = new AccessService(store.access);
      const user = await access.createUser(`hash-${unique()}@svc.test`, 'plain text password', 'runner');
      const row = await store.access.userById(user.id);
      expect(row?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row?.passwordHash).not.toContain('plain text password');
      expect(await verifyPassword('plain text password', row?.passwordHash ?? '')).toBe(true);
      const key = await access.createApiKey(
        { kind: 'user', role: 'runner', user, sessionId: 's', csrfToken: 'c' },
        { name: 'k' },
      );
      const keys = await store.access.listApiKeys(user.id);
      expect(JSON.stringify(keys)).not.toContain(key.key.slice(key.prefix.length + 1));
    });
  });
}
