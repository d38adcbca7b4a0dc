import type { Size } from './flow-elements.js';

/** Measured size of each node on the canvas (for React Flow and auto-layout). */
export const sizes = new Map<string, Size>();
