import Editor from '@monaco-editor/react';
import './monaco-setup.js';
import { useUi } from '../stores/app-stores.js';
import type { CodeFieldProps } from './CodeField.js';

/** The Monaco editor for one field (this module and Monaco load on first use). */
export default function MonacoField({
  value,
  onChange,
  language,
  height,
  readOnly,
  plain,
  uncontrolled,
}: CodeFieldProps) {
  const theme = useUi((s) => s.theme);
  return (
    <Editor
      {...(uncontrolled ? { defaultValue: value } : { value })}
      language={language}
      height={height}
      theme={theme === 'dark' ? 'flowcraft-dark' : 'flowcraft-light'}
      onChange={(v) => onChange(v ?? '')}
      options={{
        readOnly,
        minimap: { enabled: false },
        lineNumbers: 'off',
        glyphMargin: false,
        folding: false,
        wordWrap: 'on',
        fontSize: 12,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        renderLineHighlight: 'none',
        overviewRulerLanes: 0,
        scrollbar: { verticalScrollbarSize: 8, horizontalScrollbarSize: 8, alwaysConsumeMouseWheel: false },
        padding: { top: 6, bottom: 6 },
        tabSize: 2,
        ...(plain
          ? {
              autoClosingBrackets: 'never',
              autoClosingQuotes: 'never',
              autoSurround: 'never',
              autoIndent: 'none',
              lineNumbers: 'on',
              folding: true,
            }
          : {}),
      }}
    />
  );
}
