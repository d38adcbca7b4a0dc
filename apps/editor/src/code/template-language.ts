import type { languages } from 'monaco-editor/editor/editor.api';

/** JSONata inside `{{ }}` (and on its own for expression fields). */
const expressionRules: languages.IMonarchLanguageRule[] = [
  [/"([^"\\]|\\.)*"/, 'string'],
  [/'([^'\\]|\\.)*'/, 'string'],
  [/\d+(\.\d+)?/, 'number'],
  [/\$[A-Za-z_]\w*/, 'predefined'],
  [/\b(and|or|in|true|false|null|function)\b/, 'keyword'],
  [/\bstate\b/, 'variable'],
  [/[A-Za-z_]\w*/, 'identifier'],
  [/[=<>!+\-*/&%?:.,[\]()~^|]/, 'operator'],
  [/\s+/, 'white'],
];

/** Text with `{{ JSONata }}` placeholders (prompts, templates). */
export const templateLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: {
    root: [
      [/\{\{/, { token: 'delimiter.template', next: '@expr' }],
      [/[^{]+/, ''],
      [/\{/, ''],
    ],
    expr: [[/\}\}/, { token: 'delimiter.template', next: '@pop' }], ...expressionRules],
  },
};

/** A bare JSONata expression (conditions, list expressions). */
export const expressionLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: { root: expressionRules },
};

export const TEMPLATE_LANGUAGE = 'flowcraft-template';
export const EXPRESSION_LANGUAGE = 'flowcraft-expression';

export const themeRules = {
  dark: [
    { token: 'delimiter.template', foreground: 'f0b35a', fontStyle: 'bold' },
    { token: 'variable', foreground: '7cc4ff' },
    { token: 'predefined', foreground: 'c792ea' },
    { token: 'identifier', foreground: '9cdcfe' },
  ],
  light: [
    { token: 'delimiter.template', foreground: 'b45309', fontStyle: 'bold' },
    { token: 'variable', foreground: '0b62b8' },
    { token: 'predefined', foreground: '7c3aed' },
    { token: 'identifier', foreground: '1f4f8a' },
  ],
};
