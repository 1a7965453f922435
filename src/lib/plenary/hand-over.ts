/**
 * The name a person gave their group, handed to the plenary page when they go there from it
 * (in this tab, by the app's own navigation), so its form is filled in. Page memory only, read
 * once: never in the address, the history entry or browser storage.
 */
let carried: string | null = null;

export function carryName(name: string | null): void {
	carried = name?.trim() || null;
}

/** The carried name, once; afterwards nothing. */
export function takeCarriedName(): string | null {
	const name = carried;
	carried = null;
	return name;
}
