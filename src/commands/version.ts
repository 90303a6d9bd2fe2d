import { type Command } from 'commander';
import { outputOption } from '../cli/flags.js';
import { printJsonValue } from '../core/json.js';
import type { CommandDefinition } from '../cli/command-definition.js';
import type { CommandRunner } from '../cli/runner.js';

declare const __KUBEFEDCTL_BUILD__:
  { version: string; gitCommit: string; gitTreeState: string; buildDate: string; distribution: 'npm' | 'standalone' } | undefined;

/** Compatible with the Go tool's version.Info JSON tags, plus what this implementation is. */
interface VersionInfo {
  gitVersion: string;
  kubefedVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  nodeVersion: string;
  platform: string;
  /** npm (bin/kubefedctl.js on the user's Node) or standalone (the single executable, Node inside: scripts/release.mjs). */
  distribution: string;
}

function versionInfo(): VersionInfo {
  const build = typeof __KUBEFEDCTL_BUILD__ === 'undefined' ? undefined : __KUBEFEDCTL_BUILD__;
  return {
    gitVersion: `v${build?.version ?? '0.0.0-dev'}`,
    kubefedVersion: 'v0.10.0',
    gitCommit: build?.gitCommit ?? 'unknown',
    gitTreeState: build?.gitTreeState ?? 'unknown',
    buildDate: build?.buildDate ?? 'unknown',
    nodeVersion: process.version,
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    // Sources run through tsx have no build flag.
    distribution: build?.distribution ?? 'source',
  };
}

/** The Go tool's `%#v` line, so scripts that grep `Version:"v` keep working. */
function formatVersionLine(info: VersionInfo): string {
  return `kubefedctl version: version.Info{Version:"${info.gitVersion}", KubefedVersion:"${info.kubefedVersion}", GitCommit:"${info.gitCommit}", GitTreeState:"${info.gitTreeState}", BuildDate:"${info.buildDate}", NodeVersion:"${info.nodeVersion}", Platform:"${info.platform}", Distribution:"${info.distribution}"}\n`;
}

export const versionCommand: CommandDefinition = {
  name: 'version',
  summary: 'Print the version info',
  register: registerVersion,
};

function registerVersion(command: Command, run: CommandRunner): void {
  command
    .description('Print the version info')
    .addOption(outputOption(['json', 'yaml'], 'Output format. One of: json|yaml.'))
    .action((flags: { output?: 'json' | 'yaml' }) =>
      run(async (env) => {
        const info = versionInfo();
        const out = env.ctx.stdout;
        if (flags.output === 'json') out.write(printJsonValue(info));
        else if (flags.output === 'yaml') {
          const { toYaml } = await import('../core/yaml.js');
          out.write(toYaml(info));
        } else out.write(formatVersionLine(info));
      }),
    );
}
