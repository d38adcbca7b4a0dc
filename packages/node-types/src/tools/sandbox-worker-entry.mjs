// Entry of the sandbox worker thread. Under `tsx` the thread inherits its loader and imports the
// TypeScript module directly; elsewhere (e.g. under vitest) it registers tsx first. The retry uses
// another URL because the loader caches the failed import.
try {
  await import('./sandbox-worker.ts');
} catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./sandbox-worker.ts?with-tsx');
}
