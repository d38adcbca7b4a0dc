import { useCallback, useEffect, useMemo } from 'react';
import { registerStateCompletion, setCompletionChannels } from '../form/state-completion.js';
import { documentStore, useCatalog, useDocument, useProblems } from '../stores/app-stores.js';
import { setNodeConfig, setNodeLabel } from '../model/document-ops.js';
import { fieldKey, fieldProblems } from '../model/problem-index.js';
import { declareChannel } from '../model/auto-channels.js';
import {
  channelChoices,
  declareWrites,
  dropUnusedWrites,
  followChannelEdits,
  newListItem,
} from '../model/channel-options.js';
import type { FieldFix } from '../form/form-context.js';
import { SchemaForm } from '../form/SchemaForm.js';
import type { JsonSchema } from '../model/json-schema.js';
import { deleteSelection } from '../canvas/editor-commands.js';
import { McpToolAdder, mcpFieldRenderer } from './McpPickers.js';
import { ScriptedReplies } from './ScriptedReplies.js';
import { subworkflowFieldRenderer } from './SubworkflowPickers.js';
import './inspector-extras.css';

/** A `tools` list whose items may be `{ kind: 'mcp', … }` (the agent node). */
function acceptsMcpTools(schema: JsonSchema): boolean {
  const items = schema.properties?.tools?.items;
  const branches = [...(items?.oneOf ?? []), ...(items?.anyOf ?? [])];
  return branches.some(
    (b) => b.properties?.kind?.const === 'mcp' || b.properties?.kind?.enum?.includes('mcp') === true,
  );
}

export function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useDocument((s) => s.doc.nodes.find((n) => n.id === nodeId));
  const state = useDocument((s) => s.doc.state);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const catalog = useCatalog((s) => s.catalog);
  const index = useProblems((s) => s.index);
  const doc = useDocument((s) => s.doc);
  const channels = useMemo(() => Object.keys(state), [state]);
  const channelOptions = useMemo(
    () => (catalog ? channelChoices(doc, catalog, nodeId) : undefined),
    [doc, catalog, nodeId],
  );
  useEffect(() => {
    setCompletionChannels(channelOptions ?? []);
    void registerStateCompletion();
  }, [channelOptions]);
  const fixesAt = useCallback(
    (path: readonly (string | number)[]): FieldFix[] =>
      (index.unknownChannels.get(fieldKey(nodeId, path)) ?? []).map((name) => ({
        label: `Declare channel “${name}”`,
        testId: `fix-declare-${name}`,
        apply: () => documentStore.getState().edit((d) => declareChannel(d, name, 'string')),
      })),
    [index, nodeId],
  );
  const newItem = useCallback(
    (path: readonly (string | number)[], existing: readonly unknown[]) => {
      const s = documentStore.getState();
      const type = s.doc.nodes.find((n) => n.id === nodeId)?.type;
      return catalog && type ? newListItem(s.doc, catalog, type, path, existing) : undefined;
    },
    [catalog, nodeId],
  );
  const issuesAt = useCallback(
    (path: readonly (string | number)[]) => fieldProblems(index, nodeId, path),
    [index, nodeId],
  );
  const onChange = useCallback(
    (config: Record<string, unknown>, path: string) =>
      documentStore.getState().edit((d) => {
        const next = setNodeConfig(d, nodeId, config);
        if (!catalog) return next;
        // A list item just added (a start input) declares the channel it names; a renamed written
        // channel takes its declaration and references along.
        if (path.endsWith('.add')) return declareWrites(next, catalog, nodeId);
        if (path.endsWith('.remove')) return dropUnusedWrites(d, next, catalog, nodeId);
        return followChannelEdits(d, next, catalog, nodeId);
      }, `config:${nodeId}:${path}`),
    [nodeId, catalog],
  );
  const config = node?.config;
  const isSubworkflow = node?.type === 'subworkflow';
  const renderField = useMemo(
    () =>
      config ? (isSubworkflow ? subworkflowFieldRenderer(config, channels) : mcpFieldRenderer(config)) : undefined,
    [config, isSubworkflow, channels],
  );
  if (!node) return null;
  const desc = catalog?.describe(node.type);
  const schema = catalog?.schemaOf(node.type);
  const nodeProblems = (index.byNode.get(nodeId) ?? []).filter(
    (p) => !(p.path[0] === 'nodes' && p.path[2] === 'config' && p.path.length > 3),
  );
  return (
    <div className="inspector" data-testid="node-inspector" data-node-id={nodeId}>
      <div className="inspector-head" data-category={desc?.category ?? 'custom'}>
        <span className="palette-dot" />
        <div className="grow">
          <div className="inspector-type">{desc?.title ?? node.type}</div>
          <div className="faint small">
            id <code>{node.id}</code> · v{node.typeVersion}
          </div>
        </div>
        {!readOnly && (
          <button type="button" className="btn ghost small danger" onClick={deleteSelection} data-testid="delete-node">
            Delete
          </button>
        )}
      </div>
      {desc && <p className="muted small">{desc.description}</p>}
      <div className="field">
        <label className="field-label" htmlFor="node-label">
          Label
        </label>
        <input
          id="node-label"
          className="input"
          data-testid="node-label-input"
          value={node.label}
          readOnly={readOnly}
          onChange={(e) => {
            const label = e.target.value;
            documentStore.getState().edit((d) => setNodeLabel(d, nodeId, label), `label:${nodeId}`);
          }}
        />
      </div>
      {nodeProblems.length > 0 && (
        <ul className="problem-list compact" data-testid="node-problems">
          {nodeProblems.map((p, i) => (
            <li key={i} className="problem-text">
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {schema ? (
        <SchemaForm
          schema={schema}
          ui={desc?.ui}
          value={node.config}
          onChange={onChange}
          issuesAt={issuesAt}
          channels={channels}
          fixesAt={fixesAt}
          newItem={newItem}
          {...(channelOptions ? { channelOptions } : {})}
          readOnly={readOnly}
          testIdPrefix="field"
          {...(renderField ? { renderField } : {})}
        />
      ) : (
        <div className="problem-text">Unknown node type “{node.type}”: its settings cannot be edited here.</div>
      )}
      <ScriptedReplies nodeId={nodeId} />
      {schema && acceptsMcpTools(schema) && !readOnly && (
        <McpToolAdder
          existing={Array.isArray(node.config.tools) ? node.config.tools : []}
          onAdd={(spec) =>
            onChange(
              { ...node.config, tools: [...(Array.isArray(node.config.tools) ? node.config.tools : []), spec] },
              'tools.add',
            )
          }
        />
      )}
    </div>
  );
}
