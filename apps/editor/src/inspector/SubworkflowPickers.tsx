import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { getVersion, getWorkflow, listVersions, listWorkflows } from '../api/workflows-api.js';
import type { FieldRender } from '../form/form-context.js';
import { isRecord } from '../model/json-schema.js';

type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

/** Fetch once per key (undefined key: nothing to fetch). */
function useLoaded<T>(key: string | undefined, load: () => Promise<T>): Loaded<T> | undefined {
  const [state, setState] = useState<{ key: string; loaded: Loaded<T> } | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is derived from `key`
  useEffect(() => {
    if (key === undefined) return;
    let live = true;
    setState({ key, loaded: { status: 'loading' } });
    load().then(
      (value) => live && setState({ key, loaded: { status: 'ready', value } }),
      (err: unknown) =>
        live &&
        setState({ key, loaded: { status: 'error', message: err instanceof Error ? err.message : String(err) } }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return key !== undefined && state?.key === key ? state.loaded : undefined;
}

/** The channels a child workflow takes (its start inputs) and returns (its end outputs), from its document. */
export function childChannels(document: unknown): { inputs: string[]; outputs: string[]; all: string[] } {
  const doc = isRecord(document) ? document : {};
  const nodes = Array.isArray(doc.nodes) ? doc.nodes.filter(isRecord) : [];
  const all = isRecord(doc.state) ? Object.keys(doc.state) : [];
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const n of nodes) {
    const config = isRecord(n.config) ? n.config : {};
    if (n.type === 'start' && Array.isArray(config.inputs))
      for (const i of config.inputs) if (isRecord(i) && typeof i.channel === 'string') inputs.push(i.channel);
    if (n.type === 'end' && Array.isArray(config.outputs))
      for (const o of config.outputs) if (typeof o === 'string') outputs.push(o);
  }
  return { inputs, outputs: outputs.length > 0 ? outputs : all, all };
}

interface SelectProps {
  id: string;
  value: string;
  options: { value: string; label: string }[];
  placeholder: string;
  note?: string | undefined;
  readOnly: boolean;
  invalid: boolean;
  onChange: (value: string) => void;
}

function Select({ id, value, options, placeholder, note, readOnly, invalid, onChange }: SelectProps) {
  const known = options.some((o) => o.value === value);
  return (
    <>
      <select
        id={id}
        data-testid={id}
        className={`select${invalid ? ' invalid' : ''}`}
        value={value}
        disabled={readOnly}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{placeholder}</option>
        {!known && value !== '' && <option value={value}>{value} (not found)</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {note && <div className="field-help">{note}</div>}
    </>
  );
}

function WorkflowSelect(p: Omit<SelectProps, 'options' | 'placeholder'>) {
  const list = useLoaded('all', () => listWorkflows(undefined, undefined, 100));
  const options =
    list?.status === 'ready' ? list.value.items.map((w) => ({ value: w.id, label: `${w.name} (v${w.version})` })) : [];
  const note = list?.status === 'error' ? `Could not list workflows: ${list.message}` : undefined;
  return <Select {...p} options={options} placeholder="— choose a workflow —" note={note} />;
}

function VersionSelect({ workflowId, ...p }: Omit<SelectProps, 'options' | 'placeholder'> & { workflowId: string }) {
  const versions = useLoaded(workflowId || undefined, () => listVersions(workflowId));
  const options = [
    { value: 'latest', label: 'latest (follows new saves)' },
    ...(versions?.status === 'ready'
      ? versions.value.items.map((v) => ({ value: String(v.version), label: `v${v.version} (pinned)` }))
      : []),
  ];
  return <Select {...p} options={options} placeholder="— version —" />;
}

/**
 * The sub-workflow node's fields: a workflow picker, its versions (latest or pinned), and channel
 * pickers for the mappings — the parent's channels on the parent side, the child's start inputs
 * and end outputs on the child side.
 */
export const subworkflowFieldRenderer = (config: Record<string, unknown>, parentChannels: readonly string[]) => {
  const workflowId = typeof config.workflowId === 'string' ? config.workflowId : '';
  const version = typeof config.version === 'number' ? config.version : undefined;
  return (args: Parameters<FieldRender>[0]): ReactNode | undefined => {
    const p = args.path;
    const own =
      (p.length === 1 && (p[0] === 'workflowId' || p[0] === 'version')) ||
      (p.length === 3 && (p[0] === 'inputs' || p[0] === 'outputs') && (p[2] === 'from' || p[2] === 'to'));
    if (!own) return undefined;
    return <SubworkflowField {...args} workflowId={workflowId} version={version} parentChannels={parentChannels} />;
  };
};

function SubworkflowField({
  path,
  value,
  onChange,
  readOnly,
  invalid,
  id,
  workflowId,
  version,
  parentChannels,
}: Parameters<FieldRender>[0] & {
  workflowId: string;
  version: number | undefined;
  parentChannels: readonly string[];
}) {
  const key = path.join('.');
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const child = useLoaded(workflowId ? `${workflowId}@${version ?? 'latest'}` : undefined, async () =>
    childChannels(
      version === undefined
        ? (await getWorkflow(workflowId)).document
        : (await getVersion(workflowId, version)).document,
    ),
  );
  const common = { id, value: text, readOnly, invalid };
  if (path.length === 1 && path[0] === 'workflowId')
    return <WorkflowSelect {...common} onChange={(v) => onChange(v, key)} />;
  if (path.length === 1 && path[0] === 'version')
    return (
      <VersionSelect
        {...common}
        value={text || 'latest'}
        workflowId={workflowId}
        onChange={(v) => onChange(v === 'latest' || v === '' ? 'latest' : Number(v), key)}
      />
    );
  const parentSide = (path[0] === 'inputs' && path[2] === 'from') || (path[0] === 'outputs' && path[2] === 'to');
  const childList =
    child?.status === 'ready' ? (path[0] === 'inputs' ? child.value.inputs : child.value.outputs) : undefined;
  const names = parentSide ? parentChannels : (childList ?? []);
  const note = parentSide
    ? undefined
    : child?.status === 'error'
      ? `Could not read the workflow: ${child.message}`
      : !workflowId
        ? 'Choose the workflow first.'
        : undefined;
  return (
    <Select
      {...common}
      options={names.map((n) => ({ value: n, label: n }))}
      placeholder={
        parentSide ? '— this workflow’s channel —' : path[0] === 'inputs' ? '— child input —' : '— child output —'
      }
      note={note}
      onChange={(v) => onChange(v, key)}
    />
  );
}
