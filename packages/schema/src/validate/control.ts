import type { ControlKind } from '../catalog.js';
import type { NodeInfo } from './types.js';

/** The node's control for its checked config (`controlFor`), falling back to the type's `control`; never throws. */
export function controlOf(info: NodeInfo | undefined): ControlKind | undefined {
  const entry = info?.entry;
  if (!entry) return undefined;
  if (entry.controlFor && info.config) {
    try {
      const c = entry.controlFor(info.config);
      if (c === 'all' || c === 'choice' || c === 'map') return c;
    } catch {
      // a throwing plugin falls back to its declared control
    }
  }
  return entry.control;
}
