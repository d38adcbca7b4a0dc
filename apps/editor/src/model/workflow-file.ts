import { WorkflowDocument } from '@flowcraft/schema';
import type { ParseError } from 'jsonc-parser';

/** Save a JSON value as a file download. */
export function downloadJson(filename: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Line and column (from 1) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Where JSON text first breaks (jsonc-parser, loaded only when `JSON.parse` has failed). */
export async function jsonErrorAt(text: string): Promise<{ line: number; column: number; reason: string }> {
  const { parse, printParseErrorCode } = await import('jsonc-parser');
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const at = lineColumn(text, first?.offset ?? text.length);
  return { ...at, reason: first ? printParseErrorCode(first.error) : 'invalid JSON' };
}

/** Parse JSON text; a syntax error says where (`line 3, column 7: InvalidSymbol`). */
export async function parseJsonText(text: string, source: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    const { line, column, reason } = await jsonErrorAt(text);
    throw new Error(`${source} is not valid JSON: line ${line}, column ${column}: ${reason}`);
  }
}

/** Problems that keep a value from being a workflow document, one line each (`nodes.0.id: …`). */
export function shapeProblems(value: unknown): string[] {
  const parsed = WorkflowDocument.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`);
}

/** Read a chosen file as a workflow document; refuses text that is not JSON or not a workflow. */
export async function readWorkflowFile(file: File): Promise<unknown> {
  const value = await parseJsonText(await file.text(), file.name);
  const problems = shapeProblems(value);
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new Error(`${file.name} is not a workflow: ${problems.slice(0, 3).join('; ')}${more}`);
  }
  return value;
}

export function fileNameFor(name: string): string {
  return `${
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'workflow'
  }.json`;
}
