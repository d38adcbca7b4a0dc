import { useCallback, useMemo, useRef, useState } from 'react';
import type { DragEvent, MouseEvent as ReactMouseEvent } from 'react';
import { ControlButton, Controls, ReactFlow, useReactFlow } from '@xyflow/react';
import type { Connection, EdgeChange, FinalConnectionState, NodeChange, Edge } from '@xyflow/react';
import type { Position as XY } from '@flowcraft/schema';
import {
  catalogStore,
  documentStore,
  runStore,
  toast,
  uiStore,
  useBreakpoints,
  useCatalog,
  useDocument,
  useProblems,
  useRun,
  useUi,
} from '../stores/app-stores.js';
import { connectionProblem } from '../model/connection-rules.js';
import { addEdge, addNode, moveNodes } from '../model/document-ops.js';
import type { NewConnection } from '../model/document-ops.js';
import { NodeCache, buildEdges } from './flow-elements.js';
import type { Size } from './flow-elements.js';
import type { FlowEdge as FlowEdgeT, FlowNode } from './flow-types.js';
import { NODE_TYPE_MIME } from './flow-types.js';
import { NodeCard } from './NodeCard.js';
import { FlowEdge } from './FlowEdge.js';
import { routeEdges } from './edge-routing.js';
import { useViewPrefs, viewPrefs } from './view-prefs.js';
import { CanvasMiniMap } from './CanvasMiniMap.js';
import { DotsBackground } from './DotsBackground.js';
import { sizes } from './node-sizes.js';
import { NodeContextMenu } from './NodeContextMenu.js';
import type { MenuAt } from './NodeContextMenu.js';

const nodeTypes = { flow: NodeCard };
const edgeTypes = { flow: FlowEdge };

function toConnection(c: Connection | Edge): NewConnection {
  return {
    source: c.source,
    sourceHandle: c.sourceHandle ?? null,
    target: c.target,
    targetHandle: c.targetHandle ?? null,
  };
}

/** Add a node of `type` at a canvas position and select it. */
export function dropNode(type: string, at: XY): void {
  const desc = catalogStore.getState().catalog?.describe(type);
  if (!desc) return;
  let id = '';
  documentStore.getState().edit((doc) => {
    const r = addNode(doc, desc, at);
    id = r.id;
    return r.doc;
  });
  if (id) {
    documentStore.getState().select({ nodes: [id], edges: [] });
    uiStore.getState().setTab('inspector');
  }
}

export function Canvas() {
  const doc = useDocument((s) => s.doc);
  const selection = useDocument((s) => s.selection);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const catalog = useCatalog((s) => s.catalog);
  const problems = useProblems((s) => s.index);
  const run = useRun((s) => s.run);
  const theme = useUi((s) => s.theme);
  // The debugger dock takes the lower part of the canvas: no minimap then.
  const debugMode = useBreakpoints((s) => s.debugMode);
  const minimap = useViewPrefs((s) => s.minimap);
  const rf = useReactFlow<FlowNode, FlowEdgeT>();
  const [sizeVersion, setSizeVersion] = useState(0);
  const cache = useRef(new NodeCache());
  const wrapRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<MenuAt | undefined>();
  const closeMenu = useCallback(() => setMenu(undefined), []);
  const onNodeContextMenu = useCallback((e: ReactMouseEvent, node: FlowNode) => {
    e.preventDefault();
    const box = wrapRef.current?.getBoundingClientRect();
    setMenu({ nodeId: node.id, x: e.clientX - (box?.left ?? 0), y: e.clientY - (box?.top ?? 0) });
  }, []);

  // While the viewport moves, its layer is composited (panning then only moves pixels already drawn)
  // and cards and edges take no pointer events (no hit testing of every edge path per mouse move).
  // Only while moving: a composited layer keeps its raster scale, so text would stay blurry after a zoom.
  const onMoveStart = useCallback(() => {
    setMenu(undefined);
    wrapRef.current?.classList.add('moving');
  }, []);
  const onMoveEnd = useCallback(() => wrapRef.current?.classList.remove('moving'), []);

  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  // `sizeVersion` changes when React Flow measured a node, so the memo rebuilds with the new size.
  const nodes = useMemo(
    () => cache.current.build(doc.nodes, selectedNodes, sizes, readOnly),
    [doc.nodes, selectedNodes, readOnly, sizeVersion],
  );
  const taken = useMemo(() => {
    const out = new Set<string>();
    if (!run) return out;
    for (const e of doc.edges) {
      const n = run.nodes[e.source];
      const t = run.nodes[e.target];
      if (
        n?.status === 'done' &&
        t &&
        (!n.next || n.next.length === 0 || n.next.includes(e.sourceHandle ?? '') || n.next.includes(e.target))
      )
        out.add(e.id);
    }
    return out;
  }, [run, doc.edges]);
  // Routes and label places need the cards' measured sizes and ports (`sizeVersion` changes when they are measured).
  const edges = useMemo(
    () =>
      routeEdges(buildEdges(doc, catalog, selectedEdges, problems, taken), doc, sizes, (id) => rf.getInternalNode(id)),
    [doc, catalog, selectedEdges, problems, taken, rf, sizeVersion],
  );

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const store = documentStore.getState();
    const moved = new Map<string, XY>();
    let dragging = false;
    let dragEnded = false;
    let sel: Set<string> | undefined;
    let resized = false;
    for (const c of changes) {
      if (c.type === 'position') {
        if (c.position) moved.set(c.id, c.position);
        if (c.dragging) dragging = true;
        else dragEnded = true;
      } else if (c.type === 'select') {
        sel ??= new Set(store.selection.nodes);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        const prev = sizes.get(c.id);
        if (!prev || prev.width !== c.dimensions.width || prev.height !== c.dimensions.height) {
          const size: Size = { width: c.dimensions.width, height: c.dimensions.height };
          sizes.set(c.id, size);
          resized = true;
        }
      }
    }
    if (moved.size > 0) {
      if (dragging) store.gestureEdit((d) => moveNodes(d, moved));
      else store.edit((d) => moveNodes(d, moved));
    }
    if (dragEnded) documentStore.getState().endGesture();
    if (sel) documentStore.getState().select({ nodes: [...sel], edges: documentStore.getState().selection.edges });
    if (resized) setSizeVersion((v) => v + 1);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const store = documentStore.getState();
    let sel: Set<string> | undefined;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      sel ??= new Set(store.selection.edges);
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    }
    if (sel) store.select({ nodes: store.selection.nodes, edges: [...sel] });
  }, []);

  const isValidConnection = useCallback((c: Connection | Edge) => {
    const cat = catalogStore.getState().catalog;
    return cat !== undefined && connectionProblem(documentStore.getState().doc, cat, toConnection(c)) === undefined;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const cat = catalogStore.getState().catalog;
    if (!cat) return;
    const conn = toConnection(c);
    const problem = connectionProblem(documentStore.getState().doc, cat, conn);
    if (problem) {
      toast('error', `Connection refused: ${problem}`);
      return;
    }
    documentStore.getState().edit((d) => addEdge(d, conn).doc);
  }, []);

  const onConnectEnd = useCallback((_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    const cat = catalogStore.getState().catalog;
    if (!cat || state.isValid !== false || !state.fromHandle || !state.toHandle) return;
    const from = state.fromHandle;
    const to = state.toHandle;
    const conn: NewConnection =
      from.type === 'source'
        ? { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null }
        : { source: to.nodeId, sourceHandle: to.id ?? null, target: from.nodeId, targetHandle: from.id ?? null };
    const problem = connectionProblem(documentStore.getState().doc, cat, conn) ?? 'These ports do not fit';
    toast('error', `Connection refused: ${problem}`);
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_TYPE_MIME);
      if (!type || documentStore.getState().readOnlyVersion !== undefined) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      dropNode(type, { x: p.x - 100, y: p.y - 30 });
    },
    [rf],
  );

  const onNodeClick = useCallback((_: unknown, node: FlowNode) => {
    setMenu(undefined);
    if (runStore.getState().run?.nodes[node.id]) runStore.getState().focus(node.id);
  }, []);

  return (
    <div className="canvas" data-testid="canvas" ref={wrapRef} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowNode, FlowEdgeT>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeClick={onNodeClick}
        onPaneClick={() => {
          setMenu(undefined);
          documentStore.getState().select({ nodes: [], edges: [] });
        }}
        onNodeContextMenu={onNodeContextMenu}
        onPaneContextMenu={(e) => {
          e.preventDefault();
          setMenu(undefined);
        }}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        colorMode={theme}
        minZoom={0.1}
        onlyRenderVisibleElements={doc.nodes.length > 150}
        defaultEdgeOptions={{ type: 'flow' }}
        proOptions={{ hideAttribution: true }}
      >
        <DotsBackground gap={18} size={1} />
        {!debugMode && minimap && <CanvasMiniMap nodes={doc.nodes} sizeVersion={sizeVersion} />}
        <Controls showInteractive={false}>
          <ControlButton
            onClick={() => viewPrefs.getState().toggle('minimap')}
            title={minimap ? 'Hide the minimap' : 'Show the minimap'}
            aria-label={minimap ? 'Hide the minimap' : 'Show the minimap'}
            aria-pressed={minimap}
            data-testid="toggle-minimap"
          >
            ▣
          </ControlButton>
        </Controls>
      </ReactFlow>
      {menu && <NodeContextMenu at={menu} onClose={closeMenu} />}
    </div>
  );
}
