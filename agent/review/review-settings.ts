// Whether a run is reviewed, by which model and under which policy, and the reviewer's
// model connected before the run starts (a review model that is not pulled is refused
// before anything is touched, like any model of the run).
import type { ReviewPolicy, TaskRequest } from '../../schemas/index.js';
import type { Blueprint } from '../blueprint.js';
import type { ChatModel } from '../model/ollama-model.js';

/** The runner's review option: on when `model` is set unless `enabled` says otherwise. */
export interface ReviewOption {
  enabled?: boolean;
  model?: string;
  policy?: ReviewPolicy;
}

/** A run's review, resolved. */
export interface ReviewSettings {
  enabled: boolean;
  model: string;
  policy: ReviewPolicy;
}

/**
 * The task's fields first (`review`, `reviewModel`, `reviewPolicy`), then the runner's
 * option; on when a review model is named anywhere, off otherwise. The model defaults to
 * a `review` entry of `nodeModels`, else the task's model.
 */
export function reviewSettings(option: ReviewOption | undefined, request: TaskRequest, defaults: { model: string; nodeModels?: Record<string, string> | undefined }): ReviewSettings {
  const configured = option?.enabled ?? option?.model !== undefined;
  return {
    enabled: request.review ?? (request.reviewModel !== undefined || configured),
    model: request.reviewModel ?? option?.model ?? defaults.nodeModels?.review ?? request.model ?? defaults.model,
    policy: request.reviewPolicy ?? option?.policy ?? 'fix',
  };
}

/** The reviewer of a run whose blueprint has a `review` node and whose task is reviewed: a model already connected when it is the same one, else `connect`ed. */
export async function connectReviewer(settings: ReviewSettings, blueprint: Blueprint, models: ReadonlyMap<string, ChatModel>, connect: (model: string) => Promise<ChatModel>): Promise<{ model: ChatModel; policy: ReviewPolicy } | undefined> {
  if (!settings.enabled || !blueprint.nodes.some((node) => node.name === 'review')) return undefined;
  const model = [...models.values()].find((connected) => connected.info.name === settings.model) ?? (await connect(settings.model));
  return { model, policy: settings.policy };
}
