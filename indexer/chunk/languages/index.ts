import type { LanguageSpec } from '../language-spec.js';
import { c, cpp } from './c-family.js';
import { csharp } from './csharp.js';
import { go } from './go.js';
import { java } from './java.js';
import { javascript, tsx, typescript } from './javascript.js';
import { php } from './php.js';
import { python } from './python.js';
import { ruby } from './ruby.js';
import { rust } from './rust.js';

/** Every language the chunker parses. Adding one is a new spec file and a line here. */
export const languages: readonly LanguageSpec[] = [typescript, tsx, javascript, python, go, rust, java, c, cpp, csharp, ruby, php];

const byExtension = new Map<string, LanguageSpec>(languages.flatMap((spec) => spec.extensions.map((extension) => [extension, spec] as const)));

/** The language of a path by its extension (`.h` is read as C), or undefined when there is no grammar for it. */
export function languageForPath(path: string): LanguageSpec | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return byExtension.get(path.slice(dot).toLowerCase());
}
