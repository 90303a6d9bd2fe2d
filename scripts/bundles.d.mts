// Types of scripts/bundles.mjs for the TypeScript that imports it (tests).
export interface ApartBundle {
  /** dist/<name>.cjs */
  name: string;
  /** The module the bundle is built from. */
  entry: string;
  /** Import specifiers that the build maps to the bundle. */
  specifier: RegExp;
}

export declare const APART: readonly ApartBundle[];
