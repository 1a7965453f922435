/**
 * For pages that show links nobody else holds (a new group's, a new conference's): the
 * browser's own "Leave site?" question while `unsaved()` says so, and a text file of them made
 * in the page (nothing is sent anywhere).
 */

/** Asks before the page is left or reloaded while `unsaved()` is true; returns the clean-up. */
export function keepUntilSaved(unsaved: () => boolean): (() => void) | undefined {
	if (!unsaved()) return undefined;
	const ask = (event: BeforeUnloadEvent) => {
		event.preventDefault();
		// Older browsers ask only when returnValue is set.
		event.returnValue = '';
	};
	addEventListener('beforeunload', ask);
	return () => removeEventListener('beforeunload', ask);
}

/** Offers `text` as a file to save, made here in the browser. */
export function saveTextFile(name: string, text: string): void {
	const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = name.replace(/[\\/:*?"<>|]+/g, '-');
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
