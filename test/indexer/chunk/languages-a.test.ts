import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { chunkText, type ChunkedFile } from '../../../indexer/chunk/index.js';
import type { Chunk, ChunkKind, LanguageId } from '../../../schemas/index.js';

/** One expected symbol chunk: kind, qualified name, first and last line (1-based, inclusive). */
type Expected = readonly [ChunkKind, string, number, number];

/** What one fixture must chunk into, written from reading the fixture. */
interface LanguageCase {
  language: LanguageId;
  /** Path under `test/fixtures/languages/`. */
  fixture: string;
  /** Every non-module chunk, in source order; a split symbol appears once per part. */
  symbols: readonly Expected[];
  /** The symbol over the token budget and the number of parts it is cut into. */
  split: { qualifiedName: string; count: number };
  /** Doc comments or docstrings worth pinning, by qualified name (first chunk of that name). */
  docs: Readonly<Record<string, string>>;
  /** Signatures worth pinning, by qualified name. */
  signatures: Readonly<Record<string, string>>;
}

const fixtures = new URL('../../fixtures/languages/', import.meta.url);

const cases: readonly LanguageCase[] = [
  {
    language: 'typescript',
    fixture: 'typescript/ledger.ts',
    symbols: [
      ['enum', 'Currency', 4, 8],
      ['type', 'EntryId', 10, 10],
      ['interface', 'Entry', 12, 19],
      ['function', 'fingerprint', 23, 26],
      ['function', 'parseCents', 28, 29],
      ['function', 'parseCents', 30, 30],
      ['function', 'parseCents', 31, 33],
      ['namespace', 'Rules', 35, 40],
      ['function', 'Rules.allowed', 36, 39],
      ['class', 'Store', 42, 50],
      ['method', 'Store.load', 44, 45],
      ['method', 'Store.describe', 47, 49],
      ['namespace', 'ledger-plugins', 52, 56],
      ['interface', 'ledger-plugins.Plugin', 53, 55],
      ['class', 'Ledger', 58, 104],
      ['method', 'Ledger.constructor', 62, 62],
      ['method', 'Ledger.record', 64, 68],
      ['method', 'Ledger.balance', 70, 71],
      ['method', 'Ledger.settle', 73, 86],
      ['method', 'Ledger.settle', 88, 93],
      ['method', 'Ledger.settle', 95, 103],
    ],
    split: { qualifiedName: 'Ledger.settle', count: 3 },
    docs: {
      Currency: '/** Currencies the ledger accepts. */',
      fingerprint: '/** Hashes an entry so duplicates can be detected. */',
      'Rules.allowed': '/** Whether an entry is within the configured limits. */',
      'Store.load': '/** Loads every entry of an account. */',
      Ledger: '/** An append-only list of entries with running balances. */',
    },
    signatures: {
      'Ledger.settle': 'async settle(adjustments: Readable, signal: AbortSignal): Promise<Map<string, number>>',
      'ledger-plugins': "module 'ledger-plugins'",
    },
  },
  {
    language: 'tsx',
    fixture: 'tsx/ledger-view.tsx',
    symbols: [
      ['interface', 'LedgerViewProps', 3, 8],
      ['type', 'SortKey', 10, 10],
      ['function', 'formatCents', 14, 17],
      ['function', 'LedgerRow', 19, 25],
      ['function', 'LedgerView', 27, 40],
      ['function', 'LedgerView', 41, 55],
      // A function nested in an oversized one gets a chunk of its own.
      ['function', 'LedgerView.toggle', 43, 46],
      ['function', 'LedgerView', 56, 71],
      ['class', 'Panel', 73, 85],
      ['method', 'Panel.constructor', 75, 75],
      ['method', 'Panel.render', 77, 84],
    ],
    split: { qualifiedName: 'LedgerView', count: 3 },
    docs: {
      LedgerViewProps: '/** Props of the ledger table. */',
      LedgerRow: '/** A single row; highlights negative amounts. */',
      Panel: '/** Wraps children in a titled panel. */',
    },
    signatures: { LedgerView: 'function LedgerView({ entries, currency, onSelect }: LedgerViewProps): ReactNode' },
  },
  {
    language: 'javascript',
    fixture: 'javascript/reply.jsx',
    symbols: [
      ['function', 'Reply', 8, 16],
      ['method', 'Reply.hijack', 18, 22],
      ['method', 'Reply.header', 24, 27],
      ['function', 'serialize', 29, 33],
      ['method', 'Reply.send', 35, 42],
      ['method', 'Reply.send', 44, 59],
      ['method', 'Reply.send', 61, 66],
      ['function', 'ErrorPage', 68, 76],
      ['class', 'TimedReply', 78, 94],
      ['method', 'TimedReply.from', 82, 84],
      ['method', 'TimedReply.markSent', 86, 88],
      ['method', 'TimedReply.renderError', 90, 93],
    ],
    split: { qualifiedName: 'Reply.send', count: 3 },
    docs: {
      'Reply.hijack': '/** Takes the response over: the framework will not send anything. */',
      serialize: '/** Serializes a payload to JSON, refusing values that cannot round-trip. */',
      ErrorPage: '/** Renders an error page as a React element. */',
      'TimedReply.renderError': '/** Renders the error page for this reply. */',
    },
    signatures: { 'Reply.hijack': 'Reply.prototype.hijack = function ()' },
  },
  {
    language: 'python',
    fixture: 'python/ledger.py',
    symbols: [
      ['function', 'fingerprint', 12, 14],
      ['class', 'Entry', 17, 28],
      ['method', 'Entry.key', 26, 28],
      ['class', 'Ledger', 31, 78],
      ['class', 'Ledger.Error', 34, 39],
      ['method', 'Ledger.Error.__init__', 37, 39],
      ['method', 'Ledger.__init__', 41, 43],
      ['method', 'Ledger.limit', 45, 49],
      ['method', 'Ledger.record', 51, 54],
      ['method', 'Ledger.settle', 56, 67],
      ['method', 'Ledger.settle', 69, 78],
    ],
    split: { qualifiedName: 'Ledger.settle', count: 2 },
    docs: {
      fingerprint: '"""Identifies an entry so duplicates can be detected."""',
      Entry: '"""One movement of money between two accounts."""',
      'Ledger.Error': '"""Raised when an entry breaks the ledger\'s rules."""',
      'Ledger.limit': '# Kept for callers of the old API.',
    },
    signatures: { 'Entry.key': 'def key(self) -> str', 'Ledger.Error': 'class Error(Exception)' },
  },
  {
    language: 'go',
    fixture: 'go/ledger.go',
    symbols: [
      ['struct', 'Entry', 16, 21],
      ['interface', 'Recorder', 23, 26],
      ['type', 'AccountID', 29, 30],
      ['type', 'Totals', 31, 32],
      ['struct', 'Ledger', 35, 39],
      ['struct', 'Page', 41, 45],
      ['method', 'Page.Empty', 47, 48],
      ['function', 'NewLedger', 50, 53],
      ['method', 'Ledger.Record', 55, 62],
      ['method', 'Ledger.Len', 64, 65],
      ['method', 'Ledger.Settle', 67, 84],
      ['method', 'Ledger.Settle', 86, 98],
    ],
    split: { qualifiedName: 'Ledger.Settle', count: 2 },
    docs: {
      Entry: '// Entry is one movement of money between two accounts.',
      AccountID: '// AccountID names an account.',
      'Ledger.Settle': "// Settle settles every open account against the owner's account,\n// applying adjustments first. Accounts that net to zero are skipped.",
    },
    signatures: {
      Entry: 'type Entry struct',
      Page: 'type Page[T any] struct',
      Totals: 'Totals map[AccountID]int64',
      'Ledger.Settle': 'func (l *Ledger) Settle(adjustments Totals) (Totals, error)',
    },
  },
  {
    language: 'rust',
    fixture: 'rust/ledger.rs',
    symbols: [
      ['type', 'AccountId', 9, 10],
      ['struct', 'Entry', 12, 18],
      ['enum', 'LedgerError', 20, 25],
      ['impl', 'LedgerError', 27, 34],
      ['method', 'LedgerError::fmt', 28, 33],
      ['trait', 'Settle', 36, 45],
      ['method', 'Settle::settle', 38, 39],
      ['method', 'Settle::is_settled', 41, 44],
      ['struct', 'Ledger', 47, 51],
      ['impl', 'Ledger', 53, 67],
      ['method', 'Ledger::new', 54, 57],
      ['method', 'Ledger::record', 59, 66],
      ['impl', 'Ledger', 69, 92],
      ['method', 'Ledger::settle', 70, 76],
      ['method', 'Ledger::settle', 78, 91],
      ['function', 'ledger', 94, 101],
      ['namespace', 'tests', 103, 112],
      ['function', 'tests::records_entries', 107, 111],
    ],
    split: { qualifiedName: 'Ledger::settle', count: 2 },
    docs: {
      Entry: '/// One movement of money between two accounts.',
      'Settle::settle': '/// Settles every account, returning what moved.',
      'Ledger::settle': '/// Applies adjustments, then moves every non-zero balance to the owner.',
    },
    signatures: { Ledger: "pub struct Ledger<'a>", 'LedgerError::fmt': "fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result" },
  },
];

async function chunkFixture(fixture: string): Promise<{ text: string; file: ChunkedFile }> {
  const text = await readFile(new URL(fixture, fixtures), 'utf8');
  return { text, file: await chunkText(fixture, text) };
}

const symbolChunks = (file: ChunkedFile): Chunk[] => file.chunks.filter((chunk) => chunk.kind !== 'module');
const byPosition = (left: Expected, right: Expected): number => left[2] - right[2] || right[3] - left[3] || left[1].localeCompare(right[1]);
const within = (line: number, chunk: Chunk): boolean => line >= chunk.startLine && line <= chunk.endLine;

for (const languageCase of cases) {
  describe(`chunker on ${languageCase.fixture}`, () => {
    it('finds exactly the expected symbols', async () => {
      const { file } = await chunkFixture(languageCase.fixture);
      assert.equal(file.language, languageCase.language);
      assert.equal(file.method, 'symbols');
      const actual = symbolChunks(file).map((chunk): Expected => [chunk.kind, chunk.qualifiedName, chunk.startLine, chunk.endLine]);
      assert.deepEqual(actual.sort(byPosition), [...languageCase.symbols].sort(byPosition));
    });

    it('puts every non-blank line in a chunk, and leaves to the module chunk only what no symbol holds', async () => {
      const { text, file } = await chunkFixture(languageCase.fixture);
      const lines = text.split('\n');
      const symbols = symbolChunks(file);
      const outside: string[] = [];
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        assert.ok(file.chunks.some((chunk) => within(index + 1, chunk)), `line ${index + 1} is in no chunk: ${line}`);
        if (!symbols.some((chunk) => within(index + 1, chunk))) outside.push(line);
      });
      const moduleLines = file.chunks
        .filter((chunk) => chunk.kind === 'module')
        .flatMap((chunk) => chunk.content.split('\n'))
        .filter((line) => line.trim() !== '');
      assert.deepEqual(moduleLines, outside);
    });

    it(`splits ${languageCase.split.qualifiedName} into parts that each carry its signature`, async () => {
      const { file } = await chunkFixture(languageCase.fixture);
      const { qualifiedName, count } = languageCase.split;
      const parts = file.chunks.filter((chunk) => chunk.qualifiedName === qualifiedName && chunk.part !== undefined);
      assert.equal(parts.length, count);
      parts.forEach((part, index) => {
        assert.deepEqual(part.part, { index: index + 1, count });
        assert.ok(part.header.startsWith(`${languageCase.fixture} › `), part.header);
        assert.ok(part.header.endsWith(`${part.signature} (part ${index + 1}/${count})`), part.header);
        assert.equal(part.doc !== undefined, index === 0, 'only the first part carries the doc');
        const previous = parts[index - 1];
        if (previous) assert.ok(part.startLine > previous.endLine, 'parts do not overlap');
      });
      const whole = file.chunks.filter((chunk) => chunk.qualifiedName === qualifiedName);
      assert.equal(whole.length, count, 'a split symbol has no unsplit chunk besides its parts');
    });

    it('elides each nested symbol to its signature in the enclosing chunk', async () => {
      const { file } = await chunkFixture(languageCase.fixture);
      const symbols = symbolChunks(file);
      for (const child of symbols) {
        const owner = child.qualifiedName.slice(0, child.qualifiedName.length - child.name.length - 1);
        const enclosing = symbols.filter((chunk) => chunk.qualifiedName === owner && chunk.startLine <= child.startLine && chunk.endLine >= child.endLine);
        if (enclosing.length === 0) continue;
        assert.ok(
          enclosing.some((chunk) => chunk.content.includes(`${child.signature} …`)),
          `${owner} does not elide ${child.qualifiedName}`,
        );
      }
    });

    it('keeps doc comments and signatures', async () => {
      const { file } = await chunkFixture(languageCase.fixture);
      const first = (qualifiedName: string): Chunk | undefined => file.chunks.find((chunk) => chunk.qualifiedName === qualifiedName);
      for (const [qualifiedName, doc] of Object.entries(languageCase.docs)) assert.equal(first(qualifiedName)?.doc, doc, qualifiedName);
      for (const [qualifiedName, signature] of Object.entries(languageCase.signatures)) {
        assert.equal(first(qualifiedName)?.signature, signature, qualifiedName);
      }
    });
  });
}
