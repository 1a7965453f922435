import { createContext } from 'svelte';
import type { PlenaryClient } from './plenary-client.svelte';

/** The plenary's screens read their one client from context, as the room's read `roomSession()`. */
export const [plenaryClient, setPlenaryClient] = createContext<PlenaryClient>();
