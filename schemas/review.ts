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
});
export type Review = Static<typeof Review>;
