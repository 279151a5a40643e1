// Output budgets cut long text in the middle; the one implementation is the process runner's.
export { truncateMiddle } from '../platform/index.js';

/** The stop conditions of one agentic node: how many model turns and tokens it may spend. */
export interface LoopLimits {
  /** Model turns (one chat request each). */
  maxSteps: number;
  /** Prompt plus completion tokens summed over the node's turns. */
  maxTokens: number;
  /** The same tool call (name and arguments) this many times in a row stops the loop; one fewer earns a warning. */
  maxRepeats: number;
}

/** Every limit of a run, each with a default; a caller overrides any subset. */
export interface AgentLimits {
  implement: LoopLimits;
  fix: LoopLimits;
  /** Fix rounds after failing checks (the task request's `maxFixRounds` wins). */
  maxFixRounds: number;
  /** Wall time of one `run_command` call. */
  commandTimeoutMs: number;
  /** Wall time of one check (formatter, linter, test run). */
  checkTimeoutMs: number;
  /** Tokens of retrieved code and rules put in the first prompt (further capped by the model's context). */
  contextTokens: number;
  /** Upper bound on `num_ctx`: a model's full context (often 128k+) would not fit in memory. */
  maxContextLength: number;
  /** Guardrails: files and changed lines (added plus removed) a task may touch. */
  maxFilesChanged: number;
  maxLinesChanged: number;
  /** Characters of a tool result or command output kept (head and tail). */
  maxOutputCharacters: number;
}

/** The defaults, sized for a 7B coding model with a 32k context on a workstation. */
export const defaultLimits: AgentLimits = {
  implement: { maxSteps: 40, maxTokens: 400_000, maxRepeats: 3 },
  fix: { maxSteps: 20, maxTokens: 200_000, maxRepeats: 3 },
  maxFixRounds: 2,
  commandTimeoutMs: 120_000,
  checkTimeoutMs: 600_000,
  contextTokens: 6_000,
  maxContextLength: 32_768,
  maxFilesChanged: 25,
  maxLinesChanged: 1_500,
  maxOutputCharacters: 8_000,
};

/** A partial override of the limits; loop limits merge field by field. */
export type LimitOverrides = Partial<Omit<AgentLimits, 'implement' | 'fix'>> & { implement?: Partial<LoopLimits>; fix?: Partial<LoopLimits> };

/** The defaults with `overrides` applied. */
export function resolveLimits(overrides: LimitOverrides = {}): AgentLimits {
  const { implement, fix, ...rest } = overrides;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return {
    ...defaultLimits,
    ...defined,
    implement: { ...defaultLimits.implement, ...implement },
    fix: { ...defaultLimits.fix, ...fix },
  };
}

/** Characters a token in prose, and in code (numbered code lines run near 2.6). */
const proseCharactersPerToken = 4;
const codeCharactersPerToken = 2.6;
/** The share of symbol characters at and above which a text counts as code. */
const codeSymbolShare = 0.12;

/**
 * A conservative token count for budgets: the characters-per-token ratio slides from
 * prose's 4 to code's 2.6 with the share of symbol characters (punctuation, operators,
 * brackets), which is what makes code cost more tokens than prose of the same length.
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  let symbols = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const letterOrDigit = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
    if (!letterOrDigit && code !== 32 && code !== 10 && code !== 9 && code !== 13) symbols += 1;
  }
  const share = Math.min(1, symbols / text.length / codeSymbolShare);
  return Math.ceil(text.length / (proseCharactersPerToken - (proseCharactersPerToken - codeCharactersPerToken) * share));
}
