import { resolve } from 'node:path';
import { QueryRequest } from '../../schemas/index.js';
import { checkRequest } from '../validation.js';

/** The query options of `minions query`, as `parseArgs` returns them. */
export interface QueryOptions {
  k: string;
  mode?: string | undefined;
  language?: string[] | undefined;
  path?: string | undefined;
  group?: string | undefined;
}

/**
 * The `POST /v1/query` body for `minions query <repo> <words...>`, checked against the
 * same `QueryRequest` schema the route uses, so a bad `--k`, `--mode`, `--group`, `--language` or an
 * empty query fails with the sentence the HTTP API answers for the same field.
 */
export function buildQueryRequest(repo: string, words: readonly string[], options: QueryOptions, cwd: string): QueryRequest {
  const filters = { ...(options.language ? { languages: options.language } : {}), ...(options.path !== undefined ? { pathPrefix: options.path } : {}) };
  const request = {
    repo: resolve(cwd, repo),
    query: words.join(' '),
    // Any text but an integer fails the schema as "must be integer", like a JSON "5".
    k: options.k.trim() === '' ? Number.NaN : Number(options.k),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.group !== undefined ? { group: options.group } : {}),
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  };
  checkRequest(QueryRequest, request);
  return request;
}
