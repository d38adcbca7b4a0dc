import { EXPRESSION_LANGUAGE, TEMPLATE_LANGUAGE } from '../code/template-language.js';
import type { ChannelOption } from './form-context.js';

/**
 * `{{ state.` completion in template and expression fields: the channels of the node being edited
 * (upstream writers first, with type and writer), registered once with Monaco when its chunk has loaded.
 */
let channels: readonly ChannelOption[] = [];
let registered: Promise<void> | undefined;

export function setCompletionChannels(next: readonly ChannelOption[]): void {
  channels = next;
}

/** Completion items for the text of a line up to the cursor (pure; `state.` then a partial name). */
export function stateCompletions(
  before: string,
  options: readonly ChannelOption[],
): { name: string; detail: string; sort: string }[] | undefined {
  const m = /\bstate\.([A-Za-z0-9_]*)$/.exec(before);
  if (!m) return undefined;
  const typed = (m[1] ?? '').toLowerCase();
  return options
    .filter((c) => c.name.toLowerCase().startsWith(typed))
    .map((c, i) => ({
      name: c.name,
      detail: `${c.type}${c.writtenBy ? ` · ${c.upstream ? 'from' : 'written by'} ${c.writtenBy}` : ''}`,
      sort: String(i).padStart(4, '0'),
    }));
}

export function registerStateCompletion(): Promise<void> {
  registered ??= import('../code/monaco-setup.js').then(({ monaco }) => {
    for (const language of [TEMPLATE_LANGUAGE, EXPRESSION_LANGUAGE]) {
      monaco.languages.registerCompletionItemProvider(language, {
        triggerCharacters: ['.'],
        provideCompletionItems(model, position) {
          const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
          const items = stateCompletions(before, channels);
          if (!items) return { suggestions: [] };
          const word = model.getWordUntilPosition(position);
          const range = {
            startLineNumber: position.lineNumber,
            endLineNumber: position.lineNumber,
            startColumn: word.startColumn,
            endColumn: word.endColumn,
          };
          return {
            suggestions: items.map((c) => ({
              label: c.name,
              kind: monaco.languages.CompletionItemKind.Variable,
              detail: c.detail,
              insertText: c.name,
              sortText: c.sort,
              range,
            })),
          };
        },
      });
    }
  });
  return registered;
}
