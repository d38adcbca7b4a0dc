/** `@flowcraft/node-types/evaluators`: judge a finished run of a test case (engine experiments and `pnpm flow test`). */
export * from './define-evaluator.js';
export * from './subject.js';
export { evaluateAssertion, evaluateCase, caseAssertions, assertionLabel } from './evaluate-case.js';
export { JUDGE_NODE_ID } from './llm-judge.js';
