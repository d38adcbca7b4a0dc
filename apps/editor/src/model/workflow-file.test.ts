import { describe, expect, it } from 'vitest';
import { copyName, nameProblem } from './copy-name.js';
import { jsonErrorAt, parseJsonText, shapeProblems } from './workflow-file.js';

describe('import checks', () => {
  it('says on which line and column JSON breaks', async () => {
    const text = '{\n  "id": "w",\n  "name": oops\n}';
    await expect(parseJsonText(text, 'flow.json')).rejects.toThrow(
      /^flow\.json is not valid JSON: line 3, column 11: InvalidSymbol/,
    );
    expect(await jsonErrorAt('{"a":')).toMatchObject({ line: 1, column: 6 });
    expect(await jsonErrorAt('{\n "a": 1,\n}')).toMatchObject({ line: 3, column: 1 });
    expect(await parseJsonText('{"a": [1]}', 'x')).toEqual({ a: [1] });
  });

  it('lists why a JSON value is not a workflow, and nothing for one that is', () => {
    expect(shapeProblems({ hello: 'world' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^id: /), expect.stringMatching(/^name: /)]),
    );
    expect(shapeProblems({ id: 'w', name: '', nodes: [] })).toEqual([expect.stringMatching(/^name: /)]);
    expect(shapeProblems({ id: 'w', name: 'W', nodes: [] })).toEqual([]);
  });
});

describe('names', () => {
  it('numbers copies so they stay distinct', () => {
    expect(copyName('Triage', [])).toBe('Triage (copy)');
    expect(copyName('Triage', ['Triage (copy)'])).toBe('Triage (copy 2)');
    expect(copyName('Triage (copy)', ['Triage (copy)', 'Triage (copy 2)'])).toBe('Triage (copy 3)');
  });

  it('refuses empty and overlong names', () => {
    expect(nameProblem('  ')).toBe('A workflow needs a name.');
    expect(nameProblem('x'.repeat(201))).toMatch(/200/);
    expect(nameProblem('Triage')).toBeUndefined();
  });
});
