// A small glob matcher for rule scopes and protected paths: `**` crosses folders,
// `*` and `?` do not, `{a,b}` alternates, `[...]` is a class. A pattern without a
// slash matches the file name at any depth, as in .gitignore.

const cache = new Map<string, RegExp>();

/** The regular expression of a glob, anchored on a `/`-separated relative path. */
export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  let pattern = glob.trim().replace(/^\.\//, '');
  if (pattern.endsWith('/')) pattern = `${pattern}**`;
  const anchored = pattern.includes('/') ? pattern.replace(/^\//, '') : `**/${pattern}`;
  const expression = new RegExp(`^${translate(anchored)}$`);
  cache.set(glob, expression);
  return expression;
}

function translate(glob: string): string {
  let out = '';
  let braces = 0;
  for (let index = 0; index < glob.length; index += 1) {
    const character = glob[index] ?? '';
    if (character === '*') {
      if (glob[index + 1] === '*') {
        const slashAfter = glob[index + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        index += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (character === '?') out += '[^/]';
    else if (character === '{') {
      braces += 1;
      out += '(?:';
    } else if (character === '}' && braces > 0) {
      braces -= 1;
      out += ')';
    } else if (character === ',' && braces > 0) out += '|';
    else if (character === '[') {
      const close = glob.indexOf(']', index + 1);
      if (close === -1) out += '\\[';
      else {
        out += `[${glob.slice(index + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        index = close;
      }
    } else out += character.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return out;
}

/** True when the relative path matches any of the globs. */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  const normalized = path.replace(/^\.\//, '');
  return globs.some((glob) => glob.trim() !== '' && globToRegExp(glob).test(normalized));
}
