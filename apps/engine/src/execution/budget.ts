import { FlowError, type BudgetSettings } from '@flowcraft/schema';

/** What was already spent, from storage (earlier executions of a run, other runs of a workflow today). */
export interface UsageLedger {
  /** The run active on `threadId` and what its earlier executions used (before a resume or restart). */
  runUsage(threadId: string): Promise<{ runId?: string; tokens: number; costUsd: number }>;
  /** Cost of `workflowId`'s model calls since 00:00 UTC today, without `excludeRunId`'s. */
  workflowCostToday(workflowId: string, excludeRunId?: string): Promise<number>;
}

function usd(n: number): string {
  return `$${n < 0.01 ? n.toPrecision(2) : n.toFixed(2)}`;
}

/**
 * A run's spending against `settings.budget`. Every model call's usage is added as it ends; before
 * each call `check` throws `budget_exceeded` (naming the node) once a limit is reached. Calls of
 * unpriced models count towards `maxTokens` only.
 */
export class RunBudget {
  private tokens = 0;
  private costUsd = 0;
  private prior: Promise<{ runId?: string; tokens: number; costUsd: number }> | undefined;

  constructor(
    private readonly settings: BudgetSettings | undefined,
    private readonly opts: { workflowId?: string; ledger?: UsageLedger } = {},
  ) {}

  get limited(): boolean {
    const s = this.settings;
    return (
      s !== undefined && (s.maxCostUsd !== undefined || s.maxTokens !== undefined || s.maxCostUsdPerDay !== undefined)
    );
  }

  add(tokens: number, costUsd: number | undefined): void {
    this.tokens += tokens;
    this.costUsd += costUsd ?? 0;
  }

  /** Spent by this run so far (earlier executions included once `check` has loaded them). */
  async spent(threadId: string): Promise<{ runId?: string; tokens: number; costUsd: number }> {
    const ledger = this.opts.ledger;
    this.prior ??= ledger ? ledger.runUsage(threadId) : Promise.resolve({ tokens: 0, costUsd: 0 });
    const prior = await this.prior;
    return {
      ...(prior.runId !== undefined ? { runId: prior.runId } : {}),
      tokens: prior.tokens + this.tokens,
      costUsd: prior.costUsd + this.costUsd,
    };
  }

  async check(threadId: string, nodeId: string | undefined): Promise<void> {
    const s = this.settings;
    if (s === undefined || !this.limited) return;
    const spent = await this.spent(threadId);
    const at = nodeId ? ` at node "${nodeId}"` : '';
    const fail = (limit: keyof BudgetSettings, value: number, used: number, text: string): never => {
      throw new FlowError('budget_exceeded', `Budget exceeded${at}: ${text}. The model call was not made.`, {
        nodeId,
        details: { limit, max: value, spent: used, runTokens: spent.tokens, runCostUsd: spent.costUsd },
      });
    };
    if (s.maxTokens !== undefined && spent.tokens >= s.maxTokens) {
      fail(
        'maxTokens',
        s.maxTokens,
        spent.tokens,
        `this run has used ${spent.tokens} tokens of its limit of ${s.maxTokens} (settings.budget.maxTokens)`,
      );
    }
    if (s.maxCostUsd !== undefined && spent.costUsd >= s.maxCostUsd) {
      fail(
        'maxCostUsd',
        s.maxCostUsd,
        spent.costUsd,
        `this run has spent ${usd(spent.costUsd)} of its limit of ${usd(s.maxCostUsd)} (settings.budget.maxCostUsd)`,
      );
    }
    if (s.maxCostUsdPerDay !== undefined && this.opts.workflowId !== undefined) {
      const others = this.opts.ledger ? await this.opts.ledger.workflowCostToday(this.opts.workflowId, spent.runId) : 0;
      const today = others + spent.costUsd;
      if (today >= s.maxCostUsdPerDay) {
        fail(
          'maxCostUsdPerDay',
          s.maxCostUsdPerDay,
          today,
          `workflow "${this.opts.workflowId}" has spent ${usd(today)} today (UTC) of its daily limit of ${usd(s.maxCostUsdPerDay)} (settings.budget.maxCostUsdPerDay)`,
        );
      }
    }
  }
}
