import { describe, expect, it } from 'vitest';
import type { CatalogEntry, NodeCatalog } from '../catalog.js';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { linear, node, withCode } from './test-docs.js';

describe('node types and configs', () => {
  it('reports an unknown node type at its type field', () => {
    const result = validateWorkflow(linear(node('a', 'nope', {}, { label: 'Mystery' })), testCatalog);
    const [p, ...rest] = withCode(result, 'unknown_node_type');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 1, 'type'], nodeId: 'a' });
    expect(p?.message).toContain('"Mystery" (a)');
  });

  it('reports a type version newer than the catalog knows', () => {
    const result = validateWorkflow(linear(node('a', 'step', {}, { typeVersion: 3 })), testCatalog);
    expect(withCode(result, 'unsupported_type_version')).toEqual([
      expect.objectContaining({ path: ['nodes', 1, 'typeVersion'], nodeId: 'a' }),
    ]);
  });

  it('reports each config issue with its full path', () => {
    const result = validateWorkflow(linear(node('a', 'step', { writes: ['ok', 7], extra: true })), testCatalog);
    const paths = withCode(result, 'invalid_config').map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        ['nodes', 1, 'config', 'writes', 1],
        ['nodes', 1, 'config'],
      ]),
    );
    expect(withCode(result, 'invalid_config').every((p) => p.nodeId === 'a')).toBe(true);
  });

  it('returns migrated configs and the current type version', () => {
    const input = linear(node('a', 'step', { write: 'answer' }, { typeVersion: 1 }));
    input.state = { answer: { type: 'string' } };
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(true);
    const a = result.document?.nodes[1];
    expect(a).toMatchObject({ typeVersion: 2, config: { reads: [], writes: ['answer'] } });
  });

  it('reports a throwing checkConfig as invalid_config', () => {
    const result = validateWorkflow(linear(node('a', 'broken-check')), testCatalog);
    const [p] = withCode(result, 'invalid_config');
    expect(p).toMatchObject({ path: ['nodes', 1, 'config'], nodeId: 'a' });
    expect(p?.message).toContain('migration exploded');
  });

  it('reports a throwing ports() as catalog_error', () => {
    const result = validateWorkflow(linear(node('a', 'broken-ports')), testCatalog);
    const [p] = withCode(result, 'catalog_error');
    expect(p).toMatchObject({ path: ['nodes', 1], nodeId: 'a' });
    expect(p?.message).toContain('ports exploded');
  });

  it('survives a catalog whose get() throws or returns malformed entries', () => {
    const start = testCatalog.get('start');
    const end = testCatalog.get('end');
    const catalog: NodeCatalog = {
      get(type) {
        if (type === 'start') return start;
        if (type === 'end') return end;
        if (type === 'weird') return { type: 'weird', version: 0, control: 'sometimes' } as unknown as CatalogEntry;
        if (type === 'badcheck')
          return {
            ...start,
            role: undefined,
            type: 'badcheck',
            checkConfig: () => ({ ok: 'maybe' }),
          } as unknown as CatalogEntry;
        throw new Error('registry offline');
      },
    };
    const input = linear(node('a', 'step'));
    input.nodes.push(node('b', 'weird'), node('c', 'badcheck'));
    const result = validateWorkflow(input, catalog);
    expect(result.ok).toBe(false);
    const catalogErrors = withCode(result, 'catalog_error');
    expect(catalogErrors.map((p) => [p.nodeId, p.path])).toEqual([
      ['a', ['nodes', 1, 'type']],
      ['b', ['nodes', 3, 'type']],
      ['c', ['nodes', 4, 'config']],
    ]);
    expect(catalogErrors[0]?.message).toContain('registry offline');
    expect(catalogErrors[2]?.message).toContain('malformed');
  });
});
