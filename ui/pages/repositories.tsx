import { useState } from 'preact/hooks';
import type { Repository } from '../../schemas/index.js';
import { api, describeError } from '../api.js';
import { count, when } from '../format.js';
import { usePoll } from '../use-poll.js';

/** A repository's index status, with a progress bar while it is being indexed. */
function Status({ repository }: { repository: Repository }) {
  const { status, progress } = repository;
  if (status === 'indexing') {
    const label = progress.filesTotal > 0 ? `${count(progress.filesDone)} of ${count(progress.filesTotal)} files` : 'finding files';
    return (
      <span class="status indexing">
        indexing{' '}
        <progress max={Math.max(progress.filesTotal, 1)} value={progress.filesDone} aria-label={`Indexing ${repository.root}: ${label}`} /> {label}
      </span>
    );
  }
  return <span class={`status ${status}`}>{status}</span>;
}

function RepositoryRow({ repository, onRemove }: { repository: Repository; onRemove: (repository: Repository) => void }) {
  return (
    <tr>
      <th scope="row">
        <code>{repository.root}</code>
        {repository.error ? <p class="error-text">{repository.error}</p> : null}
      </th>
      <td>
        <Status repository={repository} />
      </td>
      <td class="number">{count(repository.files)}</td>
      <td class="number">{count(repository.chunks)}</td>
      <td>{repository.watching ? 'live' : 'no'}</td>
      <td>{when(repository.indexedAt)}</td>
      <td>
        <button type="button" class="danger" aria-label={`Remove ${repository.root}`} onClick={() => onRemove(repository)}>
          Remove
        </button>
      </td>
    </tr>
  );
}

function RegisterForm({ onRegistered }: { onRegistered: (message: string) => void }) {
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const repository = await api.register(path.trim());
      setPath('');
      setError(undefined);
      onRegistered(`Registered ${repository.root}; indexing.`);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={(event) => void submit(event)} aria-describedby="register-help">
      <h2>Register a repository</h2>
      <p id="register-help">An absolute path on the server's machine. It is indexed in the background, then kept fresh as its files change.</p>
      <label for="register-path">Repository path</label>
      <input id="register-path" required value={path} placeholder="/home/me/src/project" onInput={(event) => setPath(event.currentTarget.value)} />
      <button type="submit" disabled={busy}>
        Register
      </button>
      {error ? <p role="alert" class="error-text">{error}</p> : null}
    </form>
  );
}

/** The registered repositories: index status and progress (live while indexing), files, chunks; register and remove. */
export function RepositoriesPage() {
  const [announcement, setAnnouncement] = useState('');
  const repositories = usePoll((signal) => api.repositories(signal), [], (list) => (list.some((repository) => repository.status === 'indexing') ? 500 : 5000));
  const remove = async (repository: Repository): Promise<void> => {
    try {
      await api.unregister(repository.id);
      setAnnouncement(`Removed ${repository.root}. Its index stays on disk.`);
    } catch (caught) {
      setAnnouncement(describeError(caught));
    }
    repositories.reload();
  };
  const list = repositories.value ?? [];
  return (
    <>
      <h1>Repositories</h1>
      <p class="announce" aria-live="polite">
        {announcement}
      </p>
      {repositories.error ? <p role="alert" class="error-text">{repositories.error}</p> : null}
      {list.length === 0 ? (
        <p>{repositories.value === undefined ? 'Loading…' : 'No repository is registered yet.'}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Registered repositories</caption>
            <thead>
              <tr>
                <th scope="col">Repository</th>
                <th scope="col">Status</th>
                <th scope="col">Files</th>
                <th scope="col">Chunks</th>
                <th scope="col">Watching</th>
                <th scope="col">Indexed</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((repository) => (
                <RepositoryRow key={repository.id} repository={repository} onRemove={(target) => void remove(target)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RegisterForm
        onRegistered={(message) => {
          setAnnouncement(message);
          repositories.reload();
        }}
      />
    </>
  );
}
