// The context budget's parts: honest counting (tools, call arguments, overhead), the
// calibration that only rises, the fitting order (old outputs to traces, then older
// turns, then the latest result shortened), the task never dropped, calls and their
// results kept paired; the traces; the caps that follow num_ctx; num_ctx's precedence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, Tool } from 'ollama';
import { defaultLimits, estimateTokens } from '../../agent/limits.js';
import { TokenCounter, firstPromptBudget, fitHistory, promptLimit, replyBudget, scaledLimits, type HistoryEntry } from '../../agent/model/context-budget.js';
import { traceOf } from '../../agent/model/context-turn.js';
import { resolveNumCtx } from '../../agent/model/ollama-model.js';
import { agentTools } from '../../agent/tools/toolbox.js';
import { toOllamaTool } from '../../agent/tools/tool.js';

const numbered = (count: number): string => Array.from({ length: count }, (_, index) => `${String(index + 1).padStart(3)}| export const value${index} = compute(${index}, 'text');`).join('\n');

/** A native turn: an assistant call and its result, the result with its trace. */
function turn(path: string, output: string): HistoryEntry[] {
  const call = { name: 'read_file', arguments: { path } };
  return [{ message: { role: 'assistant', content: '', tool_calls: [{ function: call }] } }, { message: { role: 'tool', content: output, tool_name: 'read_file' }, trace: traceOf(call, output) }];
}

const base: HistoryEntry[] = [{ message: { role: 'system', content: 'You are a minion. Follow the rules.' } }, { message: { role: 'user', content: '# Task\nFix add() in src/math.js.' } }];

describe('context budget: counting', () => {
  it('counts code denser than prose, and the tools and tool-call arguments besides the text', () => {
    const prose = 'The quick brown fox jumps over the lazy dog and keeps running far away. '.repeat(20);
    const code = numbered(40).slice(0, prose.length);
    assert.ok(estimateTokens(code) > estimateTokens(prose) * 1.4, 'code costs more tokens than prose of the same length');
    assert.ok(code.length / estimateTokens(code) <= 2.7, 'numbered code lines are counted near 2.6 characters a token');
    const counter = new TokenCounter();
    const tools: Tool[] = agentTools.map(toOllamaTool);
    assert.ok(counter.toolsTokens(tools) > 400, `the tool definitions are counted (${counter.toolsTokens(tools)} tokens)`);
    const bare: Message = { role: 'assistant', content: '' };
    const calling: Message = { role: 'assistant', content: '', tool_calls: [{ function: { name: 'edit_file', arguments: { path: 'src/a.ts', search: numbered(10), replace: numbered(12) } } }] };
    assert.ok(counter.messageTokens(calling) > counter.messageTokens(bare) + estimateTokens(numbered(22)) * 0.9, 'the arguments of a call are counted');
    assert.ok(counter.messageTokens(bare) > 0, 'every message has a template overhead');
  });

  it('calibrates from prompt_eval_count upwards only, and learns a lower bound from an overflow', () => {
    const counter = new TokenCounter();
    counter.observe(1000, 1300, 8192);
    assert.equal(counter.calibration, 1.3);
    counter.observe(1000, 700, 8192);
    assert.equal(counter.calibration, 1.3, 'a low count (a cached or cut prompt) never lowers the factor');
    assert.equal(counter.calibrated(1000), 1300);
    counter.overflowed(3000, 4096);
    assert.ok(counter.calibration > 4096 / 3000, 'a refused prompt of 3000 estimated tokens was more than 4096');
    assert.ok(counter.codeCharactersPerToken < 2.6 / 1.3);
  });
});

describe('context budget: fitting', () => {
  it('sends everything when it fits', () => {
    const history = [...base, ...turn('src/a.js', numbered(20))];
    const fitted = fitHistory(history, [], 10_000, new TokenCounter());
    assert.deepEqual(fitted.messages, history.map((entry) => entry.message));
    assert.deepEqual([fitted.elided, fitted.droppedTurns, fitted.shrunk], [0, 0, false]);
  });

  it('elides old tool outputs first, oldest first, leaving their trace, and keeps the latest turn whole', () => {
    const counter = new TokenCounter();
    const history = [...base, ...turn('src/a.js', numbered(200)), ...turn('src/b.js', numbered(200)), ...turn('src/c.js', numbered(200))];
    const whole = fitHistory(history, [], 1_000_000, counter).tokens;
    const oneOutput = counter.messageTokens(history[3]?.message as Message);
    const fitted = fitHistory(history, [], whole - Math.floor(oneOutput / 2), counter);
    assert.equal(fitted.elided, 1);
    assert.equal(fitted.droppedTurns, 0);
    assert.match(fitted.messages[3]?.content ?? '', /^\[read_file src\/a\.js lines 1-200: [\d,]+ characters elided to fit the context\]$/);
    assert.equal(fitted.messages[5]?.content, numbered(200), 'the second output is still whole');
    assert.equal(fitted.messages[7]?.content, numbered(200), 'the latest output is whole');
    assert.ok(fitted.tokens <= whole - Math.floor(oneOutput / 2));
  });

  it('then drops older whole turns (call and result together), never the system prompt or the task, and says so', () => {
    const counter = new TokenCounter();
    const history = [...base, ...turn('src/a.js', numbered(200)), ...turn('src/b.js', numbered(200)), ...turn('src/c.js', numbered(60))];
    const latest = counter.messageTokens(history[6]?.message as Message) + counter.messageTokens(history[7]?.message as Message);
    const pinned = counter.messageTokens(base[0]?.message as Message) + counter.messageTokens(base[1]?.message as Message);
    const fitted = fitHistory(history, [], pinned + latest + 30, counter);
    assert.equal(fitted.droppedTurns, 2);
    assert.deepEqual(fitted.messages.slice(0, 2), [base[0]?.message, base[1]?.message], 'the system prompt and the task stay, first');
    assert.match(fitted.messages[2]?.content ?? '', /2 earlier turns were left out to fit the context; the task above still stands/);
    assert.deepEqual(fitted.messages.slice(3), [history[6]?.message, history[7]?.message]);
    // Pairing: every tool message follows the assistant message that called it.
    fitted.messages.forEach((message, index) => {
      if (message.role === 'tool') assert.ok(fitted.messages[index - 1]?.tool_calls?.length, `tool message ${index} keeps its call`);
    });
  });

  it('shrinks the latest result in the middle when even that does not fit', () => {
    const counter = new TokenCounter();
    const big = numbered(400);
    const history = [...base, ...turn('src/huge.js', big)];
    const limit = 600;
    const fitted = fitHistory(history, [], limit, counter);
    assert.equal(fitted.shrunk, true);
    const shown = fitted.messages[3]?.content ?? '';
    assert.ok(shown.length < big.length / 4);
    assert.ok(shown.startsWith('  1| export const value0') && shown.endsWith("compute(399, 'text');"), 'its head and tail stay');
    assert.ok(fitted.tokens <= limit, `${fitted.tokens} <= ${limit}`);
    assert.equal(fitted.messages[1]?.content, base[1]?.message.content, 'the task is whole');
  });

  it('as a last resort keeps the head of an overlong first prompt, where the task is', () => {
    const counter = new TokenCounter();
    const first = `# Task\nFix add() in src/math.js.\n\n# Code that may be relevant\n${numbered(300)}`;
    const history: HistoryEntry[] = [base[0] as HistoryEntry, { message: { role: 'user', content: first } }, ...turn('src/a.js', numbered(5))];
    const fitted = fitHistory(history, [], 1000, counter);
    assert.equal(fitted.shrunk, true);
    assert.ok(fitted.tokens <= 1000 * 1.05, `${fitted.tokens} tokens`);
    assert.match(fitted.messages[1]?.content ?? '', /^# Task\nFix add\(\) in src\/math\.js\.\n[\s\S]*\n\[\.\.\. the rest of this prompt \([\d,]+ characters\) was cut to fit the context \.\.\.\]$/);
    assert.equal(history[1]?.message.content, first, 'the history keeps the whole prompt');
  });

  it('counts the tools against the limit too', () => {
    const counter = new TokenCounter();
    const tools = agentTools.map(toOllamaTool);
    const history = [...base, ...turn('src/a.js', numbered(100)), ...turn('src/b.js', numbered(10))];
    const limit = fitHistory(history, [], 1_000_000, counter).tokens + 50;
    const withoutTools = fitHistory(history, [], limit, counter);
    const withTools = fitHistory(history, tools, limit, counter);
    assert.equal(withoutTools.elided, 0);
    assert.equal(withTools.elided, 1, 'the tool definitions take room that an old output gives up');
  });
});

describe('context budget: traces, caps and num_ctx', () => {
  it('writes a one-line trace of what was read or run', () => {
    assert.equal(traceOf({ name: 'read_file', arguments: { path: 'src/a.ts' } }, ' 1| a\n 2| b\n[lines 1-2 of 9; read on with start_line 3]'), '[read_file src/a.ts lines 1-2: 55 characters elided to fit the context]');
    assert.equal(traceOf({ name: 'run_command', arguments: { command: 'npm test' } }, '$ npm test\n(exit code 1, 812 ms)\nnot ok 1'), '[run_command npm test: exit 1, output elided to fit the context]');
    assert.equal(traceOf({ name: 'grep', arguments: { pattern: 'add\\(' } }, 'src/a.js:1:add('), '[grep add\\(: 15 characters of output elided to fit the context]');
  });

  it('scales output caps and the reply budget to the context', () => {
    const counter = new TokenCounter();
    assert.equal(scaledLimits(defaultLimits, 32_768, counter).maxOutputCharacters, defaultLimits.maxOutputCharacters, 'a large context keeps the configured cap');
    const small = scaledLimits(defaultLimits, 4096, counter).maxOutputCharacters;
    assert.ok(small * 2 <= (4096 / 4) * 2.6, `read_file (twice the cap) takes at most a quarter of a 4k context (${small})`);
    assert.equal(replyBudget(4096), 1024);
    assert.equal(replyBudget(131_072), 4096);
    assert.ok(promptLimit(4096, 1024) < 4096 - 1024);
    assert.ok(promptLimit(4096, 1024, 1) < promptLimit(4096, 1024), 'each overflow retry tightens the budget');
    const tools = counter.toolsTokens(agentTools.map(toOllamaTool));
    for (const numCtx of [4096, 8192, 32_768]) {
      const first = firstPromptBudget(numCtx, tools);
      const left = promptLimit(numCtx, replyBudget(numCtx)) - tools - first;
      assert.ok(left >= first, `at ${numCtx} the conversation keeps as much room as the first prompt's rules and code (${first})`);
    }
  });

  it('takes num_ctx from the explicit setting, else the Modelfile (never above it), else the model up to the cap', () => {
    assert.equal(resolveNumCtx(16_384, 4096, 32_768, 32_768), 16_384);
    assert.equal(resolveNumCtx(undefined, 4096, 4096, 32_768), 4096);
    assert.equal(resolveNumCtx(undefined, 65_536, 65_536, 32_768), 65_536, "the Modelfile's setting is the user's own");
    assert.equal(resolveNumCtx(undefined, undefined, 131_072, 32_768), 32_768);
    assert.equal(resolveNumCtx(undefined, undefined, 8192, 32_768), 8192);
  });
});
