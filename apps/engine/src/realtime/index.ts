export type { EventListener, EventLog } from './event-log.js';
export { MemoryEventLog } from './memory-event-log.js';
export type { MemoryEventLogHooks } from './memory-event-log.js';
export { RunStream } from './run-stream.js';
export type { RunStreamOptions } from './run-stream.js';
export { SubscribeMessage, UnsubscribeMessage, runRoom } from './messages.js';
export type { ClientToServerEvents, ServerToClientEvents, SubscribeReply, UnsubscribeReply } from './messages.js';
export { attachRealtime } from './socket-server.js';
export type { Realtime, RealtimeOptions, TraceServer } from './socket-server.js';
