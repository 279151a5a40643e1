import { Type, type Static } from '@sinclair/typebox';

/** How bad a reviewer's finding is. `critical` and `major` in a severe category stop or send back the change (issue 16 part 3). */
export const ReviewSeverity = Type.Union([Type.Literal('info'), Type.Literal('minor'), Type.Literal('major'), Type.Literal('critical')]);
export type ReviewSeverity = Static<typeof ReviewSeverity>;

/**
 * What a finding is about. `security`, `tests-weakened` (tests deleted, skipped or loosened)
 * and `unrelated-change` (work the task did not ask for) are the severe categories.
 */
export const ReviewCategory = Type.Union([
  Type.Literal('security'),
  Type.Literal('tests-weakened'),
  Type.Literal('unrelated-change'),
  Type.Literal('correctness'),
  Type.Literal('rules'),
  Type.Literal('style'),
  Type.Literal('other'),
]);
export type ReviewCategory = Static<typeof ReviewCategory>;

/** One finding of the reviewer model, pinned to a file and line of the diff when it can be. */
export const ReviewFinding = Type.Object({
  severity: ReviewSeverity,
  category: ReviewCategory,
  file: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
  line: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  message: Type.String({ maxLength: 4000 }),
  source: Type.Optional(Type.Union([Type.Literal('model'), Type.Literal('harness')], { description: 'model: the reviewer said it; harness: minions found it in the diff itself (deleted or skipped tests)' })),
});
export type ReviewFinding = Static<typeof ReviewFinding>;

/**
 * The review of a change by a second model: its findings, how many are severe, and what the
 * run did about them (`none`, `fix`: one more fix round, `stop`: delivery stopped, `failed`:
 * the reviewer could not answer, the change goes on unreviewed).
 */
export const Review = Type.Object({
  model: Type.String(),
  findings: Type.Array(ReviewFinding),
  severe: Type.Integer({ minimum: 0 }),
  action: Type.Union([Type.Literal('none'), Type.Literal('fix'), Type.Literal('stop'), Type.Literal('failed')]),
  summary: Type.Optional(Type.String({ maxLength: 4000 })),
  durationMs: Type.Number(),
  round: Type.Optional(Type.Integer({ minimum: 0, description: '0: the first review; 1: the review after the fix round its findings asked for' })),
  notes: Type.Optional(Type.Array(Type.String(), { description: 'what the reviewer did not see or say: diff cut to fit, findings dropped as not in the diff, why it failed' })),
});
export type Review = Static<typeof Review>;

/**
 * What a run does with severe findings: `fix` (one more fix round with the findings as
 * what to fix, then checks and review again; severe findings after it stop delivery) or
 * `stop` (delivery stopped at once: the change is committed for a human and the run fails).
 */
export const ReviewPolicy = Type.Union([Type.Literal('fix'), Type.Literal('stop')]);
export type ReviewPolicy = Static<typeof ReviewPolicy>;

/** The largest number of findings a reviewer may answer with (the schema sent as Ollama's `format` says so too). */
export const maxReviewFindings = 20;

/**
 * The reviewer model's answer: the JSON schema sent as Ollama's `format`, which constrains
 * the reply to it (Ollama 0.5+). Findings first, so a reply cut at `num_predict` loses the
 * summary rather than the findings.
 */
export const ReviewReply = Type.Object(
  {
    findings: Type.Array(
      Type.Object(
        {
          severity: ReviewSeverity,
          category: ReviewCategory,
          file: Type.Union([Type.String(), Type.Null()]),
          line: Type.Union([Type.Integer(), Type.Null()]),
          message: Type.String(),
        },
        { additionalProperties: false },
      ),
      { maxItems: maxReviewFindings },
    ),
    summary: Type.String(),
  },
  { additionalProperties: false },
);
export type ReviewReply = Static<typeof ReviewReply>;
