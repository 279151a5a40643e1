// The reviewer's command-line options, shared by `minions run` and `minions serve`:
// `--review`/`--no-review`, `--review-model M`, `--review-policy fix|stop`.
import { MinionsError } from '../../schemas/index.js';

/** The parseArgs options of the reviewer. */
export const reviewOptions = {
  review: { type: 'boolean' },
  'no-review': { type: 'boolean' },
  'review-model': { type: 'string' },
  'review-policy': { type: 'string' },
} as const;

/** The parsed values of `reviewOptions`. */
export interface ReviewValues {
  review?: boolean | undefined;
  'no-review'?: boolean | undefined;
  'review-model'?: string | undefined;
  'review-policy'?: string | undefined;
}

/** The values as the agent's settings take them: `--review` and `--no-review` together are refused. */
export function reviewFlags(values: ReviewValues): { review?: boolean; reviewModel?: string; reviewPolicy?: string } {
  if (values.review === true && values['no-review'] === true) throw new MinionsError('invalid-argument', 'Give --review or --no-review, not both.');
  const review = values.review === true ? true : values['no-review'] === true ? false : undefined;
  return {
    ...(review === undefined ? {} : { review }),
    ...(values['review-model'] === undefined ? {} : { reviewModel: values['review-model'] }),
    ...(values['review-policy'] === undefined ? {} : { reviewPolicy: values['review-policy'] }),
  };
}
