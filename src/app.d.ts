// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface PageState {
			/** One share of the seat a tab keeps across a reload (`sync/tab-seat.ts`): random bytes alone. */
			seatPad?: string;
		}
	}
}
export {};
