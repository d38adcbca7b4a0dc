import type { Interface } from 'node:readline/promises';

/** Ask a person on the terminal to answer a human node; returns the resume value. */
export async function askHuman(
  i: { id: string; nodeId?: string; value: unknown },
  rl: Interface,
  out: (l: string) => void,
): Promise<unknown> {
  const v = i.value !== null && typeof i.value === 'object' ? Object.fromEntries(Object.entries(i.value)) : {};
  out(`\n⏸  ${String(v.message ?? 'Input needed')}`);
  if (v.value !== undefined) out(`   current value: ${JSON.stringify(v.value)}`);
  try {
    if (v.kind === 'approval') {
      const a = (await rl.question('   approve / reject / edit? ')).trim().toLowerCase();
      if (a.startsWith('e')) {
        const edited = await rl.question('   new value (JSON or text): ');
        return { action: 'edit', value: parseLoose(edited) };
      }
      return { action: a.startsWith('r') ? 'reject' : 'approve' };
    }
    if (v.kind === 'choice') {
      const options = Array.isArray(v.options)
        ? v.options.map((o) => (o !== null && typeof o === 'object' && 'id' in o ? String(o.id) : String(o)))
        : [];
      const a = (await rl.question(`   choose (${options.join(' / ')}): `)).trim();
      return { choice: a };
    }
    return { value: parseLoose(await rl.question('   answer: ')) };
  } finally {
    rl.close();
  }
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
