import { describe, expect, it } from 'vitest';
import { effectsOfChange } from './effects';
import { applyAction } from './rules';
import { act, alice, bob, leader, NOW, olga, refusal, room } from './rules.fixtures';
import { publishingFor } from './state';

describe('audio only', () => {
	it('anyone switches it for themselves, observers too, and back; nothing else changes', () => {
		for (const actor of [leader, alice, olga]) {
			const before = room();
			const on = act(before, actor, { type: 'set-audio-only', on: true });
			expect(on.participants[actor.id]!.audioOnly).toBe(true);
			// Only the actor's own entry changed, and only that field.
			expect({ ...on, participants: { ...on.participants, [actor.id]: { ...on.participants[actor.id]!, audioOnly: false } } }).toEqual(before);
			expect(act(on, actor, { type: 'set-audio-only', on: false })).toEqual(before);
		}
	});

	it('the media server closes only their camera while it lasts: their microphone, and everyone else, stay as they were', () => {
		const s = act(room(), alice, { type: 'set-audio-only', on: true });
		expect(publishingFor(s, alice.id)).toEqual({ microphone: true, camera: false });
		expect(publishingFor(s, bob.id)).toEqual({ microphone: true, camera: true });
		expect(publishingFor(act(s, alice, { type: 'set-audio-only', on: false }), alice.id)).toEqual({ microphone: true, camera: true });
	});

	it('switching asks the media server to change that person’s rights, once each way; the same choice again asks nothing', () => {
		const before = room();
		const on = act(before, alice, { type: 'set-audio-only', on: true });
		expect(effectsOfChange(before, on)).toEqual([
			{ type: 'publishing', participantId: alice.id, role: 'member', publishing: { microphone: true, camera: false } }
		]);
		expect(effectsOfChange(on, act(on, alice, { type: 'set-audio-only', on: true }))).toEqual([]);
		expect(effectsOfChange(on, act(on, alice, { type: 'set-audio-only', on: false }))).toEqual([
			{ type: 'publishing', participantId: alice.id, role: 'member', publishing: { microphone: true, camera: true } }
		]);
	});

	it('a listening presenter in audio only stays silent and without a picture; their return gives back the voice only', () => {
		let s = act(room(), leader, { type: 'make-presenter', participantId: alice.id });
		s = act(s, alice, { type: 'set-audio-only', on: true });
		s = act(s, leader, { type: 'set-phase', phase: 'reflection' });
		expect(publishingFor(s, alice.id)).toEqual({ microphone: false, camera: false });
		s = act(s, leader, { type: 'set-phase', phase: 'return' });
		expect(publishingFor(s, alice.id)).toEqual({ microphone: true, camera: false });
	});

	it('someone not in the session is refused, and so is everyone after the end', () => {
		expect(refusal(room(), { id: 'nobody-0001', role: 'member' }, { type: 'set-audio-only', on: true })).toBe('unknown-participant');
		const ended = act(room(), leader, { type: 'end-session' });
		const outcome = applyAction(ended, alice, { type: 'set-audio-only', on: true }, NOW);
		expect(outcome).toEqual({ ok: false, code: 'session-ended' });
	});
});
