/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** A basemap tile URL template; empty means none (only boundaries). */
  readonly VITE_TILE_URL?: string;
  readonly VITE_TILE_ATTRIBUTION?: string;
}
