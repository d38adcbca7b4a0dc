import { describe, expect, it } from 'vitest';
import { validateWorkflow } from './validate.js';
import { WorkflowDocument } from './workflow.js';
import { testCatalog } from './validate/test-catalog.js';
import { linear } from './validate/test-docs.js';

describe('sticky notes and groups', () => {
  it('are stored with defaults and change nothing the validator reports', () => {
    const plain = WorkflowDocument.parse(linear());
    const annotated = WorkflowDocument.parse({
      ...linear(),
      notes: [{ id: 'note-1', text: '**Why** this step', position: { x: 10, y: -80 } }],
      groups: [
        { id: 'group-1', label: 'Work', position: { x: 0, y: 0 }, size: { width: 400, height: 200 }, nodes: ['a'] },
      ],
    });
    expect(annotated.notes).toEqual([
      {
        id: 'note-1',
        text: '**Why** this step',
        position: { x: 10, y: -80 },
        size: { width: 240, height: 140 },
        color: 'yellow',
      },
    ]);
    expect(annotated.groups?.[0]?.nodes).toEqual(['a']);
    expect(validateWorkflow(annotated, testCatalog).problems).toEqual(validateWorkflow(plain, testCatalog).problems);
  });

  it('are optional, so older documents round-trip unchanged', () => {
    expect(Object.keys(WorkflowDocument.parse(linear()))).not.toContain('notes');
  });

  it('refuse unknown keys and impossible sizes', () => {
    const bad = WorkflowDocument.safeParse({
      ...linear(),
      notes: [{ id: 'n', position: { x: 0, y: 0 }, size: { width: 0, height: 10 }, pinned: true }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['notes.0.size.width', 'notes.0', 'notes.0.size.height']),
    );
  });
});
