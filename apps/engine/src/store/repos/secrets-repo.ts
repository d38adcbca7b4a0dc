import { asc, eq } from 'drizzle-orm';
import type { SecretRow, SecretRows } from '../../secrets/secret-store.js';
import type { Database } from '../db.js';
import { secrets } from '../schema/index.js';

/** The `secrets` table as the secret store's raw rows (ciphertext only; encryption happens above). */
export function createSecretsRepo(db: Database): SecretRows {
  return {
    async get(name: string): Promise<SecretRow | undefined> {
      const [row] = await db.select().from(secrets).where(eq(secrets.name, name));
      return row;
    },
    async put(row: SecretRow): Promise<void> {
      await db
        .insert(secrets)
        .values(row)
        .onConflictDoUpdate({
          target: secrets.name,
          set: { ciphertext: row.ciphertext, keyId: row.keyId, updatedAt: row.updatedAt },
        });
    },
    async list(): Promise<SecretRow[]> {
      return db.select().from(secrets).orderBy(asc(secrets.name));
    },
    async delete(name: string): Promise<boolean> {
      const deleted = await db.delete(secrets).where(eq(secrets.name, name)).returning({ name: secrets.name });
      return deleted.length > 0;
    },
  };
}
