import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { chunkText } from '../../../indexer/index.js';

/**
 * What the tags query of each language finds in its fixture, written from reading the
 * fixture: every definition (`kind name start-end`, the declaration's own lines, without
 * its doc comment), references that must be there (`name@line`), and every import.
 */
interface TagsCase {
  fixture: string;
  definitions: readonly string[];
  references: readonly string[];
  imports: readonly string[];
}

const fixtures = new URL('../../fixtures/languages/', import.meta.url);

const cases: readonly TagsCase[] = [
  {
    fixture: 'typescript/ledger.ts',
    definitions: ['enum Currency 5-8', 'type EntryId 10-10', 'interface Entry 13-19', 'constant MAX_CENTS 21-21', 'function fingerprint 24-26', 'function parseCents 29-29', 'function parseCents 30-30', 'function parseCents 31-33', 'module Rules 35-40', 'function allowed 37-39', 'class Store 43-50', 'method load 45-45', 'method describe 47-49', 'interface Plugin 53-55', 'class Ledger 59-104', 'method constructor 62-62', 'method record 65-68', 'method balance 70-71', 'method settle 77-103'],
    references: ['Entry@24', 'createHash@25', 'allowed@66', 'Readable@77', 'fingerprint@98'],
    imports: ['module node:crypto', 'module node:stream'],
  },
  {
    fixture: 'tsx/ledger-view.tsx',
    definitions: ['interface LedgerViewProps 4-8', 'type SortKey 10-10', 'constant formatter 12-12', 'function formatCents 15-17', 'function LedgerRow 20-25', 'function LedgerView 31-71', 'function toggle 43-46', 'class Panel 74-85', 'method constructor 75-75', 'method render 77-84'],
    references: ['LedgerViewProps@31', 'useState@32', 'formatCents@23', 'LedgerRow@59', 'SortKey@43'],
    imports: ['module react'],
  },
  {
    fixture: 'javascript/reply.jsx',
    definitions: ['constant kHijacked 5-5', 'constant DEFAULT_STATUS 6-6', 'function Reply 12-16', 'function hijack 19-22', 'function header 24-27', 'function serialize 30-33', 'function send 36-66', 'function ErrorPage 69-76', 'class TimedReply 79-94', 'method from 82-84', 'method markSent 86-88', 'method renderError 91-93'],
    references: ['serialize@57', 'setHeader@25', 'Reply@79', 'TimedReply@83', 'TypeError@31'],
    imports: ['module react'],
  },
  {
    fixture: 'python/ledger.py',
    definitions: ['constant MAX_CENTS 9-9', 'function fingerprint 12-14', 'class Entry 19-28', 'method key 27-28', 'class Ledger 31-78', 'class Error 34-39', 'method __init__ 37-39', 'method __init__ 41-43', 'method limit 48-49', 'method record 51-54', 'method settle 56-78'],
    references: ['fingerprint@28', 'Exception@34', 'Entry@51', 'limit@52', 'dataclass@18'],
    imports: ['import dataclasses', 'import functools', 'from typing', 'from typing.Iterable'],
  },
  {
    fixture: 'go/ledger.go',
    definitions: ['constant MaxCents 11-11', 'variable ErrOutOfRange 14-14', 'struct Entry 17-21', 'interface Recorder 24-26', 'method Record 25-25', 'type AccountID 30-30', 'type Totals 32-32', 'struct Ledger 36-39', 'struct Page 42-45', 'method Empty 48-48', 'function NewLedger 51-53', 'method Record 56-62', 'method Len 65-65', 'method Settle 69-98'],
    references: ['Errorf@58', 'Entry@56', 'Totals@69', 'Record@92', 'AccountID@51'],
    imports: ['package errors', 'package fmt', 'package sort'],
  },
  {
    fixture: 'rust/ledger.rs',
    definitions: ['constant MAX_CENTS 7-7', 'type AccountId 10-10', 'struct Entry 14-18', 'enum LedgerError 22-25', 'method fmt 28-33', 'trait Settle 37-45', 'method settle 39-39', 'method is_settled 42-44', 'struct Ledger 48-51', 'method new 55-57', 'method record 60-66', 'method settle 71-91', 'macro ledger 95-101', 'module tests 104-112', 'function records_entries 108-111'],
    references: ['Display@27', 'LedgerError@60', 'Settle@69', 'record@87', 'ledger@109', 'BTreeMap@39'],
    imports: ['use std::collections::BTreeMap', 'use std::fmt', 'use super'],
  },
  {
    fixture: 'java/Ledger.java',
    definitions: ['class Ledger 11-86', 'enum Kind 18-32', 'constructor Kind 24-26', 'method sign 29-31', 'class Entry 35-35', 'class Statement 38-48', 'constructor Statement 41-43', 'method account 45-47', 'constructor Ledger 51-53', 'method record 56-58', 'method settle 62-85', 'interface Settleable 89-97', 'method settle 90-90', 'method settleTwice 93-96', 'interface Settlement 100-102'],
    references: ['Settleable@12', 'ArrayList@14', 'add@57', 'IllegalStateException@70', 'settle@94'],
    imports: ['import java.util.ArrayList', 'import java.util.HashMap', 'import java.util.List', 'import java.util.Map'],
  },
  {
    fixture: 'c/ledger.h',
    definitions: ['constant LEDGER_H 5-5', 'constant LEDGER_MAX_ACCOUNTS 10-10', 'type cents_t 13-13', 'struct account 16-19', 'type ledger_status 22-26', 'struct ledger 29-32', 'type ledger_t 29-32', 'struct amount_bits 34-37', 'function ledger_find 42-42', 'function ledger_clear 45-49', 'function ledger_transfer 55-80', 'function ledger_each 83-87'],
    references: ['ledger_find@56', 'cents_t@55', 'ledger_t@42', 'visit@85'],
    imports: ['system stddef.h', 'system stdint.h'],
  },
  {
    fixture: 'cpp/ledger.cpp',
    definitions: ['module bank 8-93', 'type Cents 10-10', 'enum EntryKind 13-13', 'struct Entry 15-21', 'class Ledger 24-40', 'function Ledger 26-26', 'method record 29-31', 'method balance 33-33', 'method settle 34-34', 'method balance 43-46', 'method settle 50-71', 'function largest 75-77', 'class Stamped 81-91', 'function Stamped 83-83', 'method value 86-86', 'function main 95-100'],
    references: ['Ledger@96', 'record@97', 'settle@98', 'runtime_error@57', 'EntryKind@18'],
    imports: ['system cstdio', 'system map', 'system stdexcept', 'system string', 'system utility', 'system vector'],
  },
  {
    fixture: 'csharp/Ledger.cs',
    definitions: ['module Bank.Core 4-81', 'enum EntryKind 7-11', 'class Entry 14-14', 'interface ISettleable 17-20', 'method Settle 19-19', 'class Ledger 25-80', 'constructor Ledger 32-35', 'property Name 37-37', 'method Record 40-40', 'method Settle 44-71', 'struct Statement 74-79', 'method ToString 78-78'],
    references: ['ISettleable@26', 'Entry@40', 'Dictionary@47', 'InvalidOperationException@55'],
    imports: ['using System', 'using System.Collections.Generic'],
  },
  {
    fixture: 'ruby/ledger.rb',
    definitions: ['module Bank 6-77', 'method format_cents 8-10', 'constant VERSION 12-12', 'class Ledger 15-73', 'constant Entry 18-18', 'method initialize 21-25', 'method open 28-32', 'method record 34-36', 'method default 40-42', 'method settle 47-66', 'method overdrawn? 70-72', 'class SettlementError 76-76', 'method summarize 80-82'],
    references: ['Struct@18', 'format_cents@62', 'Ledger@84', 'open@84', 'StandardError@76'],
    imports: ['require set'],
  },
  {
    fixture: 'php/Ledger.php',
    definitions: ['module App\\Bank 5-5', 'constant DEFAULT_CURRENCY 9-9', 'enum EntryKind 14-24', 'method sign 20-23', 'interface Settleable 27-30', 'method settle 29-29', 'trait Named 33-41', 'method name 37-40', 'class Ledger 46-101', 'method __construct 57-60', 'method record 65-68', 'method settle 72-95', 'method open 97-100', 'function format_cents 106-109'],
    references: ['Settleable@47', 'EntryKind@65', 'InvalidArgumentException@81', 'sprintf@108', 'open@111'],
    imports: ['use InvalidArgumentException'],
  },
];

async function graphOf(fixture: string) {
  return (await chunkText(fixture, await readFile(new URL(fixture, fixtures), 'utf8'))).graph;
}

describe('tags queries on the language fixtures', () => {
  for (const expected of cases) {
    it(`${expected.fixture}: definitions, references and imports`, async () => {
      const graph = await graphOf(expected.fixture);
      assert.deepEqual(
        graph.definitions.map((definition) => `${definition.kind} ${definition.name} ${definition.startLine}-${definition.endLine}`),
        expected.definitions,
      );
      const references = new Set(graph.references.map((reference) => `${reference.name}@${reference.line}`));
      for (const reference of expected.references) assert.ok(references.has(reference), `${reference} among ${[...references].join(' ')}`);
      assert.deepEqual(graph.imports.map((entry) => `${entry.kind} ${entry.specifier}`), expected.imports);
    });
  }

  it('keeps the signature without the body, and the referencing line trimmed', async () => {
    const graph = await graphOf('typescript/ledger.ts');
    const settle = graph.definitions.find((definition) => definition.name === 'settle');
    assert.equal(settle?.signature, 'async settle(adjustments: Readable, signal: AbortSignal): Promise<Map<string, number>>');
    assert.equal(graph.references.find((reference) => reference.name === 'fingerprint')?.text, 'const id = fingerprint({ id: account, from: account, to: this.owner, cents, currency: Currency.Euro });');
    const go = await graphOf('go/ledger.go');
    assert.equal(go.definitions.find((definition) => definition.name === 'Settle')?.signature, 'func (l *Ledger) Settle(adjustments Totals) (Totals, error)');
    assert.equal(go.definitions.find((definition) => definition.name === 'Entry')?.signature, 'type Entry struct', 'a lone type spec keeps its keyword');
    assert.equal(go.definitions.find((definition) => definition.name === 'Totals')?.signature, 'Totals map[AccountID]int64', 'a spec of a group has none');
  });

  it('never counts a definition\'s own name as a reference to it', async () => {
    const go = new Set((await graphOf('go/ledger.go')).references.map((reference) => `${reference.name}@${reference.line}`));
    assert.ok(!go.has('Ledger@36') && !go.has('Entry@17'), 'type specs are not type uses');
    const rust = new Set((await graphOf('rust/ledger.rs')).references.map((reference) => `${reference.name}@${reference.line}`));
    assert.ok(!rust.has('Ledger@48') && !rust.has('Settle@37'));
  });

  it('skips noise: one-letter names, printing and receivers', async () => {
    const graph = (await chunkText('noise.py', 'def f(x):\n    print(len(x))\n    return g(x)\n\ndef h():\n    return f(1)\n')).graph;
    assert.deepEqual(graph.references, []);
    const named = (await chunkText('named.py', 'def helper():\n    return 1\n\ndef caller():\n    print(helper())\n')).graph;
    assert.deepEqual(named.references, [{ name: 'helper', line: 5, text: 'print(helper())' }]);
  });

  it('reads PHP requires written from __DIR__, and leaves computed ones out', async () => {
    const graph = (await chunkText('a.php', "<?php\nrequire_once __DIR__ . '/lib/helpers.php';\ninclude 'views/page.php';\nrequire $dynamic;\n")).graph;
    assert.deepEqual(graph.imports, [
      { specifier: '/lib/helpers.php', kind: 'require', line: 2 },
      { specifier: 'views/page.php', kind: 'require', line: 3 },
    ]);
  });

  it('has no graph for line windows (no grammar, or a parse that failed)', async () => {
    assert.deepEqual((await chunkText('notes.txt', 'refund() the charge\n')).graph, { definitions: [], references: [], imports: [] });
  });

  it('cuts a long referencing line', async () => {
    const long = `const total = compute(${'a + '.repeat(80)}b);`;
    const graph = (await chunkText('long.js', `function compute(value) { return value; }\n${long}\n`)).graph;
    const reference = graph.references.find((entry) => entry.name === 'compute');
    assert.equal(reference?.text.length, 160);
    assert.ok(reference?.text.endsWith('…'));
  });
});
