/*
 * The browser's door to the actions: types only, so that valibot, which defines them in
 * `action-schema.ts`, never reaches the page bundle.
 */
export type { Action, ActionType, RefusalCode } from './action-schema';
