import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const guard = fileURLToPath(new URL('./process-guard.ts', import.meta.url));

describe('installProcessGuard', () => {
  it('keeps the process alive through an unhandled rejection and an uncaught exception, and logs both', () => {
    const script = `
      const { installProcessGuard } = await import(${JSON.stringify(guard)});
      installProcessGuard((message) => console.error('GUARD ' + message));
      Promise.reject(new Error('nobody handles me'));
      setTimeout(() => { throw new Error('thrown in a timer'); }, 10);
      setTimeout(() => { console.log('still alive'); }, 100);
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stdout).toContain('still alive');
    expect(result.stderr).toContain('GUARD Unhandled promise rejection');
    expect(result.stderr).toContain('GUARD Uncaught exception');
    expect(result.status).toBe(0);
  });
});
