// What /api/show says about a model that minions needs: its capabilities, the context
// the runner will really load, and the vector size of an embedding model.

/**
 * The fields of an /api/show answer that facts come from, typed as what arrives: the
 * client types `model_info` as a Map, but the JSON holds a plain object.
 */
export interface ShowAnswer {
  model_info?: unknown;
  parameters?: unknown;
  capabilities?: unknown;
}

/** A model's facts from /api/show; a number is absent when the server does not report it. */
export interface ModelFacts {
  /** `completion`, `embedding`, `tools`, ...; empty when the server does not say. */
  capabilities: string[];
  /** The trained context (`<architecture>.context_length`), lowered by a `num_ctx` parameter of the model. */
  contextLength?: number;
  /** The vector size (`<architecture>.embedding_length`). */
  dimension?: number;
  /** The sampling temperature the Modelfile sets (`PARAMETER temperature`), which minions then leaves alone. */
  temperature?: number;
  /** The Modelfile's `num_ctx` parameter (often the GPU's memory budget), when it sets one. */
  numCtxParameter?: number;
}

/** Reads `model_info` (a Map or a plain object) and `parameters` of an /api/show answer. */
export function modelFacts(shown: ShowAnswer): ModelFacts {
  const info: unknown = shown.model_info;
  const entries = new Map<string, unknown>(info instanceof Map ? info : Object.entries(typeof info === 'object' && info !== null ? info : {}));
  const architecture = entries.get('general.architecture');
  const lookup = (suffix: string): number | undefined => {
    // Without an architecture, take the first key of that kind; with one, only its own (a projector's would mislead).
    const value = typeof architecture === 'string' ? entries.get(`${architecture}.${suffix}`) : [...entries].find(([key]) => key.endsWith(`.${suffix}`))?.[1];
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const facts: ModelFacts = { capabilities: Array.isArray(shown.capabilities) ? shown.capabilities.filter((entry): entry is string => typeof entry === 'string') : [] };
  // The runner loads at most `num_ctx` tokens when the model's parameters set it lower.
  const numCtx = Number(/^num_ctx\s+(\d+)/m.exec(typeof shown.parameters === 'string' ? shown.parameters : '')?.[1] ?? Number.NaN);
  const trained = lookup('context_length');
  if (numCtx > 0) facts.numCtxParameter = numCtx;
  if (trained !== undefined) facts.contextLength = numCtx > 0 ? Math.min(trained, numCtx) : trained;
  else if (numCtx > 0) facts.contextLength = numCtx;
  const dimension = lookup('embedding_length');
  if (dimension !== undefined) facts.dimension = dimension;
  const temperature = Number(/^temperature\s+([\d.]+)/m.exec(typeof shown.parameters === 'string' ? shown.parameters : '')?.[1] ?? Number.NaN);
  if (Number.isFinite(temperature)) facts.temperature = temperature;
  return facts;
}
