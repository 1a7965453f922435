import { createRawSnippet } from 'svelte';
import { render } from 'svelte/server';
import { afterEach, describe, expect, it } from 'vitest';
import { baseLocale, overwriteGetLocale } from '../../paraglide/runtime.js';
import Gallery from './Gallery.svelte';

// The media connection's "reconnecting" state cannot be reached in a browser test here (the
// LiveKit fake speaks no signalling, so no room ever connects): the frame is rendered on its
// own, as the server renders it, with two tiles inside.
const tiles = createRawSnippet(() => ({ render: () => '<li data-testid="video-tile">A</li><li data-testid="video-tile">B</li>' }));

afterEach(() => overwriteGetLocale(() => baseLocale));

/** The rendered markup, without Svelte's hydration comments. */
function gallery(reconnecting: boolean): string {
	return render(Gallery, { props: { count: 2, reconnecting, children: tiles } }).body.replace(/<!--.*?-->/g, '');
}

const overlayOf = (html: string) =>
	/<div class="overlay[^"]*" role="status" data-testid="media-status" data-status="reconnecting"><p>([^<]*)<\/p><\/div>/.exec(html);

describe('the equal gallery', () => {
	it('lays an announced overlay over the faces while the media connection comes back', () => {
		const html = gallery(true);
		expect(overlayOf(html)?.[1]).toMatch(/reconnect/i);
		// In the same frame as the tiles and after them (so it lies over them), not a line above.
		expect(html).toMatch(
			/^<div class="stage[^"]*"><ul class="gallery[^"]*" data-testid="gallery" data-count="2" aria-busy="true">(<li data-testid="video-tile">[AB]<\/li>){2}<\/ul>\s*<div class="overlay/
		);
	});

	it('shows the faces alone once connected', () => {
		const html = gallery(false);
		expect(html).not.toContain('media-status');
		expect(html).toContain('aria-busy="false"');
		expect(html.match(/data-testid="video-tile"/g)).toHaveLength(2);
	});

	it('speaks the person’s language', () => {
		overwriteGetLocale(() => 'de');
		const german = overlayOf(gallery(true))?.[1];
		overwriteGetLocale(() => baseLocale);
		const english = overlayOf(gallery(true))?.[1];
		expect(german).toBeTruthy();
		expect(german).not.toBe(english);
	});
});
