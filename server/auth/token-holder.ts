// The one lookup every authenticated request makes (the token's session), and the write it makes at most
// once a minute per session; see sessions.ts.
export { sessionLookup } from './sessions.js';
