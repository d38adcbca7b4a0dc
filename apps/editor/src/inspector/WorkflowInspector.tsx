import { useMemo, useState } from 'react';
import { z } from 'zod';
import { ModelScript, WorkflowSettings } from '@flowcraft/schema';
import { documentStore, draftErrorsStore, useDocument, useDraftErrors } from '../stores/app-stores.js';
import { readSchema } from '../model/json-schema.js';
import { SchemaForm } from '../form/SchemaForm.js';
import { JsonField } from '../form/JsonField.js';
import { ChannelEditor } from './ChannelEditor.js';
import { WorkflowNameField } from './WorkflowNameField.js';
import { ShareSection } from './ShareSection.js';

const settingsSchema = readSchema(z.toJSONSchema(WorkflowSettings, { io: 'input', unrepresentable: 'any' }));
const settingsUi = {
  defaultModel: { widget: 'model' as const, label: 'Default model', order: 0 },
  recursionLimit: { label: 'Recursion limit', help: 'Most supersteps a run may take.', order: 1 },
  timeoutMs: { label: 'Node timeout (ms)', help: '0 disables it. A node may set its own.', order: 2 },
  retry: { label: 'Retry defaults', order: 3 },
  models: { label: 'Model routing (tiers, fallbacks, prices)', advanced: true, order: 4 },
};

function zodMessage(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? `${i.path.join('.') || 'value'}: ${i.message}` : 'invalid';
}

/** Workflow name, description, state channels, settings and the scripted model's replies. */
export function WorkflowInspector() {
  const description = useDocument((s) => s.doc.description);
  const settings = useDocument((s) => s.doc.settings);
  const script = useDocument((s) => s.doc.script);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const edit = documentStore.getState().edit;
  const settingsValue = useMemo(() => ({ ...settings }), [settings]);
  const [scriptOpen, setScriptOpen] = useState(false);
  const settingsError = useDraftErrors((s) => s.errors.get('settings'));
  const scriptError = useDraftErrors((s) => s.errors.get('script'));
  return (
    <div className="inspector" data-testid="workflow-inspector">
      <h3>Workflow</h3>
      <WorkflowNameField />
      <div className="field">
        <label className="field-label" htmlFor="wf-desc">
          Description
        </label>
        <textarea
          id="wf-desc"
          className="textarea prose"
          value={description}
          readOnly={readOnly}
          onChange={(e) => edit((d) => ({ ...d, description: e.target.value }), 'wf-desc')}
        />
      </div>
      <ShareSection />
      <section className="inspector-section">
        <h3>State channels</h3>
        <ChannelEditor />
      </section>
      <section className="inspector-section" data-testid="workflow-settings">
        <h3>Settings</h3>
        {settingsError && (
          <div className="problem-text" data-testid="field-problem">
            {settingsError} — not saved until fixed
          </div>
        )}
        <SchemaForm
          schema={settingsSchema}
          ui={settingsUi}
          value={settingsValue}
          readOnly={readOnly}
          testIdPrefix="settings"
          onChange={(v, path) => {
            const parsed = WorkflowSettings.safeParse(v);
            draftErrorsStore
              .getState()
              .set('settings', parsed.success ? undefined : `Settings: ${zodMessage(parsed.error)}`);
            if (parsed.success) edit((d) => ({ ...d, settings: parsed.data }), `settings:${path}`);
          }}
        />
      </section>
      <details className="inspector-section advanced" onToggle={(e) => setScriptOpen(e.currentTarget.open)}>
        <summary>Scripted model replies (offline runs)</summary>
        {scriptOpen && (
          <JsonField
            testId="workflow-script"
            label="Scripted model replies"
            value={script}
            readOnly={readOnly}
            invalid={false}
            onChange={(v) => {
              if (v === undefined) {
                edit((d) => {
                  const { script: _s, ...rest } = d;
                  return rest;
                }, 'script');
                return;
              }
              const parsed = ModelScript.safeParse(v);
              draftErrorsStore
                .getState()
                .set('script', parsed.success ? undefined : `Scripted replies: ${zodMessage(parsed.error)}`);
              if (parsed.success) edit((d) => ({ ...d, script: parsed.data }), 'script');
            }}
          />
        )}
        {scriptError && (
          <div className="problem-text" data-testid="field-problem">
            {scriptError} — not saved until fixed
          </div>
        )}
      </details>
    </div>
  );
}
