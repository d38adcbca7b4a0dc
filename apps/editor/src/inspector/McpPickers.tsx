import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { integrationsStore, useIntegrations } from '../stores/app-stores.js';
import type { McpTool } from '../api/integrations-api.js';
import { isRecord } from '../model/json-schema.js';
import type { FieldRender } from '../form/form-context.js';

const NO_SERVERS = 'No MCP servers are configured in the engine (MCP_SERVERS or MCP_CONFIG_FILE).';

function useServers() {
  const servers = useIntegrations((s) => s.mcpServers);
  useEffect(() => {
    void integrationsStore.getState().loadMcpServers();
  }, []);
  return servers;
}

function useTools(server: string) {
  const tools = useIntegrations((s) => (server ? s.mcpTools[server] : undefined));
  useEffect(() => {
    if (server) void integrationsStore.getState().loadMcpTools(server);
  }, [server]);
  return tools;
}

interface PickProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  invalid: boolean;
}

/** The MCP servers the engine has; free text when it has none (or could not say). */
export function McpServerSelect({ id, value, onChange, readOnly, invalid }: PickProps) {
  const servers = useServers();
  const cls = invalid ? ' invalid' : '';
  if (servers.status !== 'ready' || servers.value.length === 0) {
    return (
      <>
        <input
          id={id}
          data-testid={id}
          className={`input${cls}`}
          value={value}
          readOnly={readOnly}
          placeholder="server name"
          onChange={(e) => onChange(e.target.value)}
        />
        <div className="field-help" data-testid={`${id}-note`}>
          {servers.status === 'ready'
            ? NO_SERVERS
            : servers.status === 'error'
              ? `Could not list MCP servers: ${servers.message}`
              : 'Loading MCP servers…'}
        </div>
      </>
    );
  }
  const known = servers.value.some((s) => s.name === value);
  const current = servers.value.find((s) => s.name === value);
  return (
    <>
      <select
        id={id}
        data-testid={id}
        className={`select${cls}`}
        value={value}
        disabled={readOnly}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">— choose a server —</option>
        {!known && value !== '' && <option value={value}>{value} (not configured)</option>}
        {servers.value.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name} · {s.transport} · {s.state}
          </option>
        ))}
      </select>
      {current?.error && <div className="field-help model-info warning">{current.error}</div>}
    </>
  );
}

/** A tool's description and argument schema. */
export function McpToolDetails({ tool }: { tool: McpTool }) {
  return (
    <div className="mcp-tool-details" data-testid="mcp-tool-details">
      {tool.description && <div className="field-help">{tool.description}</div>}
      <details>
        <summary className="small">Input schema</summary>
        <pre className="json-view small" data-testid="mcp-tool-schema">
          {JSON.stringify(tool.inputSchema, null, 2)}
        </pre>
      </details>
    </div>
  );
}

/** The tools of one MCP server, with the chosen tool's description and input schema. */
export function McpToolSelect({ server, ...p }: PickProps & { server: string }) {
  const tools = useTools(server);
  const cls = p.invalid ? ' invalid' : '';
  const list = tools?.status === 'ready' ? tools.value.tools : [];
  if (!server || tools?.status !== 'ready' || list.length === 0) {
    const note = !server
      ? 'Choose a server first.'
      : tools?.status === 'error'
        ? `Could not list tools: ${tools.message}`
        : tools?.status === 'ready'
          ? (tools.value.error ?? `Server ${server} lists no tools.`)
          : 'Loading tools…';
    return (
      <>
        <input
          id={p.id}
          data-testid={p.id}
          className={`input${cls}`}
          value={p.value}
          readOnly={p.readOnly}
          placeholder="tool name"
          onChange={(e) => p.onChange(e.target.value)}
        />
        <div className="field-help" data-testid={`${p.id}-note`}>
          {note}
        </div>
      </>
    );
  }
  const current = list.find((t) => t.name === p.value);
  return (
    <>
      <select
        id={p.id}
        data-testid={p.id}
        className={`select${cls}`}
        value={p.value}
        disabled={p.readOnly}
        onChange={(e) => p.onChange(e.target.value)}
      >
        <option value="">— choose a tool —</option>
        {!current && p.value !== '' && <option value={p.value}>{p.value} (not listed by the server)</option>}
        {list.map((t) => (
          <option key={t.name} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
      {current && <McpToolDetails tool={current} />}
    </>
  );
}

/** An agent's `{ kind: 'mcp', server, tool }` entry: server and tool pickers (other keys kept). */
export function McpToolSpecEditor({
  id,
  value,
  onChange,
  readOnly,
}: {
  id: string;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
  readOnly: boolean;
}) {
  const server = typeof value.server === 'string' ? value.server : '';
  const tool = typeof value.tool === 'string' ? value.tool : '';
  return (
    <div className="mcp-spec" data-testid={id}>
      <div className="field-label">MCP server</div>
      <McpServerSelect
        id={`${id}-server`}
        value={server}
        readOnly={readOnly}
        invalid={server === ''}
        onChange={(v) => onChange({ ...value, server: v, tool: v === server ? tool : '' })}
      />
      <div className="field-label">MCP tool</div>
      <McpToolSelect
        id={`${id}-tool`}
        server={server}
        value={tool}
        readOnly={readOnly}
        invalid={tool === ''}
        onChange={(v) => onChange({ ...value, tool: v })}
      />
    </div>
  );
}

/** Pick a server and a tool, then add `{ kind: 'mcp', server, tool }` to an agent's tools. */
export function McpToolAdder({
  onAdd,
  existing,
}: {
  onAdd: (spec: { kind: 'mcp'; server: string; tool: string }) => void;
  existing: readonly unknown[];
}) {
  const [server, setServer] = useState('');
  const [tool, setTool] = useState('');
  const servers = useServers();
  if (servers.status === 'ready' && servers.value.length === 0) {
    return (
      <div className="field-help" data-testid="mcp-adder-none">
        {NO_SERVERS}
      </div>
    );
  }
  const taken = existing.some((t) => isRecord(t) && t.kind === 'mcp' && t.server === server && t.tool === tool);
  return (
    <fieldset className="object-field mcp-adder" data-testid="mcp-adder">
      <div className="field-label">Add an MCP tool</div>
      <McpServerSelect
        id="mcp-add-server"
        value={server}
        readOnly={false}
        invalid={false}
        onChange={(v) => {
          setServer(v);
          setTool('');
        }}
      />
      <McpToolSelect
        id="mcp-add-tool"
        server={server}
        value={tool}
        readOnly={false}
        invalid={false}
        onChange={setTool}
      />
      <button
        type="button"
        className="btn small"
        data-testid="mcp-add"
        disabled={!server || !tool || taken}
        onClick={() => {
          onAdd({ kind: 'mcp', server, tool });
          setTool('');
        }}
      >
        {taken ? 'Already added' : '+ Add MCP tool'}
      </button>
    </fieldset>
  );
}

/** Custom fields of a node form (`config`): MCP server/tool pickers (tool node) and MCP entries of tool lists (agent). */
export const mcpFieldRenderer =
  (config: Record<string, unknown>): FieldRender =>
  ({ field, path, value, onChange, readOnly, invalid, id }): ReactNode | undefined => {
    const key = path.join('.');
    const text = typeof value === 'string' ? value : '';
    if (path.length === 1 && field.key === 'mcpServer')
      return (
        <McpServerSelect
          id={id}
          value={text}
          readOnly={readOnly}
          invalid={invalid}
          onChange={(v) => onChange(v, key)}
        />
      );
    if (path.length === 1 && field.key === 'mcpTool') {
      const server = typeof config.mcpServer === 'string' ? config.mcpServer : '';
      return (
        <McpToolSelect
          id={id}
          server={server}
          value={text}
          readOnly={readOnly}
          invalid={invalid}
          onChange={(v) => onChange(v, key)}
        />
      );
    }
    if (path.length === 2 && typeof path[1] === 'number' && isRecord(value) && value.kind === 'mcp') {
      return <McpToolSpecEditor id={id} value={value} readOnly={readOnly} onChange={(v) => onChange(v, key)} />;
    }
    return undefined;
  };
