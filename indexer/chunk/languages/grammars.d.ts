// tree-sitter-c-sharp ships no type declarations; its default export is a tree-sitter Language.
declare module 'tree-sitter-c-sharp' {
  const language: unknown;
  export default language;
}
