import { TestCaseBody } from './test-case.js';

export interface JsonlProblem {
  /** 1-based line number. */
  line: number;
  message: string;
}

/**
 * Test cases from JSONL text: one `TestCaseBody` JSON object per line; blank lines and lines
 * starting with `//` are skipped. Every bad line is reported (line number and why); none throws.
 */
export function parseTestCasesJsonl(text: string): { cases: TestCaseBody[]; problems: JsonlProblem[] } {
  const cases: TestCaseBody[] = [];
  const problems: JsonlProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ line: i + 1, message: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const parsed = TestCaseBody.safeParse(value);
    if (parsed.success) cases.push(parsed.data);
    else
      problems.push({
        line: i + 1,
        message: parsed.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.') || '(case)'}: ${issue.message}`)
          .join('; '),
      });
  });
  return { cases, problems };
}

/** JSONL text of cases (one compact JSON object per line, trailing newline). */
export function toTestCasesJsonl(cases: readonly TestCaseBody[]): string {
  return cases.map((c) => JSON.stringify(c)).join('\n') + (cases.length > 0 ? '\n' : '');
}
