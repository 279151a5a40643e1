// The web UI's entry point: the layout (skip link, navigation, main landmark), the
// token prompt and the page of the current route.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { onUnauthorized, session } from './api.js';
import { RepositoriesPage } from './pages/repositories.js';
import { SearchPage } from './pages/search.js';
import { StatsPage } from './pages/stats.js';
import { TaskPage } from './pages/task.js';
import { TasksPage } from './pages/tasks.js';
import { href, useRoute, type Route } from './router.js';
import { TokenPrompt } from './components/token-prompt.js';

const titles: Record<Route['page'], string> = { repositories: 'Repositories', search: 'Search', tasks: 'Tasks', task: 'Task', stats: 'Stats' };

function Navigation({ route }: { route: Route }) {
  const current = route.page === 'task' ? 'tasks' : route.page;
  return (
    <nav aria-label="Main">
      <ul>
        {(['repositories', 'search', 'tasks', 'stats'] as const).map((page) => (
          <li key={page}>
            <a href={href({ page })} aria-current={current === page ? 'page' : undefined}>
              {titles[page]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'repositories':
      return <RepositoriesPage />;
    case 'search':
      return <SearchPage />;
    case 'tasks':
      return <TasksPage />;
    case 'task':
      return <TaskPage id={route.id} />;
    case 'stats':
      return <StatsPage />;
  }
}

function App() {
  const route = useRoute();
  const [asking, setAsking] = useState(false);
  // Each token given remounts the page, so it loads again with it.
  const [generation, setGeneration] = useState(0);
  const main = useRef<HTMLElement>(null);
  useEffect(() => onUnauthorized(() => setAsking(true)), []);
  const firstRoute = useRef(true);
  useEffect(() => {
    document.title = `${titles[route.page]} · minions`;
    // After a navigation (not on load), move focus to the new page as a page load would, for keyboard and screen-reader users.
    if (!firstRoute.current) main.current?.focus({ preventScroll: true });
    firstRoute.current = false;
  }, [route]);
  const accept = (token: string): void => {
    session.setToken(token);
    setAsking(false);
    setGeneration((value) => value + 1);
  };
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">minions</span>
        <Navigation route={route} />
      </header>
      {asking ? <TokenPrompt hadToken={session.token() !== undefined} onSubmit={accept} /> : null}
      <main id="main" ref={main} tabIndex={-1}>
        {asking ? null : <Page key={`${generation}:${JSON.stringify(route)}`} route={route} />}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
