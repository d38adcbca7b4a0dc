import { and, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db.js';
import { apiKeys, auditLog, sessions, users } from '../schema/index.js';

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

export interface AuditQuery {
  action?: string;
  userId?: string;
  apiKeyId?: string;
  from?: Date;
  to?: Date;
  /** Entries with an id below this one (paging, newest first). */
  beforeId?: number;
  limit: number;
}

/** Users, sessions, API keys and the audit log (rows only; hashing and rules live in `access/`). */
export function createAccessRepo(db: Database) {
  return {
    async countUsers(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
      return row?.n ?? 0;
    },
    async insertUser(row: typeof users.$inferInsert): Promise<UserRow> {
      const [created] = await db.insert(users).values(row).returning();
      if (!created) throw new Error('insert returned no row');
      return created;
    },
    /** Inserts the user only while the table is empty (the one-time setup); `undefined` when a user exists. */
    async insertFirstUser(row: typeof users.$inferInsert): Promise<UserRow | undefined> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`lock table ${users} in exclusive mode`);
        const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
        if ((count?.n ?? 0) > 0) return undefined;
        const [created] = await tx.insert(users).values(row).returning();
        return created;
      });
    },
    async userById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row;
    },
    async userByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.email, email));
      return row;
    },
    async listUsers(): Promise<UserRow[]> {
      return db.select().from(users).orderBy(users.email);
    },
    async updateUser(
      id: string,
      set: Partial<Pick<UserRow, 'role' | 'passwordHash' | 'lastLoginAt'>>,
    ): Promise<UserRow | undefined> {
      const [row] = await db
        .update(users)
        .set({ ...set, ...('lastLoginAt' in set && Object.keys(set).length === 1 ? {} : { updatedAt: new Date() }) })
        .where(eq(users.id, id))
        .returning();
      return row;
    },
    async countAdmins(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.role, 'admin'));
      return row?.n ?? 0;
    },
    async deleteUser(id: string): Promise<boolean> {
      const rows = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
      return rows.length > 0;
    },

    async insertSession(row: typeof sessions.$inferInsert): Promise<void> {
      await db.insert(sessions).values(row);
    },
    /** The live session and its user. */
    async sessionUser(id: string, now: Date): Promise<UserRow | undefined> {
      const [row] = await db
        .select({ user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, id), gte(sessions.expiresAt, now)));
      return row?.user;
    },
    async deleteSession(id: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.id, id));
    },
    /** Signs a user out everywhere except (optionally) one session. */
    async deleteSessionsOf(userId: string, except?: string): Promise<void> {
      await db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), except === undefined ? undefined : sql`${sessions.id} <> ${except}`));
    },
    async deleteExpiredSessions(now: Date): Promise<void> {
      await db.delete(sessions).where(lt(sessions.expiresAt, now));
    },

    async insertApiKey(row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
      const [created] = await db.insert(apiKeys).values(row).returning();
      if (!created) throw new Error('insert returned no row');
      return created;
    },
    /** A usable key (not revoked) with its owner; expiry is checked by the caller. */
    async apiKeyByHash(hash: string): Promise<{ key: ApiKeyRow; user: UserRow } | undefined> {
      const [row] = await db
        .select({ key: apiKeys, user: users })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
      return row;
    },
    async touchApiKey(id: string, at: Date): Promise<void> {
      await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
    },
    async listApiKeys(userId?: string): Promise<ApiKeyRow[]> {
      return db
        .select()
        .from(apiKeys)
        .where(userId === undefined ? undefined : eq(apiKeys.userId, userId))
        .orderBy(desc(apiKeys.createdAt));
    },
    async apiKeyById(id: string): Promise<ApiKeyRow | undefined> {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
      return row;
    },
    async revokeApiKey(id: string, at: Date): Promise<ApiKeyRow | undefined> {
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: at })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning();
      return row;
    },

    async insertAudit(row: NewAuditRow): Promise<void> {
      await db.insert(auditLog).values(row);
    },
    async queryAudit(q: AuditQuery): Promise<AuditRow[]> {
      const where: SQL[] = [];
      if (q.action !== undefined) where.push(eq(auditLog.action, q.action));
      if (q.userId !== undefined) where.push(eq(auditLog.userId, q.userId));
      if (q.apiKeyId !== undefined) where.push(eq(auditLog.apiKeyId, q.apiKeyId));
      if (q.from !== undefined) where.push(gte(auditLog.at, q.from));
      if (q.to !== undefined) where.push(lt(auditLog.at, q.to));
      if (q.beforeId !== undefined) where.push(lt(auditLog.id, q.beforeId));
      return db
        .select()
        .from(auditLog)
        .where(where.length > 0 ? and(...where) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(q.limit);
    },
  };
}

export type AccessRepo = ReturnType<typeof createAccessRepo>;
