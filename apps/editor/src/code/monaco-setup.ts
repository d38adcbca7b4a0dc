import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/editor/browser/coreCommands.js';
import 'monaco-editor/editor/browser/widget/codeEditor/codeEditorWidget.js';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-editor/editor/contrib/comment/browser/comment.js';
import 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo.js';
import 'monaco-editor/editor/contrib/find/browser/findController.js';
import 'monaco-editor/editor/contrib/folding/browser/folding.js';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations.js';
// The suggest widget, for `{{ state.` completion (registered by form/state-completion.ts).
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-editor/languages/definitions/javascript/register.js';
import 'monaco-editor/languages/definitions/markdown/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { loader } from '@monaco-editor/react';
import {
  EXPRESSION_LANGUAGE,
  TEMPLATE_LANGUAGE,
  expressionLanguage,
  templateLanguage,
  themeRules,
} from './template-language.js';

/** Monaco from the bundle (never a CDN), with the template and expression languages. Loaded lazily. */
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
loader.config({ monaco });

monaco.languages.register({ id: TEMPLATE_LANGUAGE });
monaco.languages.setMonarchTokensProvider(TEMPLATE_LANGUAGE, templateLanguage);
monaco.languages.register({ id: EXPRESSION_LANGUAGE });
monaco.languages.setMonarchTokensProvider(EXPRESSION_LANGUAGE, expressionLanguage);
monaco.editor.defineTheme('flowcraft-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: themeRules.dark,
  colors: { 'editor.background': '#0b0d11' },
});
monaco.editor.defineTheme('flowcraft-light', {
  base: 'vs',
  inherit: true,
  rules: themeRules.light,
  colors: { 'editor.background': '#f4f5f8' },
});

export { monaco };
