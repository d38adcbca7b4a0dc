import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { stopOnSignals } from './shutdown-signals.js';

describe('stopOnSignals', () => {
  it('stops once on the first signal and exits 0; a second signal exits at once', async () => {
    let finish: () => void = () => undefined;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const exit = vi.fn();
    const remove = stopOnSignals(stop, { signals: ['SIGUSR2'], exit });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(stop).toHaveBeenCalledOnce();
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(exit).toHaveBeenCalledWith(130);
      finish();
      await vi.waitFor(() => expect(exit).toHaveBeenLastCalledWith(0));
      expect(stop).toHaveBeenCalledOnce();
    } finally {
      remove();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('exits 1 and reports when stopping fails', async () => {
    const exit = vi.fn();
    const onError = vi.fn();
    const remove = stopOnSignals(() => Promise.reject(new Error('db close failed')), {
      signals: ['SIGUSR2'],
      exit,
      onError,
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'db close failed' }));
    remove();
  });
});

describe('createLogger', () => {
  it('writes JSON lines at or above its level, errors and warnings to stderr', () => {
    const lines: [string, string][] = [];
    const logger = createLogger('warn', (line, stream) => lines.push([stream, line]));
    logger.debug('d');
    logger.info('i');
    logger.warn('w', { runId: 'r1' });
    logger.error('e', { error: new Error('boom') });
    expect(lines.map(([stream, line]) => [stream, JSON.parse(line)])).toEqual([
      ['stderr', { level: 'warn', time: expect.any(String), msg: 'w', runId: 'r1' }],
      ['stderr', { level: 'error', time: expect.any(String), msg: 'e', error: { name: 'Error', message: 'boom' } }],
    ]);
    const silent: string[] = [];
    createLogger('silent', (line) => silent.push(line)).error('x');
    expect(silent).toEqual([]);
  });
});
