export { Chunk, ChunkKind, LanguageId, SkipReason, SkippedFile } from './chunk.js';
export { ContextRequest, ContextResponse, ContextSection, ContextSectionKind, ContextSpan } from './context.js';
export { LogLevel, Settings, type SettingName, type SettingSource } from './config.js';
export { MinionsError, errorCodes, isErrorCode, type ErrorCode } from './errors.js';
export {
  ErrorEnvelope,
  EventStreamHeaders,
  Health,
  IdParams,
  IndexingProgress,
  Repository,
  RepositoryList,
  RepositoryRegistration,
  RepositoryStatus,
  TaskAccepted,
  TaskList,
  TaskListQuery,
} from './http.js';
export { IndexEvent, IndexSummary } from './index-events.js';
export { EvalComparison, EvalFix, EvalModelSummary, EvalReport, EvalRun, EvalSource, EvalSuite, EvalTask, EvalVerification } from './eval.js';
export { CiFailure, GitHubCheckRunDelivery, GitHubRepository, GitHubWorkflowRunDelivery, HookAnswer, HookHeaders } from './hooks.js';
export { Percentiles, Stats, StatsGroup, StatsSummary } from './stats.js';
export { ForgeKind, Publication, PublishRequest, RepositoryPublish, TaskSource } from './forge.js';
export { FileResult, QueryFilters, QueryGroup, QueryMode, QueryRequest, QueryResponse, QueryResult } from './query.js';
export { Review, ReviewCategory, ReviewFinding, ReviewPolicy, ReviewReply, ReviewSeverity, maxReviewFindings } from './review.js';
export { RepoMap, RepoMapFile, RepoMapRequest, SymbolDefinition, SymbolReference, SymbolsResponse } from './symbols.js';
export { SymbolsQuery } from './symbols.js';
export { CheckResult, CheckStatus, FollowUpRequest, Task, TaskContinuation, TaskRequest, TaskResult, TaskStatus, maxEarlierDiff, type TaskRunner } from './task.js';
export {
  AgentEvent,
  CheckKind,
  TaskEvent,
  TaskLifecycleEvent,
  renamedTaskEvents,
  type AgentEmit,
  type AgentEventMap,
  type AgentEventType,
} from './task-events.js';
export { ReconcileReason, WatchEvent } from './watch-events.js';
