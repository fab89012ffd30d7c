/** The size parser lives in shared/bytes.ts (the profile form parses disk sizes too); the CLI's name for it. */
export { parseSize } from '../../shared/bytes';
