import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDoc } from '@flowcraft/engine/testing';
import type { TestRun } from '@flowcraft/engine/testing';
import { cli } from '@flowcraft/engine';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { ScriptedCall } from '@flowcraft/node-types/models';
import { WorkflowDocument, validateWorkflow } from '@flowcraft/schema';
import type { ScriptedReply } from '@flowcraft/schema';

const EXAMPLES = [
  'router-intent',
  'parallel-fan-out',
  'map-reduce',
  'reflection',
  'supervisor',
  'hierarchical',
  'swarm-handoff',
] as const;
type Example = (typeof EXAMPLES)[number];

const fileOf = (name: Example): string => fileURLToPath(new URL(`./${name}.json`, import.meta.url));

/** Load an example (parsed by the document schema, so a malformed file fails here). */
function load(name: Example): WorkflowDocument {
  return WorkflowDocument.parse(JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')));
}

function outputOf(run: TestRun): Record<string, unknown> {
  if (run.outcome.status !== 'completed')
    throw new Error(`expected a completed run, got ${JSON.stringify(run.outcome)}`);
  return run.outcome.output;
}

function tokensOf(run: TestRun): { input: number; output: number } {
  return run.outcome.tokens;
}

/** The scripted model's full call records (the harness has typed `calls` as just `{ nodeId }[]`). */
function scriptedCalls(run: TestRun): ScriptedCall[] {
  return run.calls as ScriptedCall[];
}

/** Scripted model calls per canvas node. */
function callsPerNode(run: TestRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of run.calls) counts[c.nodeId] = (counts[c.nodeId] ?? 0) + 1;
  return counts;
}

function startedCount(run: TestRun, nodeId: string): number {
  return run.events.filter((e) => e.type === 'node.started' && e.nodeId === nodeId).length;
}

/** The state update of every `node.finished` event of one node, in order. */
function updatesOf(run: TestRun, nodeId: string): Record<string, unknown>[] {
  return run.events.flatMap((e) =>
    e.type === 'node.finished' && e.nodeId === nodeId ? [e.update as Record<string, unknown>] : [],
  );
}

/** Sum of the `usage` of every reply in the script's per-node lists (for runs that consume each once). */
function scriptedUsage(doc: WorkflowDocument): { input: number; output: number } {
  const replies: ScriptedReply[] = Object.values(doc.script?.nodes ?? {}).flat();
  return replies.reduce(
    (t, r) => ({ input: t.input + (r.usage?.input ?? 0), output: t.output + (r.usage?.output ?? 0) }),
    { input: 0, output: 0 },
  );
}

function withScript(doc: WorkflowDocument, edit: (nodes: Record<string, ScriptedReply[]>) => void): WorkflowDocument {
  const copy = structuredClone(doc);
  const nodes = copy.script?.nodes;
  if (!nodes) throw new Error('example has no per-node script');
  edit(nodes);
  return copy;
}

describe('router-intent', () => {
  const doc = load('router-intent');

  it('sends a writing request to the content writer', async () => {
    const run = await runDoc(doc, { request: 'Please draft a blog post about our new dark mode.' });
    expect(run.path).toEqual(['start', 'classify', 'write', 'end']);
    const out = outputOf(run);
    expect(out.intent).toEqual({
      route: 'content',
      confidence: 0.92,
      reason: 'Asks for a blog post.',
      taken: ['content'],
    });
    expect(String(out.answer)).toMatch(/^Lights down, focus up: dark mode is here\./);
    expect(callsPerNode(run)).toEqual({ classify: 1, write: 1 });
    expect(tokensOf(run)).toEqual({ input: 120 + 64, output: 18 + 52 });
  });

  it('sends a programming request to the coding assistant', async () => {
    const run = await runDoc(doc, {
      request: 'There is a bug in my total() function: it returns NaN for the last item.',
    });
    expect(run.path).toEqual(['start', 'classify', 'code', 'end']);
    const out = outputOf(run);
    expect(out.intent).toMatchObject({ route: 'code', confidence: 0.88, taken: ['code'] });
    expect(String(out.answer)).toContain('off-by-one');
    expect(callsPerNode(run)).toEqual({ classify: 1, code: 1 });
  });

  it('matches "function" as code too', async () => {
    const run = await runDoc(doc, { request: 'How do I write a debounce function in TypeScript?' });
    expect(run.path).toEqual(['start', 'classify', 'code', 'end']);
    expect(outputOf(run).intent).toMatchObject({ route: 'code', reason: 'Asks about a function.' });
  });

  it('asks a clarifying question when the classifier is below the threshold', async () => {
    const run = await runDoc(doc, { request: 'Can you help me with the thing for Monday?' });
    expect(run.path).toEqual(['start', 'classify', 'clarify', 'end']);
    const out = outputOf(run);
    // The model's guess is kept, but the branch taken is the fallback.
    expect(out.intent).toEqual({
      route: 'content',
      confidence: 0.3,
      reason: 'Too vague to tell what kind of help is wanted.',
      taken: ['fallback'],
    });
    expect(String(out.answer)).toMatch(/\?/);
    expect(callsPerNode(run)).toEqual({ classify: 1, clarify: 1 });
    expect(run.path).not.toContain('write');
    expect(run.path).not.toContain('code');
  });

  it('runs the content branch with no input (channel default)', async () => {
    const run = await runDoc(doc);
    expect(run.path).toEqual(['start', 'classify', 'write', 'end']);
  });
});

describe('parallel-fan-out', () => {
  const doc = load('parallel-fan-out');

  it('runs the three analysts in parallel and merges once after all of them', async () => {
    const run = await runDoc(doc);
    expect(run.path.slice(0, 2)).toEqual(['start', 'fan_out']);
    expect([...run.path.slice(2, 5)].sort()).toEqual(['market', 'risk', 'technical']);
    expect(run.path.slice(5)).toEqual(['merge', 'end']);
    expect(startedCount(run, 'merge')).toBe(1);
    // All three analysts start before any of them finishes: they share one superstep.
    const steps = run.events.flatMap((e) =>
      e.type === 'node.started' && ['market', 'technical', 'risk'].includes(e.nodeId) ? [e.step] : [],
    );
    expect(new Set(steps).size).toBe(1);

    const out = outputOf(run);
    const analyses = out.analyses as { area: string; stance: string; summary: string }[];
    expect(analyses).toHaveLength(3);
    expect(analyses.map((a) => `${a.area}:${a.stance}`).sort()).toEqual([
      'market:go',
      'risk:caution',
      'technical:caution',
    ]);
    expect(String(out.recommendation)).toContain('Decision: go, conditional on');
    expect(callsPerNode(run)).toEqual({ market: 1, technical: 1, risk: 1, merge: 1 });
    expect(tokensOf(run)).toEqual({ input: 95 + 97 + 96 + 210, output: 40 + 38 + 39 + 55 });
    expect(tokensOf(run)).toEqual(scriptedUsage(doc));
  });

  it('gives the merge step every analysis (its prompt, echoed by an unscripted model)', async () => {
    const echo = withScript(doc, (nodes) => {
      delete nodes.merge;
    });
    const out = outputOf(await runDoc(echo));
    const prompt = String(out.recommendation);
    expect(prompt).toContain('- market (go): Germany is the largest EU market');
    expect(prompt).toContain('- technical (caution): German localisation');
    expect(prompt).toContain('- risk (caution): Hosting customer data in the US');
  });

  it('is rejected when the analysts would overwrite a replace channel', () => {
    const broken = structuredClone(doc);
    const analyses = broken.state.analyses;
    if (!analyses) throw new Error('no analyses channel');
    broken.state.analyses = { ...analyses, type: 'json', reducer: 'replace' };
    const result = validateWorkflow(broken, createBuiltinRegistry());
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toContain('concurrent_write');
  });
});

describe('map-reduce', () => {
  const doc = load('map-reduce');
  const subtopics = [
    'Malcom McLean and the Ideal-X',
    'ISO container standards',
    'Port automation and labour',
    'Global supply chains',
  ];

  it('plans, summarises each subtopic once, then reduces once', async () => {
    const run = await runDoc(doc);
    expect(run.path).toEqual([
      'start',
      'planner',
      'map',
      'summarize',
      'summarize',
      'summarize',
      'summarize',
      'reduce',
      'end',
    ]);
    expect(startedCount(run, 'summarize')).toBe(4);
    expect(startedCount(run, 'reduce')).toBe(1);
    expect(callsPerNode(run)).toEqual({ planner: 1, summarize: 4, reduce: 1 });
    // Every summariser call was answered by the rule for its own subtopic.
    expect(
      scriptedCalls(run)
        .filter((c) => c.nodeId === 'summarize')
        .map((c) => c.source),
    ).toEqual(['rule', 'rule', 'rule', 'rule']);

    const out = outputOf(run);
    expect(out.plan).toEqual({ subtopics });
    const summaries = out.summaries as string[];
    // One summary per item, each about its own item, in the order of the plan.
    expect(summaries.map((s) => s.slice(0, s.indexOf(':')))).toEqual(subtopics);
    expect(String(out.briefing)).toContain('Ideal-X');
    const ruleUsage = (doc.script?.rules ?? []).reduce(
      (t, r) => ({ input: t.input + (r.reply.usage?.input ?? 0), output: t.output + (r.reply.usage?.output ?? 0) }),
      { input: 0, output: 0 },
    );
    const nodeUsage = scriptedUsage(doc);
    expect(tokensOf(run)).toEqual({
      input: nodeUsage.input + ruleUsage.input,
      output: nodeUsage.output + ruleUsage.output,
    });
    expect(tokensOf(run)).toEqual({ input: 495, output: 256 });
  });

  it('hands the reducer all the summaries (its prompt, echoed by an unscripted model)', async () => {
    const echo = withScript(doc, (nodes) => {
      delete nodes.reduce;
    });
    const prompt = String(outputOf(await runDoc(echo)).briefing);
    expect(prompt).toContain('4 section summaries:');
    for (const s of subtopics) expect(prompt).toContain(`${s}: `);
  });

  it('still reduces (over nothing) when the plan is empty', async () => {
    const empty = withScript(doc, (nodes) => {
      nodes.planner = [{ structured: { subtopics: [] } }];
    });
    const run = await runDoc(empty);
    expect(run.path).toEqual(['start', 'planner', 'map', 'reduce', 'end']);
    expect(outputOf(run).summaries).toEqual([]);
  });
});

describe('reflection', () => {
  const doc = load('reflection');

  it('revises once after the critic rejects, then stops when it accepts', async () => {
    const run = await runDoc(doc);
    expect(run.path).toEqual(['start', 'write', 'write', 'stats', 'end']);
    expect(startedCount(run, 'write')).toBe(2);
    // writer + critic per round
    expect(callsPerNode(run)).toEqual({ write: 4 });
    const out = outputOf(run);
    const rounds = out.rounds as { round: number; draft: string; accepted: boolean; feedback: string }[];
    expect(rounds.map((r) => [r.round, r.accepted])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(rounds[0]?.feedback).toContain('over the 60-word limit');
    expect(rounds[0]?.draft).toMatch(/^Meet the Lumen Trail/);
    expect(out.copy).toBe(rounds[1]?.draft);
    expect(String(out.copy)).toContain('IPX6');
    expect(String(out.copy).split(/\s+/).length).toBeLessThanOrEqual(60);
    expect(out.revisions).toBe(2);
    expect(tokensOf(run)).toEqual(scriptedUsage(doc));
  });

  it('stops at maxRounds (3) with the last draft when the critic never accepts', async () => {
    const picky = withScript(doc, (nodes) => {
      nodes.write = [1, 2, 3].flatMap((n): ScriptedReply[] => [
        { content: `draft ${n}` },
        { structured: { accepted: false, feedback: `still not right (${n})` } },
      ]);
    });
    const run = await runDoc(picky);
    expect(run.path).toEqual(['start', 'write', 'write', 'write', 'stats', 'end']);
    expect(callsPerNode(run)).toEqual({ write: 6 });
    expect(outputOf(run)).toMatchObject({ copy: 'draft 3', revisions: 3 });
  });
});

describe('supervisor', () => {
  const doc = load('supervisor');

  it('delegates to the researcher, then the writer, then finishes', async () => {
    const run = await runDoc(doc);
    expect(run.path).toEqual([
      'start',
      'supervisor',
      'researcher',
      'researcher',
      'supervisor',
      'writer',
      'supervisor',
      'end',
    ]);
    expect(startedCount(run, 'supervisor')).toBe(3);
    // The researcher's agent loop: one step to call the calculator, one to answer.
    expect(startedCount(run, 'researcher')).toBe(2);
    expect(callsPerNode(run)).toEqual({ supervisor: 3, researcher: 2, writer: 1 });
    expect(
      scriptedCalls(run)
        .filter((c) => c.nodeId === 'researcher')
        .every((c) => c.tools.includes('calculator')),
    ).toBe(true);

    const decisions = updatesOf(run, 'supervisor').map((u) => (u.decision as { taken: string[] }).taken);
    expect(decisions).toEqual([['researcher'], ['writer'], ['finish']]);

    // The calculator really ran: its result is in the researcher's working log.
    const log = updatesOf(run, 'researcher').flatMap((u) =>
      Array.isArray(u.research_log) ? (u.research_log as { type: string; content: unknown }[]) : [],
    );
    expect(log.map((m) => m.type)).toEqual(['human', 'ai', 'tool', 'ai']);
    expect(Number(log[2]?.content)).toBeCloseTo(252288, 6);

    const out = outputOf(run);
    expect(String(out.research)).toContain('$252,288');
    expect(String(out.memo)).toMatch(/^Subject: Yearly cost/);
    expect(out.decision).toMatchObject({ route: 'finish', taken: ['finish'] });
    expect(tokensOf(run)).toEqual(scriptedUsage(doc));
  });

  it('stops instead of guessing when the supervisor is unsure', async () => {
    const unsure = withScript(doc, (nodes) => {
      nodes.supervisor = [
        { structured: { route: 'writer', confidence: 0.2, reason: 'Not sure what is being asked.' } },
      ];
    });
    const run = await runDoc(unsure);
    expect(run.path).toEqual(['start', 'supervisor', 'end']);
    expect(outputOf(run).decision).toMatchObject({ taken: ['fallback'] });
    expect(callsPerNode(run)).toEqual({ supervisor: 1 });
  });
});

describe('hierarchical', () => {
  const doc = load('hierarchical');

  it('runs the research team, then the writing team, each looping over its workers', async () => {
    const run = await runDoc(doc);
    expect(run.path).toEqual([
      'start',
      'director',
      'research_lead',
      'searcher',
      'research_lead',
      'analyst',
      'research_lead',
      'director',
      'writing_lead',
      'drafter',
      'writing_lead',
      'editor',
      'writing_lead',
      'director',
      'end',
    ]);
    expect(startedCount(run, 'director')).toBe(3);
    expect(startedCount(run, 'research_lead')).toBe(3);
    expect(startedCount(run, 'writing_lead')).toBe(3);
    expect(callsPerNode(run)).toEqual({
      director: 3,
      research_lead: 3,
      searcher: 1,
      analyst: 1,
      writing_lead: 3,
      drafter: 1,
      editor: 1,
    });
    const out = outputOf(run);
    expect(Object.keys(out).sort()).toEqual(['analysis', 'briefing']);
    expect(String(out.analysis)).toContain('Recommendation: go AI-first');
    expect(String(out.briefing)).toMatch(/^Recommendation: move support chat to AI-first/);
    expect(tokensOf(run)).toEqual(scriptedUsage(doc));
  });
});

describe('swarm-handoff', () => {
  const doc = load('swarm-handoff');

  it('hands the customer from triage to billing to tech, then resolves', async () => {
    const run = await runDoc(doc);
    expect(run.path).toEqual(['start', 'triage', 'handoff', 'billing', 'handoff', 'tech', 'handoff', 'end']);
    expect(startedCount(run, 'handoff')).toBe(3);
    // The hand-off router uses rules: no model calls.
    expect(callsPerNode(run)).toEqual({ triage: 1, billing: 1, tech: 1 });
    const handoffs = ['triage', 'billing', 'tech'].map(
      (id) => (updatesOf(run, id)[0]?.turn as { handoff: string } | undefined)?.handoff,
    );
    expect(handoffs).toEqual(['billing', 'tech', 'none']);

    const out = outputOf(run);
    expect(out.turn).toMatchObject({ handoff: 'none' });
    expect(String((out.turn as { reply: string }).reply)).toContain('fixed in 4.2.1');
    const conversation = out.conversation as { type: string; content: string }[];
    expect(conversation.map((m) => m.type)).toEqual(['human', 'ai', 'human', 'ai', 'human', 'ai']);
    expect(conversation[2]?.content).toContain('passing you to our billing team');
    expect(conversation[3]?.content).toContain('refund R-20931');
    // Each agent saw the whole conversation so far (system + history + its prompt).
    expect(scriptedCalls(run).map((c) => [c.nodeId, c.messages])).toEqual([
      ['triage', 2],
      ['billing', 4],
      ['tech', 6],
    ]);
    expect(tokensOf(run)).toEqual(scriptedUsage(doc));
  });

  it('escalates to a human when an agent hands off to someone unknown', async () => {
    const lost = withScript(doc, (nodes) => {
      nodes.triage = [{ structured: { reply: 'Let me get sales for you.', handoff: 'sales' } }];
    });
    const run = await runDoc(lost);
    expect(run.path).toEqual(['start', 'triage', 'handoff', 'escalate', 'end']);
    expect(outputOf(run).turn).toMatchObject({ handoff: 'human', unknownHandoff: 'sales' });
  });
});

describe('CLI', () => {
  beforeEach(() => {
    // Keep the CLI on the scripted model even if the shell points examples at a real one.
    vi.stubEnv('FLOWCRAFT_MODEL_OVERRIDE', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(EXAMPLES)('validates and runs %s with no input', async (name) => {
    const lines: string[] = [];
    const errors: string[] = [];
    const out = (l: string) => {
      lines.push(l);
    };
    const err = (l: string) => {
      errors.push(l);
    };
    expect(await cli(['validate', fileOf(name)], out, err)).toBe(0);
    expect(errors).toEqual([]);
    expect(lines.join('\n')).toContain('valid (');

    lines.length = 0;
    expect(await cli(['run', fileOf(name), '--quiet'], out, err)).toBe(0);
    expect(errors).toEqual([]);
    expect(lines.join('\n')).toContain('Completed');
  });
});
