// Types of scripts/node-lines.mjs for the TypeScript that imports it (the bench).
/** The newest release of each supported Node line, by major version. */
export declare const NODE_LINES: Readonly<Record<string, string>>;
/** bin/node of `version`, fetched into ~/.cache/kubefedctl-node the first time. */
export declare function nodeBinary(version: string): string;
