/**
 * The lab's interleave module: an exhaustive interleaving explorer for synchronous JavaScript code
 * that shares Int32 words between threads, and a linearizability check of the histories it
 * finds. See explore.ts for how it steps synchronous code and linearizable.ts for the check;
 * the lab's README shows a complete model.
 */
export { explore, describeAccess, outcomeText, ContractError } from './explore.js';
export type {
  Access, AccessKind, ExploreResult, HistoryOp, Model, Operation, Outcome, Program, StateView, Step, ThreadSpec, Violation,
} from './explore.js';
export { linearize } from './linearizable.js';
export type { Linearization, Specification } from './linearizable.js';
export { counterexampleText, counterexampleHtml, operationsByThread } from './counterexample.js';
