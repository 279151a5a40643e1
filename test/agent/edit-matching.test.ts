// Unit tests of edit_file's matching (agent/tools/edit-matching.ts): CRLF files, read_file's
// line-number prefixes, indentation-insensitive matches re-indented to the file,
// ambiguity and the closest lines shown on a miss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planEdit, stripLineNumbers } from '../../agent/tools/edit-matching.js';

const python = 'class Box:\n    def size(self):\n        return 1\n\n    def name(self):\n        return "box"\n';

describe('edit matching', () => {
  it('matches LF search text in a CRLF file and keeps CRLF endings', () => {
    const file = 'a = 1\r\nb = 2\r\nc = 3\r\n';
    const planned = planEdit(file, 'a = 1\nb = 2\n', 'a = 1\nb = 20\nb2 = 21\n', 'x.py');
    assert.deepEqual(planned, { ok: true, text: 'a = 1\r\nb = 20\r\nb2 = 21\r\nc = 3\r\n', line: 1, how: 'exact' });
    assert.deepEqual(planEdit(file, 'b = 2\r\n', 'b = 5\r\n', 'x.py'), { ok: true, text: 'a = 1\r\nb = 5\r\nc = 3\r\n', line: 2, how: 'exact' });
  });

  it('edits a file with mixed endings line by line, keeping the endings of the lines it does not touch', () => {
    assert.deepEqual(planEdit('a\r\nb\nc\r\n', 'a\nb', 'x', 'm.txt'), { ok: true, text: 'x\nc\r\n', line: 1, how: 'whitespace' });
  });

  it('strips read_file line-number prefixes only when every line has one', () => {
    assert.equal(stripLineNumbers(' 9| x = 1\n10|     y\n11|'), 'x = 1\n    y\n');
    assert.equal(stripLineNumbers('1| a\nb'), '1| a\nb');
    const planned = planEdit(python, '2|     def size(self):\n3|         return 1', '2|     def size(self):\n3|         return 2', 'box.py');
    assert.deepEqual(planned, { ok: true, text: python.replace('return 1', 'return 2'), line: 2, how: 'exact' });
  });

  it('applies a search text that matches once ignoring indentation, re-indented to the file', () => {
    const planned = planEdit(python, 'def size(self):\n    return 1', 'def size(self):\n    if self.empty:\n        return 0\n    return 1', 'box.py');
    assert.deepEqual(planned, {
      ok: true, line: 2, how: 'whitespace',
      text: 'class Box:\n    def size(self):\n        if self.empty:\n            return 0\n        return 1\n\n    def name(self):\n        return "box"\n',
    });
    const deeper = planEdit('if x:\n  go()\n  stop()\n', '        go()\n        stop()', '        go()\n        pause()', 'a.py');
    assert.deepEqual(deeper, { ok: true, text: 'if x:\n  go()\n  pause()\n', line: 2, how: 'whitespace' });
  });

  it('re-indents within a CRLF file too', () => {
    const planned = planEdit('{\r\n\tif (a) {\r\n\t\tb();\r\n\t}\r\n}\r\n', 'if (a) {\n    b();\n}', 'if (a) {\n    c();\n}', 'a.js');
    assert.deepEqual(planned, { ok: true, text: '{\r\n\tif (a) {\r\n\t\tc();\r\n\t}\r\n}\r\n', line: 2, how: 'whitespace' });
  });

  it('names how many places and where when the loose match is ambiguous', () => {
    const planned = planEdit(python, 'return 1\n', 'return 3\n', 'box.py');
    assert.deepEqual(planned.ok, true);
    const twice = planEdit('a:\n  x()\nb:\n    x()\n', '\tx()', 'y()', 'two.py');
    assert.deepEqual(twice, { ok: false, error: 'Ignoring indentation, the search text matches 2 places in two.py (at lines 2, 4); include more surrounding lines so it matches exactly once.' });
  });

  it('shows the closest lines, numbered, on a miss', () => {
    const planned = planEdit(python, '    def name(self) -> str:\n        return "box"', 'x', 'box.py');
    assert.equal(planned.ok, false);
    assert.match(planned.ok ? '' : planned.error, /^The search text was not found in box\.py\. Read the file again and copy the text exactly \(without line-number prefixes\)\.\nThe closest lines in the file are:\n3\| {9}return 1\n4\| \n5\| {5}def name\(self\):\n6\| {9}return "box"\n7\| $/);
  });
});
