import type {
  ChannelVersions,
  CheckpointMetadata,
  PendingWrite,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { WRITES_IDX_MAP } from '@langchain/langgraph-checkpoint';

const decoder = new TextDecoder();

export interface BlobRow {
  channel: string;
  version: string;
  type: string;
  blob: Uint8Array | null;
}

/** One blob per channel version that is new in this checkpoint; a channel without a value is stored as `empty`. */
export async function dumpBlobs(
  serde: SerializerProtocol,
  values: Record<string, unknown>,
  newVersions: ChannelVersions,
): Promise<BlobRow[]> {
  return Promise.all(
    Object.entries(newVersions).map(async ([channel, version]): Promise<BlobRow> => {
      if (!(channel in values)) return { channel, version: String(version), type: 'empty', blob: null };
      const [type, blob] = await serde.dumpsTyped(values[channel]);
      return { channel, version: String(version), type, blob };
    }),
  );
}

/** Metadata as JSON text (serde's encoding, so LangChain objects survive), stored as jsonb for `list` filters. */
export async function dumpMetadata(serde: SerializerProtocol, metadata: CheckpointMetadata): Promise<string> {
  const [, bytes] = await serde.dumpsTyped(metadata);
  return decoder.decode(bytes);
}

export interface WriteRow {
  idx: number;
  channel: string;
  type: string;
  blob: Uint8Array;
}

/**
 * Pending writes of one task, serialized. Special channels (error, interrupt, resume, scheduled) use their fixed
 * negative index and replace an earlier write; regular writes keep their position. One row per key.
 */
export async function dumpWrites(serde: SerializerProtocol, writes: PendingWrite[]): Promise<WriteRow[]> {
  const rows = await Promise.all(
    writes.map(async ([channel, value], i): Promise<WriteRow> => {
      const [type, blob] = await serde.dumpsTyped(value);
      return { idx: WRITES_IDX_MAP[channel] ?? i, channel, type, blob };
    }),
  );
  const byIdx = new Map<number, WriteRow>();
  for (const row of rows) byIdx.set(row.idx, row);
  return [...byIdx.values()];
}
