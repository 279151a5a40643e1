// Tool calls that teach: every printed shape small models use, near-JSON repair, the
// messages for unreadable calls, unknown tools and misnamed arguments, and scripted
// runs (Mistral-style printing, view_file with file_path, finish after a failed edit,
// finish without a change) over a real repository ending in a delivered diff.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { repairJson } from '../../agent/model/near-json.js';
import { readTextToolCalls } from '../../agent/model/tool-call-parser.js';
import { resolveCall } from '../../agent/tools/tool-aliases.js';
import { agentTools } from '../../agent/tools/toolbox.js';
import type { ChatRequestBody, ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, makeRepo, noIndexSearch, runTask, startAgentOllama, textModel } from './agent-fixtures.js';

const tools = new Set(agentTools.map((tool) => tool.name));
const read = (content: string) => readTextToolCalls(content, tools);

describe('printed tool calls', () => {
  it("reads Mistral's [TOOL_CALLS] forms, several calls in one message", () => {
    assert.deepEqual(read('[TOOL_CALLS]read_file[ARGS]{"path": "a.js"}').calls, [{ name: 'read_file', arguments: { path: 'a.js' } }]);
    assert.deepEqual(read('[TOOL_CALLS]read_file[ARGS]{"path": "a.js"}[TOOL_CALLS]list_dir[CALL_ID]x1y2[ARGS]{}').calls, [
      { name: 'read_file', arguments: { path: 'a.js' } }, { name: 'list_dir', arguments: {} },
    ]);
    assert.deepEqual(read('[TOOL_CALLS] [{"name": "grep", "arguments": {"pattern": "add"}}, {"name": "finish", "arguments": {"summary": "s"}}]').calls, [
      { name: 'grep', arguments: { pattern: 'add' } }, { name: 'finish', arguments: { summary: 's' } },
    ]);
  });

  it("reads llama's parameters, several <tool_call> blocks and qwen3-coder's function XML", () => {
    assert.deepEqual(read('{"name": "read_file", "parameters": {"path": "b.js"}}').calls, [{ name: 'read_file', arguments: { path: 'b.js' } }]);
    const two = '<tool_call>\n{"name": "read_file", "arguments": {"path": "a"}}\n</tool_call>\n<tool_call>\n{"name": "read_file", "arguments": {"path": "b"}}\n</tool_call>';
    assert.deepEqual(read(two).calls.map((call) => call.arguments.path), ['a', 'b']);
    const xml = '<tool_call>\n<function=run_command>\n<parameter=command>\nnpm test\n</parameter>\n</function>\n</tool_call>';
    assert.deepEqual(read(xml).calls, [{ name: 'run_command', arguments: { command: 'npm test' } }]);
  });

  it('repairs near-JSON: raw newlines and tabs in strings, single quotes, trailing commas, Python literals', () => {
    const raw = '{"name": "edit_file", "arguments": {"path": "a.js", "search": "  return a - b;\n}", "replace": "\treturn a + b;\n}"}}';
    assert.deepEqual(read(raw).calls[0]?.arguments, { path: 'a.js', search: '  return a - b;\n}', replace: '\treturn a + b;\n}' });
    assert.deepEqual(read("{'name': 'create_file', 'arguments': {'path': 'q.py', 'content': 'say \"hi\"\\n', 'overwrite': True,},}").calls, [
      { name: 'create_file', arguments: { path: 'q.py', content: 'say "hi"\n', overwrite: true } },
    ]);
    assert.equal(repairJson('{"a": [1, 2,], "b": "it\'s"}'), '{"a": [1, 2], "b": "it\'s"}');
    assert.equal(repairJson("{'a': 'it\\'s'}"), '{"a": "it\'s"}');
  });

  it('maps aliases of tools, in text and native calls, and misnamed arguments', () => {
    assert.deepEqual(read('{"name": "view_file", "arguments": {"file_path": "a.js"}}').calls, [{ name: 'read_file', arguments: { file_path: 'a.js' } }]);
    assert.deepEqual(resolveCall(agentTools, { name: 'view_file', arguments: { file_path: 'a.js' } }), { name: 'read_file', arguments: { path: 'a.js' } });
    assert.deepEqual(resolveCall(agentTools, { name: 'str_replace', arguments: { filename: 'a', old_str: 'x', new_str: 'y' } }), { name: 'edit_file', arguments: { path: 'a', search: 'x', replace: 'y' } });
    assert.deepEqual(resolveCall(agentTools, { name: 'bash', arguments: { cmd: 'ls' } }), { name: 'run_command', arguments: { command: 'ls' } });
    assert.deepEqual(resolveCall(agentTools, { name: 'write_file', arguments: { file: 'a', contents: 'x' } }), { name: 'create_file', arguments: { path: 'a', content: 'x' } });
    assert.equal(resolveCall(agentTools, { name: 'ls', arguments: {} }).name, 'list_dir');
    // A real argument is never overwritten by a synonym.
    assert.deepEqual(resolveCall(agentTools, { name: 'read_file', arguments: { path: 'a', file: 'b' } }).arguments, { path: 'a', file: 'b' });
  });

  it('says exactly why a call-like reply could not be read', () => {
    assert.equal(read('{"name": "read_file", "arguments": {"path": ').problem, 'the JSON ended early at character 43 ("{", "{" never closed)');
    assert.match(read('{"arguments": {"path": "a"}}').problem ?? '', /no tool name/);
    assert.match(read('{"name": "delete_everything", "arguments": {}}').problem ?? '', /^There is no tool "delete_everything"; the tools are: search_code, find_definition, find_references, repo_map, grep, read_file/);
    assert.match(read('[TOOL_CALLS]read_file[ARGS]{"path": }').problem ?? '', /^the arguments of read_file are not JSON: the JSON is invalid at character 9: unexpected "}"$/);
    assert.match(read('read_file(path="a.js")').problem ?? '', /^read_file\(\.\.\.\) is not a tool call the agent can read/);
    // Prose stays prose: no calls and no problem.
    assert.deepEqual(read('The function returns {a: 1}; call add(2, 3) to see.'), { calls: [] });
    assert.deepEqual(read('[1] First, read the file.'), { calls: [] });
  });
});

describe('scripted runs with printed calls', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(() => ollama.close());

  const lastMessage = (index: number, earlier: number): string =>
    (ollama.requestsTo('/api/chat')[earlier + index]?.body as ChatRequestBody).messages?.at(-1)?.content ?? '';

  it('runs a model that prints Mistral-style calls with view_file, file_path and old_str to a delivered diff', async () => {
    const repo = await makeRepo(calculatorFiles);
    const earlier = ollama.requestsTo('/api/chat').length;
    ollama.setChat([
      { content: '[TOOL_CALLS]view_file[ARGS]{"file_path": "src/math.js"}' },
      { content: '[TOOL_CALLS]edit_file[ARGS]{"path": "src/math.js", "search": ' },
      { content: "[TOOL_CALLS]str_replace[ARGS]{'file_path': 'src/math.js', 'old_str': '  return a - b;', 'new_str': '  return a + b;',}" },
      { content: '[TOOL_CALLS]finish[ARGS]{"summary": "add now adds."}' },
    ]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add.', model: textModel }, { search: noIndexSearch });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.match(result?.diff ?? '', /^\+ {2}return a \+ b;$/m);
    assert.deepEqual(eventsOf(events, 'tool-call').filter((call) => call.node === 'implement').map((call) => call.tool), ['read_file', 'edit_file', 'finish']);
    assert.match(lastMessage(1, earlier), /^Result of read_file:\n/);
    assert.match(lastMessage(2, earlier), /^Your reply looks like a tool call, but it could not be read: the arguments of edit_file are not JSON: the JSON ended early/);
    await repo.dispose();
  });

  it('does not honour finish after a failed call in the same turn, and pushes back once on finish without a change', async () => {
    const repo = await makeRepo(calculatorFiles);
    const earlier = ollama.requestsTo('/api/chat').length;
    const finish = { name: 'finish', arguments: { summary: 'Fixed add.' } };
    ollama.setChat([
      { toolCalls: [finish] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'return a - c;', replace: 'return a + b;' } }, finish] },
      { toolCalls: [{ name: 'edit_file', arguments: { file: 'src/math.js', old: 'return a - b;' } }] },
      { toolCalls: [{ name: 'open_sesame', arguments: {} }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'return a - b;', replace: 'return a + b;' } }, finish] },
    ]);
    const { result } = await runTask(repo, ollama, { prompt: 'Fix add.' });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.match(result?.diff ?? '', /^\+ {2}return a \+ b;$/m);
    assert.match(lastMessage(1, earlier), /^finish was not accepted yet: the worktree has no changes/);
    assert.match(lastMessage(2, earlier), /^finish was not accepted: edit_file failed earlier in this reply/);
    assert.match(lastMessage(3, earlier), /^Invalid arguments for edit_file: .*replace.* edit_file takes: path \(string, required\), search \(string, required\), replace \(string, required\)\.$/);
    assert.match(lastMessage(4, earlier), /^There is no tool "open_sesame"; the tools are: search_code, find_definition, find_references, repo_map, grep, read_file, list_dir, edit_file, create_file, delete_file, move_file, run_command, finish\./);
    await repo.dispose();
  });
});
