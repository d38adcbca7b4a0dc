import type {
  CheckpointMetadata,
  CheckpointPendingWrite,
  CheckpointTuple,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { compareWritesSortKeys, writesSortKey } from '@langchain/langgraph-checkpoint';
import { toBytes } from '../schema/bytea.js';
import { tupleConfig } from './config-keys.js';
import type { TupleRow } from './tuple-rows.js';

/** Cuts blobs concatenated by `string_agg` back apart (views, no copies). */
function unpack(packed: Uint8Array | null, lengths: number[]): Uint8Array[] {
  if (packed === null) return [];
  const bytes = toBytes(packed);
  let at = 0;
  return lengths.map((length) => bytes.subarray(at, (at += length)));
}

async function loadChannelValues(serde: SerializerProtocol, row: TupleRow): Promise<Record<string, unknown>> {
  const list = row.blobList ?? [];
  const blobs = unpack(
    row.blobPacked,
    list.map((e) => e[2]),
  );
  const values = await Promise.all(list.map(([, type], i) => serde.loadsTyped(type, blobs[i] ?? new Uint8Array())));
  const out: Record<string, unknown> = {};
  list.forEach(([channel], i) => {
    out[channel] = values[i];
  });
  return out;
}

async function loadPendingWrites(serde: SerializerProtocol, row: TupleRow): Promise<CheckpointPendingWrite[]> {
  const list = row.writeList ?? [];
  const blobs = unpack(
    row.writePacked,
    list.map((e) => e[5]),
  );
  // SQL already orders by (task_path, task_id, idx) on C-collated columns; re-sort with LangGraph's own comparator.
  const order = list.map(([taskId, taskPath, idx], i) => ({ i, key: writesSortKey(taskPath, taskId, idx) }));
  order.sort((a, b) => compareWritesSortKeys(a.key, b.key));
  return Promise.all(
    order.map(async ({ i }): Promise<CheckpointPendingWrite> => {
      const [taskId, , , channel, type] = list[i] ?? ['', '', 0, '', 'json'];
      const value: unknown = await serde.loadsTyped(type, blobs[i] ?? new Uint8Array());
      return [taskId, channel, value];
    }),
  );
}

/** Rebuilds a `CheckpointTuple` from a stored row (deserialization happens here, outside any transaction). */
export async function loadTuple(
  serde: SerializerProtocol,
  row: TupleRow,
  extraChannels?: Record<string, { value: unknown; version: number | string }>,
): Promise<CheckpointTuple> {
  const metadataLoad: Promise<CheckpointMetadata> = serde.loadsTyped('json', row.metadata);
  const [channelValues, metadata, pendingWrites] = await Promise.all([
    loadChannelValues(serde, row),
    metadataLoad,
    loadPendingWrites(serde, row),
  ]);
  const stored = row.checkpoint;
  const channelVersions = { ...(stored.channel_versions ?? {}) };
  for (const [channel, extra] of Object.entries(extraChannels ?? {})) {
    channelValues[channel] = extra.value;
    channelVersions[channel] = extra.version;
  }
  const tuple: CheckpointTuple = {
    config: tupleConfig(row.threadId, row.checkpointNs, row.checkpointId),
    checkpoint: {
      ...stored,
      channel_values: channelValues,
      channel_versions: channelVersions,
      versions_seen: stored.versions_seen ?? {},
    },
    metadata,
    pendingWrites,
  };
  if (row.parentCheckpointId !== null)
    tuple.parentConfig = tupleConfig(row.threadId, row.checkpointNs, row.parentCheckpointId);
  return tuple;
}
