import { describe, expect, it } from 'vitest';
import { freeDatasetName } from './free-dataset-name.js';

describe('freeDatasetName', () => {
  it('takes the default name while no dataset of the workflow has it', () => {
    expect(freeDatasetName([])).toBe('Regression tests');
    expect(freeDatasetName([{ name: 'Smoke' }])).toBe('Regression tests');
  });

  it('numbers it past names taken in any case or spacing', () => {
    expect(freeDatasetName([{ name: ' regression TESTS ' }])).toBe('Regression tests (2)');
    expect(freeDatasetName([{ name: 'Regression tests' }, { name: 'regression tests (2)' }])).toBe(
      'Regression tests (3)',
    );
  });
});
