export { sentimentNode, sentimentConfig, migrateV1 } from './sentiment-node.js';
export type { SentimentConfig } from './sentiment-node.js';
export { LABELS, NEGATIVE_WORDS, POSITIVE_WORDS, labelFor, lexiconScore } from './lexicon.js';
export type { Sentiment, SentimentLabel } from './lexicon.js';
