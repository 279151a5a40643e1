// The bottom layer's public surface: what indexer/ and agent/ both need and neither
// owns. The Ollama connection, abort helpers, one process runner, and the environments
// (telemetry opt-outs, scrubbed variables) of the processes minions starts.
export { abortReason, abortable, describeCause, isAbortError } from './abort.js';
export { disableTelemetry, gitEnvironment, scrubbedEnvironment, telemetryOff } from './environment.js';
export { formatCommand, runProcess, truncateMiddle, type CommandLine, type ProcessResult, type RunProcessOptions } from './process.js';
export {
  OllamaConnection,
  describeOllamaError,
  ollamaTimeoutError,
  withSignal,
  type OllamaConnectionOptions,
  type OllamaRequestOptions,
} from './ollama/connection.js';
export { classifyOllamaFault, describeOllamaFault, describeRunningOllamaError, type OllamaFault, type OllamaFaultKind, type RequestPhase } from './ollama/faults.js';
export { checkOllamaHost, isLoopbackHost, ollamaHostUrl, type HostPolicy } from './ollama/host.js';
export { modelFacts, type ModelFacts, type ShowAnswer } from './ollama/model-facts.js';
export { acquireLock, describeHolder, readLockHolder, type HeldLock, type LockHolder, type LockOptions } from './lock-file.js';
