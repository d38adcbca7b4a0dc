import { useState } from 'react';
import { ChannelReducer, ChannelType } from '@flowcraft/schema';
import type { Channel, WorkflowDocument } from '@flowcraft/schema';
import { documentStore, draftErrorsStore, useDocument, useDraftErrors } from '../stores/app-stores.js';
import { renameChannel } from '../model/auto-channels.js';

const DEFAULT_REDUCER: Record<ChannelType, ChannelReducer> = {
  string: 'replace',
  number: 'replace',
  boolean: 'replace',
  json: 'replace',
  list: 'append',
  messages: 'messages',
};

function setChannel(doc: WorkflowDocument, name: string, channel: Channel): WorkflowDocument {
  return { ...doc, state: { ...doc.state, [name]: channel } };
}

/** Rename a channel and every reference to it (a taken or empty name is refused). */
function rename(doc: WorkflowDocument, from: string, to: string): WorkflowDocument {
  if (from === to || !to || doc.state[to] || doc.nodes.some((n) => n.id === to)) return doc;
  return renameChannel(doc, from, to);
}

/** A typed default: JSON, or plain text for a string channel; anything else is refused with a reason. */
function parseDefault(text: string, type: ChannelType): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    if (type === 'string') return { ok: true, value: text };
    return { ok: false, message: err instanceof Error ? err.message : 'not JSON' };
  }
}

function removeChannel(doc: WorkflowDocument, name: string): WorkflowDocument {
  const { [name]: _removed, ...state } = doc.state;
  return { ...doc, state };
}

function defaultText(c: Channel): string {
  return c.default === undefined ? '' : JSON.stringify(c.default);
}

/** The workflow's state channels: name, type, reducer, default, description. */
export function ChannelEditor() {
  const state = useDocument((s) => s.doc.state);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const [newName, setNewName] = useState('');
  const drafts = useDraftErrors((s) => s.errors);
  const edit = documentStore.getState().edit;
  const add = () => {
    const name = newName.trim();
    if (!name || state[name]) return;
    edit((d) => setChannel(d, name, { type: 'string', reducer: 'replace' }));
    setNewName('');
  };
  return (
    <div className="channels" data-testid="channel-editor">
      {Object.entries(state).map(([name, c]) => (
        <div key={name} className="channel-row" data-testid={`channel-${name}`}>
          <div className="row">
            <input
              key={name}
              className="input grow mono"
              defaultValue={name}
              readOnly={readOnly}
              aria-label="Channel name"
              onBlur={(e) => edit((d) => rename(d, name, e.target.value.trim()))}
            />
            <select
              className="select narrow"
              value={c.type}
              disabled={readOnly}
              aria-label="Type"
              data-testid={`channel-type-${name}`}
              onChange={(e) => {
                const type = ChannelType.parse(e.target.value);
                edit((d) => setChannel(d, name, { ...c, type, reducer: DEFAULT_REDUCER[type] }));
              }}
            >
              {ChannelType.options.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <select
              className="select narrow"
              value={c.reducer}
              disabled={readOnly}
              aria-label="Reducer"
              onChange={(e) =>
                edit((d) => setChannel(d, name, { ...c, reducer: ChannelReducer.parse(e.target.value) }))
              }
            >
              {ChannelReducer.options.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
            {!readOnly && (
              <button
                type="button"
                className="btn ghost small icon danger"
                title="Remove channel"
                data-testid={`channel-remove-${name}`}
                onClick={() => {
                  draftErrorsStore.getState().set(`channel-default:${name}`, undefined);
                  edit((d) => removeChannel(d, name));
                }}
              >
                ✕
              </button>
            )}
          </div>
          <div className="row">
            <input
              key={defaultText(c)}
              placeholder="default (JSON)"
              defaultValue={defaultText(c)}
              readOnly={readOnly}
              aria-label="Default"
              className={`input mono grow${drafts.has(`channel-default:${name}`) ? ' invalid' : ''}`}
              data-testid={`channel-default-${name}`}
              onBlur={(e) => {
                const parsed = parseDefault(e.target.value.trim(), c.type);
                draftErrorsStore
                  .getState()
                  .set(`channel-default:${name}`, parsed.ok ? undefined : `Default of “${name}”: ${parsed.message}`);
                if (!parsed.ok) return;
                edit((d) => {
                  const { default: _d, ...rest } = c;
                  return setChannel(d, name, parsed.value === undefined ? rest : { ...rest, default: parsed.value });
                });
              }}
            />
            <input
              className="input grow"
              placeholder="description"
              value={c.description ?? ''}
              readOnly={readOnly}
              aria-label="Description"
              onChange={(e) =>
                edit((d) => setChannel(d, name, { ...c, description: e.target.value }), `channel-desc:${name}`)
              }
            />
          </div>
          {drafts.get(`channel-default:${name}`) && (
            <div className="problem-text" data-testid="field-problem">
              {drafts.get(`channel-default:${name}`)} — not saved until fixed
            </div>
          )}
        </div>
      ))}
      {Object.keys(state).length === 0 && (
        <div className="faint small">No channels yet. Nodes read and write named channels of the run state.</div>
      )}
      {!readOnly && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <input
            className="input grow mono"
            placeholder="new channel name"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            data-testid="new-channel-name"
          />
          <button className="btn small" type="submit" data-testid="add-channel">
            + Channel
          </button>
        </form>
      )}
    </div>
  );
}
