import { connect } from 'node:net';

/** Whether the PostgreSQL server at 127.0.0.1:5432 accepts connections (benchmarks skip it when not). */
export function serverReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: 5432 });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}
