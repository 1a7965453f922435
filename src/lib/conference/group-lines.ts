/**
 * The organiser's list of groups, one per line: "Group A: Anna, Bo". The leaders are what
 * follows the last colon, so a group's name may hold colons of its own ("Ward 3: Tuesday:
 * Anna"); a line that ends in a colon has no leaders ("Ward 3: Tuesday:"). At most two
 * leaders, as the server takes.
 */
export function parseGroupLines(text: string): { name: string; leaders: string[] }[] {
	return text
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean)
		.map((line) => {
			const colon = line.lastIndexOf(':');
			if (colon === -1) return { name: line, leaders: [] };
			const leaders = line
				.slice(colon + 1)
				.split(',')
				.map((l) => l.trim())
				.filter(Boolean)
				.slice(0, 2);
			return { name: line.slice(0, colon).trim(), leaders };
		});
}
