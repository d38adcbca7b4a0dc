import { randomUUID } from 'node:crypto';
import { FlowError, type RetrievedChunk } from '@flowcraft/schema';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import type { KnowledgeRetriever, MemoryAccess } from '../sdk/services.js';
import { ToolName } from './tool-spec.js';

/** Whose memories: a template over state (e.g. `{{ state.userId }}`); empty → shared by every run of the workflow. */
const scopeField = z.string().default('{{ state.userId }}');

/** Agent tool: store a fact in long-term memory (namespace: workflow + scope). */
export const RememberToolSpec = z.object({
  kind: z.literal('remember'),
  name: ToolName.default('remember'),
  description: z.string().optional(),
  scope: scopeField,
  /** Minutes a memory lives; absent → forever. */
  ttlMinutes: z.number().positive().optional(),
});

/** Agent tool: search long-term memory of the same namespace. */
export const RecallToolSpec = z.object({
  kind: z.literal('recall'),
  name: ToolName.default('recall'),
  description: z.string().optional(),
  scope: scopeField,
  limit: z.number().int().min(1).max(50).default(5),
});

/** Agent tool: search a knowledge base; the model gets chunks with citations. */
export const RetrieveToolSpec = z.object({
  kind: z.literal('retrieve'),
  name: ToolName.default('search_knowledge'),
  description: z.string().optional(),
  knowledgeBase: z.string().min(1),
  topK: z.number().int().min(1).max(50).default(4),
  threshold: z.number().min(-1).max(1).optional(),
  filter: z.record(z.string(), z.unknown()).optional(),
});

export type RememberToolSpec = z.infer<typeof RememberToolSpec>;
export type RecallToolSpec = z.infer<typeof RecallToolSpec>;
export type RetrieveToolSpec = z.infer<typeof RetrieveToolSpec>;
export type StateBoundToolSpec = RememberToolSpec | RecallToolSpec | RetrieveToolSpec;

const SHARED_SCOPE = '_shared';

/** A namespace label from any text: `.` (the separator), `:` (refused by LangGraph stores) and `%` are percent-encoded; empty → `_shared`. */
export function namespaceLabel(text: string): string {
  const t = text.trim();
  return t === '' ? SHARED_SCOPE : t.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/:/g, '%3A');
}

/** The namespace of a workflow's memories for one scope (e.g. one user): `['workflow', <id>, <scope>]`. */
export function memoryNamespace(memory: MemoryAccess, scope: string): string[] {
  return [...memory.workflowNamespace, namespaceLabel(scope)];
}

export function requireMemory(memory: MemoryAccess | undefined, nodeId: string): MemoryAccess {
  if (memory === undefined)
    throw new FlowError('tool_error', 'This engine has no long-term memory store wired', { nodeId });
  return memory;
}

export function requireKnowledge(knowledge: KnowledgeRetriever | undefined, nodeId: string): KnowledgeRetriever {
  if (knowledge === undefined)
    throw new FlowError('tool_error', 'This engine has no knowledge bases wired', { nodeId });
  return knowledge;
}

/** Chunks as a model reads them: numbered, each with its citation. */
export function chunksAsText(chunks: readonly RetrievedChunk[]): string {
  if (chunks.length === 0) return 'No matching passages.';
  return chunks.map((c, i) => `[${i + 1}] (${c.citation}) ${c.content}`).join('\n\n');
}

export interface StateBoundToolDeps {
  memory?: MemoryAccess;
  knowledge?: KnowledgeRetriever;
  nodeId: string;
  /** The rendered `scope` of each remember/recall spec, by index in `specs`. */
  scopes: Map<number, string>;
  signal?: AbortSignal;
}

/**
 * Tools whose target depends on the run: remember / recall (namespace from the state's scope) and
 * retrieve (a knowledge base). Built per agent iteration; cheap.
 */
export function stateBoundTool(
  spec: StateBoundToolSpec,
  index: number,
  deps: StateBoundToolDeps,
): StructuredToolInterface {
  switch (spec.kind) {
    case 'remember': {
      const memory = requireMemory(deps.memory, deps.nodeId);
      const ns = memoryNamespace(memory, deps.scopes.get(index) ?? '');
      return tool(
        async ({ memory: text, key }: { memory: string; key?: string }) => {
          const k = key?.trim() || randomUUID();
          if (spec.ttlMinutes !== undefined && memory.putWithTtl)
            await memory.putWithTtl(ns, k, { value: text }, spec.ttlMinutes);
          else await memory.store.put(ns, k, { value: text });
          return `Remembered (${k}).`;
        },
        {
          name: spec.name,
          description:
            spec.description ??
            'Store a fact about the user or the task in long-term memory, for later conversations. Use a short stable key (e.g. "favourite_drink") to replace an earlier fact.',
          schema: z.object({
            memory: z.string().min(1).describe('The fact to remember, as one sentence.'),
            key: z
              .string()
              .max(200)
              .optional()
              .describe('Optional stable key; the same key replaces the earlier fact.'),
          }),
        },
      );
    }
    case 'recall': {
      const memory = requireMemory(deps.memory, deps.nodeId);
      const ns = memoryNamespace(memory, deps.scopes.get(index) ?? '');
      return tool(
        async ({ query }: { query: string }) => {
          const items = await memory.store.search(ns, { query, limit: spec.limit });
          if (items.length === 0) return 'Nothing remembered yet.';
          return items.map((i) => `- ${i.key}: ${memoryText(i.value)}`).join('\n');
        },
        {
          name: spec.name,
          description: spec.description ?? 'Search long-term memory for facts stored in earlier conversations.',
          schema: z.object({ query: z.string().describe('What to look for.') }),
        },
      );
    }
    case 'retrieve': {
      const knowledge = requireKnowledge(deps.knowledge, deps.nodeId);
      return tool(
        async ({ query }: { query: string }) => {
          const chunks = await knowledge.retrieve(
            {
              knowledgeBase: spec.knowledgeBase,
              query,
              topK: spec.topK,
              ...(spec.threshold === undefined ? {} : { threshold: spec.threshold }),
              ...(spec.filter ? { filter: spec.filter } : {}),
            },
            deps.signal,
          );
          return chunksAsText(chunks);
        },
        {
          name: spec.name,
          description:
            spec.description ??
            `Search the knowledge base "${spec.knowledgeBase}". Returns numbered passages with their citations; cite them in the answer.`,
          schema: z.object({ query: z.string().describe('What to look for, in plain words.') }),
        },
      );
    }
  }
}

/** The text of a stored memory value (`{ value }` as the memory node and tools write it). */
export function memoryText(value: Record<string, unknown>): string {
  const v = value.value;
  return typeof v === 'string' ? v : JSON.stringify(v ?? value);
}

export function isStateBoundToolSpec(spec: { kind: string }): spec is StateBoundToolSpec {
  return spec.kind === 'remember' || spec.kind === 'recall' || spec.kind === 'retrieve';
}
