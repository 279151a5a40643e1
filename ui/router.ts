// Client-side routing on the URL hash: the server serves one page at `/`, and a hash
// route survives a reload and works from a bookmark without any server route.
import { useEffect, useState } from 'preact/hooks';

/** The pages of the UI. */
export type Route = { page: 'repositories' } | { page: 'search' } | { page: 'tasks' } | { page: 'task'; id: string } | { page: 'stats' };

/** Reads a route from a hash such as `#/tasks/abc`; anything unknown is the repositories page. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((part) => part !== '');
  if (parts[0] === 'search') return { page: 'search' };
  if (parts[0] === 'tasks' && parts[1] !== undefined) return { page: 'task', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'tasks') return { page: 'tasks' };
  if (parts[0] === 'stats') return { page: 'stats' };
  return { page: 'repositories' };
}

/** The hash of a route, for links. */
export function href(route: Route): string {
  return route.page === 'task' ? `#/tasks/${encodeURIComponent(route.id)}` : `#/${route.page}`;
}

/** Goes to a route (a new history entry, as a link would). */
export function navigate(route: Route): void {
  location.hash = href(route);
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
