/** Sentiment labels, in port order. */
export type SentimentLabel = 'positive' | 'negative' | 'neutral';
export const LABELS: readonly SentimentLabel[] = ['positive', 'negative', 'neutral'];

/** What the node writes into its output channel. `score` is in [-1, 1]: -1 all negative, 1 all positive. */
export interface Sentiment {
  label: SentimentLabel;
  score: number;
}

/** A small English lexicon for customer messages; extend it per node with `positiveWords` / `negativeWords`. */
export const POSITIVE_WORDS: readonly string[] = [
  'amazing',
  'awesome',
  'best',
  'easy',
  'excellent',
  'fantastic',
  'fast',
  'glad',
  'good',
  'great',
  'happy',
  'helpful',
  'love',
  'loved',
  'nice',
  'perfect',
  'pleased',
  'recommend',
  'reliable',
  'smooth',
  'thank',
  'thanks',
  'wonderful',
  'works',
];
export const NEGATIVE_WORDS: readonly string[] = [
  'angry',
  'annoying',
  'awful',
  'bad',
  'broken',
  'bug',
  'bugs',
  'confusing',
  'crash',
  'crashed',
  'crashes',
  'disappointed',
  'error',
  'fail',
  'failed',
  'fails',
  'hate',
  'hated',
  'poor',
  'problem',
  'refund',
  'slow',
  'terrible',
  'useless',
  'worst',
];
/** A negator flips the polarity of the next sentiment word within `NEGATION_WINDOW` words ("not good", "never works"). */
const NEGATORS = new Set(['not', 'no', 'never', 'hardly', 'without', 'nothing']);
const NEGATION_WINDOW = 3;

export interface LexiconOptions {
  positiveWords?: readonly string[];
  negativeWords?: readonly string[];
}

/** Lower-case words, keeping inner apostrophes ("doesn't"). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

const isNegator = (word: string): boolean => NEGATORS.has(word) || /n['’]t$/.test(word);

/**
 * Score a text by counting lexicon hits: `(positive - negative) / (positive + negative)`, rounded
 * to two decimals; 0 when no sentiment word occurs. Negated hits count for the other side.
 */
export function lexiconScore(
  text: string,
  opts: LexiconOptions = {},
): { score: number; positive: number; negative: number } {
  const pos = new Set([...POSITIVE_WORDS, ...(opts.positiveWords ?? []).map((w) => w.toLowerCase())]);
  const neg = new Set([...NEGATIVE_WORDS, ...(opts.negativeWords ?? []).map((w) => w.toLowerCase())]);
  let positive = 0;
  let negative = 0;
  let negatedUntil = -1;
  words(text).forEach((word, i) => {
    if (isNegator(word)) {
      negatedUntil = i + NEGATION_WINDOW;
      return;
    }
    const polarity = pos.has(word) ? 1 : neg.has(word) ? -1 : 0;
    if (polarity === 0) return;
    const flipped = i <= negatedUntil ? -polarity : polarity;
    negatedUntil = -1;
    if (flipped > 0) positive++;
    else negative++;
  });
  const hits = positive + negative;
  const score = hits === 0 ? 0 : Math.round(((positive - negative) / hits) * 100) / 100;
  return { score, positive, negative };
}

/**
 * Label for a score. With a neutral branch, scores within `neutralBand` of 0 are neutral; without
 * one (v1 behaviour), negative scores are negative and everything else positive.
 */
export function labelFor(score: number, opts: { neutral: boolean; neutralBand: number }): SentimentLabel {
  if (opts.neutral && Math.abs(score) <= opts.neutralBand) return 'neutral';
  return score < 0 ? 'negative' : 'positive';
}
