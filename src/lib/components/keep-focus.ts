/**
 * A Svelte action for lists whose buttons vanish when used: "Admit" takes its person out of
 * the lobby, "Make presenter" turns into the listening controls, "Lower hand" empties its
 * line. The browser then drops the focus to the page's start, and a keyboard or screen
 * reader user loses their place. Here the focus goes to the next control of the same entry,
 * else the first control left in the list, else the element named by `fallback`.
 */
export function keepFocus(node: HTMLElement, fallback?: () => HTMLElement | null | undefined) {
	let last: HTMLElement | null = null;
	let lastEntry: HTMLElement | null = null;
	const onFocusIn = (event: FocusEvent) => {
		last = event.target as HTMLElement;
		lastEntry = last.closest('li');
	};
	const observer = new MutationObserver(() => {
		if (!last || last.isConnected) return;
		// Someone (or something) already put the focus elsewhere: leave it there.
		const active = document.activeElement;
		if (active && active !== document.body) return;
		const controls = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled])';
		const next = (lastEntry?.isConnected ? lastEntry.querySelector<HTMLElement>(controls) : null) ?? node.querySelector<HTMLElement>(controls) ?? fallback?.();
		last = null;
		next?.focus();
	});
	node.addEventListener('focusin', onFocusIn);
	observer.observe(node, { childList: true, subtree: true });
	return {
		destroy() {
			node.removeEventListener('focusin', onFocusIn);
			observer.disconnect();
		}
	};
}
