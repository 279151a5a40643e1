// The agent's events, typed by the schemas in `schemas/task-events.ts` (one union of
// noun-verb names and their data). Nodes and tools report through `Emit`, which takes
// the type and the data apart so emit sites stay one call; the runner hands each event
// to the server as one `AgentEvent`.
import type { AgentEmit, AgentEvent, AgentEventMap, AgentEventType } from '../schemas/index.js';

export type { AgentEventMap, AgentEventType, CheckKind } from '../schemas/index.js';

/** The typed emit function every node and tool reports through. */
export type Emit = <T extends AgentEventType>(type: T, data: AgentEventMap[T]) => void;

/** Wraps the runner's `emit(event)` (from the server or the CLI) in the `(type, data)` form nodes use. */
export function typedEmit(emit: AgentEmit): Emit {
  // TypeScript cannot see that a generic `type` and its `data` form one member of the
  // union (microsoft/TypeScript#30581); the signature of `Emit` guarantees the pair.
  return (type, data) => emit({ type, data } as AgentEvent);
}
