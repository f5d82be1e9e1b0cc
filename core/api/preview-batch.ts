// How many conversations one ask for previews may name, where both the session's input schema (schemas.ts)
// and the window's sidebar read it. No zod here: the window imports this.

/** A screenful of the sidebar: the most previews one call reads. */
export const MAX_PREVIEW_BATCH = 20;
