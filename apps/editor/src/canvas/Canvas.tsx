import { useCallback, useMemo, useRef, useState } from 'react';
import type { DragEvent, MouseEvent as ReactMouseEvent } from 'react';
import { ControlButton, Controls, ReactFlow, useReactFlow } from '@xyflow/react';
import type { Connection, Edge, FinalConnectionState } from '@xyflow/react';
import {
  catalogStore,
  documentStore,
  runStore,
  toast,
  useBreakpoints,
  useCatalog,
  useDocument,
  useProblems,
  useRun,
  useUi,
} from '../stores/app-stores.js';
import { connectionProblem } from '../model/connection-rules.js';
import { addEdge } from '../model/document-ops.js';
import type { NewConnection } from '../model/document-ops.js';
import { NodeCache, buildEdges } from './flow-elements.js';
import type { CanvasNode, FlowEdge as FlowEdgeT, GroupFlowNode, NoteFlowNode } from './flow-types.js';
import { NODE_TYPE_MIME } from './flow-types.js';
import { NodeCard } from './NodeCard.js';
import { NoteNode } from './NoteNode.js';
import { GroupNode } from './GroupNode.js';
import { FlowEdge } from './FlowEdge.js';
import { routeEdges } from './edge-routing.js';
import { useViewPrefs, viewPrefs } from './view-prefs.js';
import { CanvasMiniMap } from './CanvasMiniMap.js';
import { DotsBackground } from './DotsBackground.js';
import { sizes } from './node-sizes.js';
import { NodeContextMenu } from './NodeContextMenu.js';
import type { MenuAt } from './NodeContextMenu.js';
import { QuickAddMenu } from './QuickAddMenu.js';
import { addNodeOfType } from './add-node.js';
import { openChildOf } from './open-child.js';
import { canvasUi, useCanvasUi } from './canvas-ui.js';
import { applyEdgeChanges, applyNodeChanges } from './node-changes.js';

const nodeTypes = { flow: NodeCard, note: NoteNode, frame: GroupNode };
const edgeTypes = { flow: FlowEdge };

function toConnection(c: Connection | Edge): NewConnection {
  return {
    source: c.source,
    sourceHandle: c.sourceHandle ?? null,
    target: c.target,
    targetHandle: c.targetHandle ?? null,
  };
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
  const annotationSel = useCanvasUi((s) => s.annotations);
  const quickAdd = useCanvasUi((s) => s.quickAdd);
  const rf = useReactFlow<CanvasNode, FlowEdgeT>();
  const [sizeVersion, setSizeVersion] = useState(0);
  const cache = useRef(new NodeCache());
  const wrapRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<MenuAt | undefined>();
  const closeMenu = useCallback(() => setMenu(undefined), []);
  const onNodeContextMenu = useCallback((e: ReactMouseEvent, node: CanvasNode) => {
    e.preventDefault();
    if (node.type !== 'flow') return;
    const box = wrapRef.current?.getBoundingClientRect();
    if (!documentStore.getState().selection.nodes.includes(node.id))
      documentStore.getState().select({ nodes: [node.id], edges: [] });
    setMenu({ nodeId: node.id, x: e.clientX - (box?.left ?? 0), y: e.clientY - (box?.top ?? 0) });
  }, []);

  // While the viewport moves, its layer is composited (panning then only moves pixels already drawn)
  // and cards and edges take no pointer events (no hit testing of every edge path per mouse move).
  // Only while moving: a composited layer keeps its raster scale, so text would stay blurry after a zoom.
  const onMoveStart = useCallback(() => {
    setMenu(undefined);
    canvasUi.getState().set({ quickAdd: undefined });
    wrapRef.current?.classList.add('moving');
  }, []);
  const onMoveEnd = useCallback(() => wrapRef.current?.classList.remove('moving'), []);

  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  // `sizeVersion` changes when React Flow measured a node, so the memo rebuilds with the new size.
  const cards = useMemo(
    () => cache.current.build(doc.nodes, selectedNodes, sizes, readOnly),
    [doc.nodes, selectedNodes, readOnly, sizeVersion],
  );
  // Groups under the cards, notes above them.
  const nodes = useMemo((): CanvasNode[] => {
    if (!doc.notes?.length && !doc.groups?.length) return cards;
    const sel = new Set(annotationSel);
    const groups = (doc.groups ?? []).map(
      (g): GroupFlowNode => ({
        id: g.id,
        type: 'frame',
        position: g.position,
        data: { group: g },
        selected: sel.has(g.id),
        draggable: !readOnly,
        connectable: false,
        zIndex: -1,
        width: g.size.width,
        height: g.size.height,
      }),
    );
    const notes = (doc.notes ?? []).map(
      (n): NoteFlowNode => ({
        id: n.id,
        type: 'note',
        position: n.position,
        data: { note: n, readOnly },
        selected: sel.has(n.id),
        draggable: !readOnly,
        connectable: false,
        width: n.size.width,
        height: n.size.height,
      }),
    );
    return [...groups, ...cards, ...notes];
  }, [cards, doc.notes, doc.groups, annotationSel, readOnly]);
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

  const onNodesChange = useCallback((changes: Parameters<typeof applyNodeChanges>[0]) => {
    if (applyNodeChanges(changes)) setSizeVersion((v) => v + 1);
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

  const onConnectEnd = useCallback(
    (e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const cat = catalogStore.getState().catalog;
      if (!cat || !state.fromHandle) return;
      const from = state.fromHandle;
      if (!state.toHandle) {
        // Dropped on empty canvas: offer the node types that fit this port, connected on pick.
        if (state.toNode || documentStore.getState().readOnlyVersion !== undefined) return;
        const point = 'changedTouches' in e ? e.changedTouches[0] : e;
        if (!point) return;
        const box = wrapRef.current?.getBoundingClientRect();
        canvasUi.getState().set({
          quickAdd: {
            origin: { nodeId: from.nodeId, handleId: from.id ?? null, handleType: from.type },
            x: point.clientX - (box?.left ?? 0),
            y: point.clientY - (box?.top ?? 0),
            at: rf.screenToFlowPosition({ x: point.clientX, y: point.clientY }),
          },
        });
        return;
      }
      if (state.isValid !== false) return;
      const to = state.toHandle;
      const conn: NewConnection =
        from.type === 'source'
          ? { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null }
          : { source: to.nodeId, sourceHandle: to.id ?? null, target: from.nodeId, targetHandle: from.id ?? null };
      const problem = connectionProblem(documentStore.getState().doc, cat, conn) ?? 'These ports do not fit';
      toast('error', `Connection refused: ${problem}`);
    },
    [rf],
  );

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
      addNodeOfType(type, { x: p.x - 100, y: p.y - 30 });
    },
    [rf],
  );

  const onMouseMove = useCallback(
    (e: ReactMouseEvent) =>
      canvasUi.getState().set({ pointer: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }) }),
    [rf],
  );

  const onNodeClick = useCallback((_: unknown, node: CanvasNode) => {
    setMenu(undefined);
    if (node.type === 'flow' && runStore.getState().run?.nodes[node.id]) runStore.getState().focus(node.id);
  }, []);

  return (
    <div className="canvas" data-testid="canvas" ref={wrapRef}>
      <ReactFlow<CanvasNode, FlowEdgeT>
        onDragOver={onDragOver}
        onDrop={onDrop}
        onMouseMove={onMouseMove}
        onMouseLeave={() => canvasUi.getState().set({ pointer: undefined })}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={applyEdgeChanges}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={(_, node) => {
          if (node.type === 'note') canvasUi.getState().set({ editingNote: node.id });
          else if (node.type === 'flow' && node.data.node.type === 'subworkflow') openChildOf(node.data.node.config);
        }}
        onPaneClick={() => {
          setMenu(undefined);
          canvasUi.getState().set({ quickAdd: undefined, annotations: [] });
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
      {quickAdd && <QuickAddMenu at={quickAdd} onClose={() => canvasUi.getState().set({ quickAdd: undefined })} />}
    </div>
  );
}
