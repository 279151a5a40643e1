/**
 * English words a task says in passing that are also common definition names
 * (`add`, `get`, `error`, `test`...): a defined `test` in some file does not make
 * "add a test" a mention of it. Identifier-shaped words (`hijackReply`, `max_age`) are
 * never on this list's mercy.
 */
const COMMON_WORDS = new Set(
  (
    'a about above add added adds after again all allow also an and any api app are as at back be because been before being below between both bug but by call ' +
    'called calls can case change changes check class code config could create data default delete do does done each else empty end error errors event every ' +
    'example except fail fails false file files find first fix fixed fixes for from function get given has have how if in index info init input instead into is ' +
    'it item its just key keys last let like list load make many may method more move must name names need new next no none not now null number object of ' +
    'off on once one only option options or other out output over path read remove rename replace request response result return run same see set should ' +
    'show since size so some start state string support test tests than that the their them then there these they this to true try type types under ' +
    'update url use used user uses using value values was we when where which while will with without would write you'
  ).split(' '),
);

/** Whether a word is everyday English that also happens to name things in code (`error`, `test`, `add`), in any case. */
export function isEverydayWord(word: string): boolean {
  return COMMON_WORDS.has(word.toLowerCase());
}

const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** camelCase, PascalCase with an inner capital, snake_case, digits or `$`: a word no one writes in prose. */
function identifierShaped(word: string): boolean {
  return /[a-z][A-Z]|[A-Z]{2}[a-z]|.[_$]|\d/.test(word);
}

/**
 * The defined names a task's text mentions, in order of first mention: identifier-shaped
 * words that name a definition, and plain words that do when they are not everyday
 * English (`hijack` yes, `error` no). Exact case: `Reply` names the class, `reply` does not.
 */
export function mentionedNames(text: string, isDefined: (name: string) => boolean): string[] {
  const found = new Set<string>();
  for (const [word] of text.matchAll(WORD)) {
    if (found.has(word) || !isDefined(word)) continue;
    if (identifierShaped(word) || (word.length >= 3 && !isEverydayWord(word))) found.add(word);
  }
  return [...found];
}

/**
 * The repository files a task's text names: a whole path (`lib/reply.js`) or a path's
 * unambiguous tail with an extension (`reply.js`, `http/reply.js`). Returned in path order.
 */
export function mentionedFiles(text: string, paths: readonly string[]): string[] {
  const words = new Set<string>();
  for (const [word] of text.matchAll(/[\w$@.\-/]+/g)) {
    const trimmed = word.replace(/^[./]+|[.,:;!?)]+$/g, '');
    if (trimmed.includes('.') || trimmed.includes('/')) words.add(trimmed);
  }
  if (words.size === 0) return [];
  const byTail = new Map<string, string[]>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let start = 0; start < parts.length; start++) {
      const tail = parts.slice(start).join('/');
      if (!words.has(tail)) continue;
      const list = byTail.get(tail) ?? [];
      list.push(path);
      byTail.set(tail, list);
    }
  }
  const found = new Set<string>();
  for (const [tail, list] of byTail) if (list.length === 1 || list.includes(tail)) found.add(list.length === 1 ? list[0]! : tail);
  return [...found].sort();
}
