import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { FileResult, QueryGroup, QueryMode, QueryRequest, QueryResponse, QueryResult, Repository } from '../../schemas/index.js';
import { api, describeError } from '../api.js';
import { RepositorySelect } from '../components/repository-select.js';

/** What the form holds; empty strings are "not set". */
interface SearchForm {
  repo: string;
  query: string;
  mode: '' | QueryMode;
  group: QueryGroup;
  k: string;
  languages: string;
  pathPrefix: string;
}

/** The request the form describes: only what was set, so the server's defaults apply to the rest. */
export function queryOf(form: SearchForm): QueryRequest {
  const languages = form.languages.split(/[\s,]+/).filter((language) => language !== '') as NonNullable<QueryRequest['filters']>['languages'];
  const filters = {
    ...(languages !== undefined && languages.length > 0 ? { languages } : {}),
    ...(form.pathPrefix.trim() !== '' ? { pathPrefix: form.pathPrefix.trim() } : {}),
  };
  return {
    repo: form.repo,
    query: form.query,
    k: Number.parseInt(form.k, 10) || 10,
    group: form.group,
    ...(form.mode !== '' ? { mode: form.mode } : {}),
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  };
}

function ResultItem({ result }: { result: QueryResult }) {
  return (
    <li class="result">
      <h3>
        <code>{result.symbol || '(module)'}</code>{' '}
        <span class="meta">
          {result.kind} · {result.language} · score {result.score.toFixed(3)}
          {result.parts !== undefined ? ` · ${result.parts} parts` : ''}
        </span>
      </h3>
      <p class="location">
        <code>{result.path}</code>, lines {result.startLine}–{result.endLine}
      </p>
      <pre tabIndex={0} aria-label={`Snippet of ${result.symbol || result.path}`}>
        <code>{result.snippet}</code>
      </pre>
    </li>
  );
}

function FileItem({ file }: { file: FileResult }) {
  return (
    <li class="result">
      <h3>
        <code>{file.path}</code>{' '}
        <span class="meta">
          {file.language} · score {file.score.toFixed(3)} · {file.matches} matching symbols
        </span>
      </h3>
      <ol class="results nested">
        {file.symbols.map((result) => (
          <ResultItem key={`${result.path}:${result.startLine}`} result={result} />
        ))}
      </ol>
    </li>
  );
}

function Results({ response }: { response: QueryResponse }) {
  const embedded = response.embedded;
  const summary = `${response.files?.length ?? response.results.length} results${response.mode ? ` (${response.mode})` : ''}${embedded && embedded.chunks < embedded.total ? `, ${embedded.chunks} of ${embedded.total} chunks embedded so far` : ''}`;
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">Results</h2>
      <p aria-live="polite">{summary}</p>
      <ol class="results">
        {response.files
          ? response.files.map((file) => <FileItem key={file.path} file={file} />)
          : response.results.map((result) => <ResultItem key={`${result.path}:${result.startLine}`} result={result} />)}
      </ol>
    </section>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

/** The query form: query, repository, mode, ranking, result count, languages and path prefix. */
function SearchFields(props: { form: SearchForm; set: (patch: Partial<SearchForm>) => void; repositories: readonly Repository[]; busy: boolean; onSubmit: (event: Event) => void }) {
  const { form, set, repositories, busy } = props;
  return (
    <form class="search-form" role="search" aria-label="Search code" onSubmit={props.onSubmit}>
      <div class="field wide">
        <label for="search-query">Query</label>
        <input id="search-query" type="search" required value={form.query} placeholder="where are tokens refreshed" onInput={(event) => set({ query: event.currentTarget.value })} />
      </div>
      <div class="field double">
        <RepositorySelect id="search-repo" label="Repository" repositories={repositories} value={form.repo} required onChange={(repo) => set({ repo })} />
      </div>
      <Field id="search-mode" label="Mode">
        <select id="search-mode" value={form.mode} onChange={(event) => set({ mode: event.currentTarget.value as SearchForm['mode'] })}>
          <option value="">best available</option>
          <option value="hybrid">hybrid</option>
          <option value="vector">vector</option>
          <option value="text">text (BM25)</option>
        </select>
      </Field>
      <Field id="search-group" label="Rank">
        <select id="search-group" value={form.group} onChange={(event) => set({ group: event.currentTarget.value as QueryGroup })}>
          <option value="chunk">symbols</option>
          <option value="file">files</option>
        </select>
      </Field>
      <Field id="search-k" label="Results">
        <input id="search-k" type="number" min={1} max={200} value={form.k} onInput={(event) => set({ k: event.currentTarget.value })} />
      </Field>
      <Field id="search-languages" label="Languages">
        <input id="search-languages" value={form.languages} placeholder="typescript, python" onInput={(event) => set({ languages: event.currentTarget.value })} />
      </Field>
      <Field id="search-prefix" label="Path prefix">
        <input id="search-prefix" value={form.pathPrefix} placeholder="src/" onInput={(event) => set({ pathPrefix: event.currentTarget.value })} />
      </Field>
      <button type="submit" disabled={busy || form.repo === ''}>
        Search
      </button>
    </form>
  );
}

/** Search: a query over one repository with its mode, grouping and filters; ranked symbols (or files) with snippets and lines. */
export function SearchPage() {
  const [repositories, setRepositories] = useState<Repository[]>([]);
  const [form, setForm] = useState<SearchForm>({ repo: '', query: '', mode: '', group: 'chunk', k: '10', languages: '', pathPrefix: '' });
  const [response, setResponse] = useState<QueryResponse | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<SearchForm>): void => setForm((current) => ({ ...current, ...patch }));
  useEffect(() => {
    api.repositories().then((list) => {
      setRepositories(list);
      setForm((current) => (current.repo === '' && list[0] ? { ...current, repo: list[0].root } : current));
    }, (caught: unknown) => setError(describeError(caught)));
  }, []);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      setResponse(await api.query(queryOf(form)));
      setError(undefined);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Search</h1>
      <SearchFields form={form} set={set} repositories={repositories} busy={busy} onSubmit={(event) => void submit(event)} />
      {error ? <p role="alert" class="error-text">{error}</p> : null}
      {repositories.length === 0 && !error ? <p>Register a repository first to search it.</p> : null}
      {response ? <Results response={response} /> : null}
    </>
  );
}
