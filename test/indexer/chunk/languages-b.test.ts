import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { chunkText } from '../../../indexer/index.js';
import type { Chunk, ChunkKind, LanguageId } from '../../../schemas/index.js';

/** A symbol as the tests name it: kind, qualified name, first and last line (1-based, inclusive). */
type SymbolRange = [kind: ChunkKind, qualifiedName: string, startLine: number, endLine: number];

interface Fixture {
  /** Path under `test/fixtures/`, which is also the path the chunker is given. */
  path: string;
  language: LanguageId;
  /** Every chunk but module ones, in source order; the parts of a split symbol count as one range. */
  symbols: SymbolRange[];
  /** The qualified name of the symbol over the token budget, which must come in parts. */
  split: string;
  /** Exact docs of a few symbols, by qualified name. */
  docs: Record<string, string>;
  /** Exact signatures of a few symbols, by qualified name. */
  signatures: Record<string, string>;
  /** Lines of top-level code between symbols that a module chunk must hold. */
  moduleCode: string[];
}

const fixtures: Fixture[] = [
  {
    path: 'languages/cpp/ledger.cpp',
    language: 'cpp',
    symbols: [
      ['namespace', 'bank', 8, 93],
      ['type', 'bank::Cents', 10, 10],
      ['enum', 'bank::EntryKind', 12, 13],
      ['struct', 'bank::Entry', 15, 21],
      ['method', 'bank::Entry::operator==', 20, 20],
      ['class', 'bank::Ledger', 23, 40],
      ['method', 'bank::Ledger::Ledger', 26, 26],
      ['method', 'bank::Ledger::record', 28, 31],
      ['method', 'bank::Ledger::balance', 42, 46],
      ['method', 'bank::Ledger::settle', 48, 71],
      ['function', 'bank::largest', 73, 77],
      ['class', 'bank::Stamped', 79, 91],
      ['method', 'bank::Stamped::Stamped', 83, 83],
      ['method', 'bank::Stamped::~Stamped', 84, 84],
      ['method', 'bank::Stamped::value', 86, 86],
      ['function', 'main', 95, 100],
    ],
    split: 'bank::Ledger::settle',
    docs: {
      'bank::largest': '/// Returns the largest of two values of any ordered type.',
      'bank::Ledger::settle': "// Folds the day's entries into the balances, rejecting overdrafts and\n// reporting every account whose balance changed.",
    },
    signatures: {
      'bank::Ledger::balance': 'Cents Ledger::balance(const std::string& account) const',
      'bank::Stamped::value': 'const T& value() const',
    },
    moduleCode: ['#include <map>'],
  },
  {
    path: 'languages/c/ledger.h',
    language: 'c',
    symbols: [
      ['type', 'cents_t', 12, 13],
      ['struct', 'account', 15, 19],
      ['type', 'ledger_status', 21, 26],
      ['type', 'ledger_t', 28, 32],
      ['struct', 'amount_bits', 34, 37],
      ['type', 'ledger_visitor', 39, 39],
      ['function', 'ledger_clear', 44, 49],
      ['function', 'ledger_transfer', 51, 80],
      ['function', 'ledger_each', 82, 87],
    ],
    split: 'ledger_transfer',
    docs: {
      cents_t: '/* Amounts are whole cents. */',
      ledger_clear: '/** Resets every balance to zero. */',
    },
    signatures: {
      ledger_each: 'static inline void ledger_each(const ledger_t *ledger, ledger_visitor visit, void *context)',
    },
    moduleCode: ['#ifndef LEDGER_H', '#define LEDGER_MAX_ACCOUNTS 64', 'struct account *ledger_find(ledger_t *ledger, const char *name);', '#endif /* LEDGER_H */'],
  },
  {
    path: 'languages/java/Ledger.java',
    language: 'java',
    symbols: [
      ['class', 'Ledger', 8, 86],
      ['enum', 'Ledger.Kind', 17, 32],
      ['method', 'Ledger.Kind.Kind', 24, 26],
      ['method', 'Ledger.Kind.sign', 28, 31],
      ['class', 'Ledger.Entry', 34, 35],
      ['class', 'Ledger.Statement', 37, 48],
      ['method', 'Ledger.Statement.Statement', 41, 43],
      ['method', 'Ledger.Statement.account', 45, 47],
      ['method', 'Ledger.Ledger', 50, 53],
      ['method', 'Ledger.record', 55, 58],
      ['method', 'Ledger.settle', 60, 85],
      ['interface', 'Settleable', 88, 97],
      ['method', 'Settleable.settle', 90, 90],
      ['method', 'Settleable.settleTwice', 92, 96],
      ['interface', 'Settlement', 99, 102],
    ],
    split: 'Ledger.settle',
    docs: {
      Ledger: '/**\n * Keeps balances per account and settles them at the end of the day.\n */',
      'Ledger.Kind.sign': '/** The sign printed before amounts of this kind. */',
    },
    signatures: {
      Ledger: '@SuppressWarnings("unused") public class Ledger implements Settleable',
      'Ledger.settle': '@Override public void settle()',
    },
    moduleCode: ['package com.example.bank;', 'import java.util.List;'],
  },
  {
    path: 'languages/csharp/Ledger.cs',
    language: 'csharp',
    symbols: [
      ['namespace', 'Bank.Core', 4, 81],
      ['enum', 'Bank.Core.EntryKind', 6, 11],
      ['class', 'Bank.Core.Entry', 13, 14],
      ['interface', 'Bank.Core.ISettleable', 16, 20],
      ['method', 'Bank.Core.ISettleable.Settle', 19, 19],
      ['class', 'Bank.Core.Ledger', 22, 80],
      ['method', 'Bank.Core.Ledger.Ledger', 31, 35],
      ['method', 'Bank.Core.Ledger.Record', 39, 40],
      ['method', 'Bank.Core.Ledger.Settle', 42, 71],
      ['struct', 'Bank.Core.Ledger.Statement', 73, 79],
      ['method', 'Bank.Core.Ledger.Statement.ToString', 78, 78],
    ],
    split: 'Bank.Core.Ledger.Settle',
    docs: {
      'Bank.Core.Ledger': '/// <summary>\n/// Keeps balances per account and settles them at the end of the day.\n/// </summary>',
      'Bank.Core.Ledger.Record': '/// <summary>Records one entry; it counts only after <see cref="Settle"/>.</summary>',
    },
    signatures: {
      'Bank.Core.Ledger': '[Serializable] public sealed class Ledger : ISettleable',
      'Bank.Core.Ledger.Settle': '[Obsolete("Settle through a SettlementRun instead.")] public void Settle()',
    },
    moduleCode: ['using System;'],
  },
  {
    path: 'languages/csharp/Reports.cs',
    language: 'csharp',
    symbols: [
      ['class', 'Bank.Reports.ReportWriter', 5, 13],
      ['method', 'Bank.Reports.ReportWriter.Write', 8, 12],
      ['type', 'Bank.Reports.AccountVisitor', 15, 16],
    ],
    split: '',
    docs: { 'Bank.Reports.ReportWriter.Write': '/// <summary>One line per account.</summary>' },
    signatures: {},
    moduleCode: ['namespace Bank.Reports;', 'using Bank.Core;'],
  },
  {
    path: 'languages/ruby/ledger.rb',
    language: 'ruby',
    symbols: [
      ['namespace', 'Bank', 5, 77],
      ['method', 'Bank::format_cents', 7, 10],
      ['class', 'Bank::Ledger', 14, 73],
      ['method', 'Bank::Ledger::initialize', 20, 25],
      ['method', 'Bank::Ledger::open', 27, 32],
      ['method', 'Bank::Ledger::record', 34, 36],
      ['method', 'Bank::Ledger::default', 39, 42],
      ['method', 'Bank::Ledger::settle', 45, 66],
      ['method', 'Bank::Ledger::overdrawn?', 70, 72],
      ['class', 'Bank::SettlementError', 75, 76],
      ['function', 'summarize', 79, 82],
    ],
    split: 'Bank::Ledger::settle',
    docs: {
      'Bank::format_cents': '# Formats cents as a decimal amount.',
      'Bank::Ledger::default': '# The ledger used when none is given.',
    },
    signatures: {
      Bank: 'module Bank',
      'Bank::Ledger::open': 'def self.open(name)',
    },
    moduleCode: ["require 'set'", "Bank::Ledger.open('main') { |ledger| ledger.record('alice', 500) }"],
  },
  {
    path: 'languages/php/Ledger.php',
    language: 'php',
    symbols: [
      ['enum', 'App\\Bank\\EntryKind', 11, 24],
      ['method', 'App\\Bank\\EntryKind::sign', 19, 23],
      ['interface', 'App\\Bank\\Settleable', 26, 30],
      ['method', 'App\\Bank\\Settleable::settle', 29, 29],
      ['trait', 'App\\Bank\\Named', 32, 41],
      ['method', 'App\\Bank\\Named::name', 37, 40],
      ['class', 'App\\Bank\\Ledger', 43, 101],
      ['method', 'App\\Bank\\Ledger::__construct', 57, 60],
      ['method', 'App\\Bank\\Ledger::record', 62, 68],
      ['method', 'App\\Bank\\Ledger::settle', 70, 95],
      ['method', 'App\\Bank\\Ledger::open', 97, 100],
      ['function', 'App\\Bank\\format_cents', 103, 109],
    ],
    split: 'App\\Bank\\Ledger::settle',
    docs: {
      'App\\Bank\\Ledger::record': '/**\n     * Records one entry; it counts only after settle().\n     */',
      'App\\Bank\\format_cents': '/**\n * Formats cents as a decimal amount.\n */',
    },
    signatures: {
      'App\\Bank\\Ledger': '#[\\AllowDynamicProperties] final class Ledger implements Settleable',
      'App\\Bank\\Ledger::settle': '#[\\Override] public function settle(): void',
    },
    moduleCode: ['namespace App\\Bank;', "const DEFAULT_CURRENCY = 'EUR';", '$ledger->settle();'],
  },
];

/** Non-module chunks as ranges, the parts of a split symbol merged into the range of the whole. */
function symbolRanges(chunks: readonly Chunk[]): SymbolRange[] {
  const ranges: SymbolRange[] = [];
  for (const chunk of chunks) {
    if (chunk.kind === 'module') continue;
    const whole = chunk.part && chunk.part.index > 1 ? ranges.findLast((range) => range[1] === chunk.qualifiedName) : undefined;
    if (whole) whole[3] = Math.max(whole[3], chunk.endLine);
    else ranges.push([chunk.kind, chunk.qualifiedName, chunk.startLine, chunk.endLine]);
  }
  return ranges;
}

function assertParts(fixture: Fixture, chunks: readonly Chunk[]): void {
  const parts = chunks.filter((chunk) => chunk.qualifiedName === fixture.split);
  const range = fixture.symbols.find((symbol) => symbol[1] === fixture.split);
  assert.ok(range, `${fixture.split} is among the expected symbols`);
  assert.ok(parts.length >= 2, `${fixture.split} is split, got ${parts.length} part(s)`);
  assert.equal(parts[0]?.startLine, range[2], 'the first part starts with the symbol, doc comment included');
  assert.equal(parts.at(-1)?.endLine, range[3], 'the last part ends with the symbol');
  parts.forEach((part, index) => {
    assert.deepEqual(part.part, { index: index + 1, count: parts.length });
    assert.equal(part.signature, parts[0]?.signature);
    assert.ok(part.header.startsWith(`${fixture.path} › `), `part ${index + 1} header names the file: ${part.header}`);
    assert.ok(part.header.endsWith(`${part.signature} (part ${index + 1}/${parts.length})`), `part ${index + 1} header carries the signature: ${part.header}`);
    assert.ok(part.content.trim() !== '', `part ${index + 1} has content`);
    if (index > 0) assert.equal(part.startLine, (parts[index - 1]?.endLine ?? 0) + 1, 'parts are contiguous');
  });
  assert.ok(parts[0]?.doc === fixture.docs[fixture.split] || !(fixture.split in fixture.docs), 'the doc rides on the first part');
  assert.ok(parts.slice(1).every((part) => part.doc === undefined), 'later parts carry no doc');
}

describe('chunker on Java, C, C++, C#, Ruby and PHP fixtures', () => {
  for (const fixture of fixtures) {
    describe(fixture.path, () => {
      const text = readFileSync(new URL(`../../fixtures/${fixture.path}`, import.meta.url), 'utf8');
      const chunked = chunkText(fixture.path, text);

      it('parses with the grammar of its language', async () => {
        const { language, method, note } = await chunked;
        assert.equal(language, fixture.language);
        assert.equal(method, 'symbols', note);
      });

      it('finds exactly the expected symbols and their ranges', async () => {
        assert.deepEqual(symbolRanges((await chunked).chunks), fixture.symbols);
      });

      it('keeps docs and signatures with their symbols', async () => {
        const { chunks } = await chunked;
        const first = (name: string): Chunk | undefined => chunks.find((chunk) => chunk.qualifiedName === name && (chunk.part?.index ?? 1) === 1);
        for (const [name, doc] of Object.entries(fixture.docs)) assert.equal(first(name)?.doc, doc, `doc of ${name}`);
        for (const [name, signature] of Object.entries(fixture.signatures)) assert.equal(first(name)?.signature, signature, `signature of ${name}`);
      });

      it('splits only the oversized symbol, each part repeating its signature', async () => {
        const { chunks } = await chunked;
        const split = chunks.filter((chunk) => chunk.part !== undefined && chunk.kind !== 'module');
        assert.deepEqual([...new Set(split.map((chunk) => chunk.qualifiedName))], fixture.split === '' ? [] : [fixture.split]);
        if (fixture.split !== '') assertParts(fixture, chunks);
      });

      it('keeps top-level code between symbols in module chunks', async () => {
        const modules = (await chunked).chunks.filter((chunk) => chunk.kind === 'module');
        const moduleLines = new Set(modules.flatMap((chunk) => chunk.content.split('\n')));
        for (const line of fixture.moduleCode) assert.ok(moduleLines.has(line), `a module chunk holds ${line}`);
      });

      it('covers every non-blank line with at least one chunk', async () => {
        const { chunks } = await chunked;
        text.split('\n').forEach((line, index) => {
          const lineNumber = index + 1;
          if (line.trim() === '') return;
          const covered = chunks.some((chunk) => chunk.startLine <= lineNumber && lineNumber <= chunk.endLine);
          assert.ok(covered, `line ${lineNumber} is in no chunk: ${line}`);
        });
      });
    });
  }
});
