import { INTERRUPT, isInterrupted } from '@langchain/langgraph';
import type { BaseChannel } from '@langchain/langgraph';

/**
 * How a sub-workflow call enters its child graph, inside the calling node's task (the child's
 * checkpoints nest under the task's namespace; a resume finds them), with the per-call work of an
 * ordinary `invoke` cut to what a nested call needs (`compile.ts` `childEntry` puts these together):
 *
 * - The input goes straight into the child's channels, together with the edges from its start node
 *   (`branch:to:<node>`, taken): no `__start__` task and no checkpoint of its own before the first
 *   node — one task and one checkpoint fewer per call. It is still LangGraph's plain input, so a
 *   resumed call ignores it. Not used for a retried call (the earlier attempt's checkpoint is loaded:
 *   the `__start__` path handles it as it always did), nor when a first node waits for others (a
 *   deferred node becomes runnable only when the `__start__` task finishes). Values are streamed after
 *   a step's writes, so a child none of whose steps writes a channel streams none: its result is then
 *   the state its input makes of a fresh one (`stateAfterInput`), what `__start__` would have streamed.
 * - The graph's own stream loop (`_streamIterator`, what `invoke` ends in) is iterated rather than
 *   `invoke`, which wraps it in two web streams, an abort controller and an async-context hop per chunk.
 */

/** How a calling node runs its child: its durability and the breakpoints addressed to the child's nodes. */
export interface ChildRunOptions {
  durability?: 'exit';
  interruptBefore?: string[] | '*';
  interruptAfter?: string[] | '*';
}

/** The trigger channels of the first nodes, written with the input as the start node would. */
export function takenEdges(firstNodes: readonly string[]): string[] {
  return firstNodes.map((node) => `branch:to:${node}`);
}

/**
 * A view of a compiled graph whose input is written to `inputChannels`. The graph itself stays as
 * compiled: it is the node's declared subgraph, whose state, history and edits (`updateState` treats
 * `__start__` as its input node) are read through it.
 */
export function withInputChannels<G extends object>(graph: G, inputChannels: readonly string[]): G {
  const view: G = Object.create(graph, { inputChannels: { value: [...inputChannels] } });
  return view;
}

/** The call's input with the first nodes' edges taken. */
export function directInput(input: Record<string, unknown>, taken: readonly string[]): Record<string, unknown> {
  const chunk: Record<string, unknown> = { ...input };
  for (const channel of taken) chunk[channel] = null;
  return chunk;
}

/** What `invoke` returns from a `values` stream: the last values, with any interrupts joined to them. */
export async function lastValues(stream: AsyncIterable<unknown>): Promise<unknown> {
  let latest: unknown;
  const interrupts: unknown[] = [];
  for await (const values of stream) {
    if (isInterrupted(values)) interrupts.push(...values[INTERRUPT]);
    else latest = values;
  }
  if (interrupts.length === 0) return latest;
  return { ...(latest !== null && typeof latest === 'object' ? latest : {}), [INTERRUPT]: interrupts };
}

/**
 * The values of `keys` after `input` is written to fresh channels (`specs`: the graph's), as LangGraph
 * applies an input: each channel created empty (its default), updated with the input's value.
 */
export function stateAfterInput(
  specs: Readonly<Record<string, BaseChannel>>,
  keys: readonly string[],
  input: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const channel = specs[key]?.fromCheckpoint();
    if (channel === undefined) continue;
    if (key in input) channel.update([input[key]]);
    if (channel.isAvailable()) values[key] = channel.get();
  }
  return values;
}
