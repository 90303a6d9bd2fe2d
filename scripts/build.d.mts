// Types of scripts/build.mjs for the TypeScript that imports it (test/unit/build.test.ts, the release).
import type { BuildResult, Metafile } from 'esbuild';

/** The files of dist/, in load order: static imports only point to the same file or an earlier one. */
export declare const FILES: readonly ['main', 'offline', 'cluster'];
/** Which file of dist/ holds each module (esbuild's metafile paths), from a one-file build's metafile inputs. */
export declare function assignFiles(inputs: Metafile['inputs']): Map<string, (typeof FILES)[number]>;
/** Modules bundled into more than one of the given builds, as "module in a and b". */
export declare function bundledTwice(metafiles: Record<string, Metafile>): string[];
/**
 * dist/main.cjs, dist/offline.cjs and dist/cluster.cjs (into `outdir`): each file's build, which
 * file holds each module, and the analysing build's metafile inputs it was decided from.
 */
export declare function buildDist(outdir?: string): Promise<{
  builds: Record<(typeof FILES)[number], BuildResult<{ metafile: true }>>;
  owner: Map<string, (typeof FILES)[number]>;
  inputs: Metafile['inputs'];
}>;
/** The single file of the single executable. */
export declare function buildCli(options: { outfile: string }): Promise<BuildResult<{ metafile: true }>>;
