// Kubeconfig loading the way kubectl (client-go clientcmd) does it, without @kubernetes/client-node:
// that package costs ~400 ms to import, and its KUBECONFIG merge lets the last file win and fails
// on missing files, where kubectl lets the first file win and skips them.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

import { ConfigError } from '../errors.js';
import { isPlainObject } from '../core/types.js';
import type { ContextInfo, ExecCredentialConfig, Kubeconfig, KubeconfigUser } from './types.js';

export interface LoadKubeconfigOptions {
  /** --kubeconfig: this file only, no merging; it must exist. */
  explicitPath?: string | undefined;
  env: NodeJS.ProcessEnv;
  homeDir: string;
}

const EXEC_CLUSTER_EXTENSION = 'client.authentication.k8s.io/exec';

interface ClusterEntry {
  server: string;
  caFile?: string | undefined;
  caData?: string | undefined;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string | undefined;
  proxyUrl?: string | undefined;
  disableCompression: boolean;
  execClusterConfig?: unknown;
}

interface ContextEntry {
  cluster: string;
  user: string;
  namespace?: string | undefined;
}

/** One kubeconfig file, parsed, with its relative paths resolved against its own directory. */
export interface ParsedKubeconfigFile {
  file: string;
  currentContext?: string | undefined;
  clusters: Map<string, ClusterEntry>;
  users: Map<string, KubeconfigUser>;
  contexts: Map<string, ContextEntry>;
}

export function loadKubeconfig(options: LoadKubeconfigOptions): Kubeconfig {
  const { files, explicit } = kubeconfigFileList(options);
  const parsed: ParsedKubeconfigFile[] = [];
  for (const file of files) {
    const text = readKubeconfigText(file, explicit);
    if (text !== undefined) parsed.push(parseKubeconfigText(text, file));
  }
  if (parsed.length === 0) throw noKubeconfigError(options, files);
  return mergeKubeconfigFiles(parsed);
}

/** Parses one kubeconfig document; `file` names it in errors and anchors its relative paths. */
export function parseKubeconfigText(text: string, file: string): ParsedKubeconfigFile {
  let document: unknown;
  try {
    document = yaml.load(text, { filename: file });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.message : String(error);
    throw new ConfigError(`kubeconfig "${file}" is not valid YAML: ${reason}`, { code: 'KUBECONFIG_INVALID', cause: error });
  }
  if (document === undefined || document === null) document = {};
  if (!isPlainObject(document)) throw invalidFile(file, 'the top level is not a mapping');

  const baseDir = path.dirname(path.resolve(file));
  const resolvePath = (value: string | undefined): string | undefined =>
    value === undefined || value === '' || path.isAbsolute(value) ? value : path.join(baseDir, value);

  const clusters = namedEntries(document, 'clusters', 'cluster', file, (body) => parseCluster(body, resolvePath));
  const users = namedEntries(document, 'users', 'user', file, (body, name) => parseUser(body, name, file, resolvePath));
  const contexts = namedEntries(document, 'contexts', 'context', file, parseContext);
  const currentContext = optionalString(document['current-context']);
  return { file, currentContext: currentContext === '' ? undefined : currentContext, clusters, users, contexts };
}

/** kubectl merge: the first file that defines a name (or current-context) wins, whole entries. */
export function mergeKubeconfigFiles(files: readonly ParsedKubeconfigFile[]): Kubeconfig {
  const clusters = new Map<string, ClusterEntry>();
  const users = new Map<string, KubeconfigUser>();
  const contexts = new Map<string, ContextEntry>();
  let currentContext: string | undefined;
  for (const parsed of files) {
    currentContext ??= parsed.currentContext;
    for (const [name, entry] of parsed.clusters) if (!clusters.has(name)) clusters.set(name, entry);
    for (const [name, entry] of parsed.users) if (!users.has(name)) users.set(name, entry);
    for (const [name, entry] of parsed.contexts) if (!contexts.has(name)) contexts.set(name, entry);
  }
  const fileNames = files.map((f) => f.file);
  const contextNames = [...contexts.keys()];

  const lookupContext = (name: string | undefined): { name: string; entry: ContextEntry } => {
    const wanted = name ?? currentContext;
    if (wanted === undefined || wanted === '') {
      throw new ConfigError('no context selected: the kubeconfig sets no current-context', {
        code: 'NO_CURRENT_CONTEXT',
        hint: `${contextChoiceHint(contextNames)} Name the context with --host-cluster-context (the member's with --cluster-context), or set a current one with "kubectl config use-context NAME".`,
      });
    }
    const entry = contexts.get(wanted);
    if (entry === undefined) {
      throw new ConfigError(`context "${wanted}" does not exist`, { code: 'CONTEXT_NOT_FOUND', hint: contextChoiceHint(contextNames) });
    }
    return { name: wanted, entry };
  };

  return {
    files: fileNames,
    currentContext,
    contextNames,
    context(name?: string): ContextInfo {
      const { name: contextName, entry } = lookupContext(name);
      if (entry.cluster === '') {
        throw new ConfigError(`context "${contextName}" names no cluster`, { code: 'KUBECONFIG_INVALID', hint: `Add "cluster: NAME" to the context in ${fileNames.join(', ')}.` });
      }
      const cluster = clusters.get(entry.cluster);
      if (cluster === undefined) {
        throw new ConfigError(`cluster "${entry.cluster}" of context "${contextName}" is not defined in the kubeconfig`, {
          code: 'KUBECONFIG_INVALID',
          hint: `Defined clusters: ${[...clusters.keys()].map((c) => `"${c}"`).join(', ') || 'none'} (read from ${fileNames.join(', ')}).`,
        });
      }
      if (cluster.server === '') {
        throw new ConfigError(`cluster "${entry.cluster}" of context "${contextName}" has no server defined`, { code: 'KUBECONFIG_INVALID' });
      }
      return {
        name: contextName,
        clusterName: entry.cluster,
        userName: entry.user,
        namespace: entry.namespace === undefined || entry.namespace === '' ? 'default' : entry.namespace,
        server: cluster.server,
        caData: cluster.caData,
        caFile: cluster.caFile,
        insecureSkipTlsVerify: cluster.insecureSkipTlsVerify,
        proxyUrl: cluster.proxyUrl,
        tlsServerName: cluster.tlsServerName,
        disableCompression: cluster.disableCompression,
        execClusterConfig: cluster.execClusterConfig,
      };
    },
    user(name?: string): KubeconfigUser | undefined {
      const { entry } = lookupContext(name);
      return entry.user === '' ? undefined : users.get(entry.user);
    },
  };
}

function kubeconfigFileList(options: LoadKubeconfigOptions): { files: string[]; explicit: boolean } {
  if (options.explicitPath !== undefined && options.explicitPath !== '') return { files: [options.explicitPath], explicit: true };
  const fromEnv = options.env.KUBECONFIG;
  if (fromEnv !== undefined && fromEnv !== '') {
    const files = fromEnv.split(path.delimiter).filter((f) => f !== '');
    return { files: [...new Set(files)], explicit: false };
  }
  return { files: [defaultKubeconfigPath(options.homeDir)], explicit: false };
}

function defaultKubeconfigPath(homeDir: string): string {
  return path.join(homeDir, '.kube', 'config');
}

/** undefined for a missing file that may be skipped. */
function readKubeconfigText(file: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    if (code === 'ENOENT') {
      throw new ConfigError(`kubeconfig "${file}" does not exist`, { code: 'KUBECONFIG_NOT_FOUND', hint: 'Check the path given to --kubeconfig.', cause: error });
    }
    const reason = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ConfigError(`unable to read kubeconfig "${file}": ${reason}`, { code: 'KUBECONFIG_UNREADABLE', cause: error });
  }
}

function noKubeconfigError(options: LoadKubeconfigOptions, files: readonly string[]): ConfigError {
  const hint =
    'Pass --kubeconfig FILE, set KUBECONFIG to one or more kubeconfig files, or create ' +
    `${defaultKubeconfigPath(options.homeDir)} (for example with "kind create cluster" or your cloud provider's CLI).`;
  const message =
    options.env.KUBECONFIG !== undefined && options.env.KUBECONFIG !== ''
      ? `no kubeconfig found: none of the files in KUBECONFIG exist (${files.join(', ')})`
      : `no kubeconfig found: ${defaultKubeconfigPath(options.homeDir)} does not exist and KUBECONFIG is not set`;
  return new ConfigError(message, { code: 'NO_KUBECONFIG', hint });
}

function contextChoiceHint(contextNames: readonly string[]): string {
  if (contextNames.length === 0) return 'The kubeconfig defines no contexts.';
  return `Available contexts: ${contextNames.map((n) => `"${n}"`).join(', ')}.`;
}

function invalidFile(file: string, problem: string): ConfigError {
  return new ConfigError(`kubeconfig "${file}" is invalid: ${problem}`, { code: 'KUBECONFIG_INVALID' });
}

function namedEntries<T>(
  document: Record<string, unknown>,
  listKey: string,
  bodyKey: string,
  file: string,
  parse: (body: Record<string, unknown>, name: string) => T,
): Map<string, T> {
  const entries = new Map<string, T>();
  const list = document[listKey];
  if (list === undefined || list === null) return entries;
  if (!Array.isArray(list)) throw invalidFile(file, `"${listKey}" is not a list`);
  for (const [index, item] of list.entries()) {
    if (!isPlainObject(item)) throw invalidFile(file, `${listKey}[${index}] is not a mapping`);
    const name = optionalString(item.name);
    if (name === undefined || name === '') throw invalidFile(file, `${listKey}[${index}] has no name`);
    // client-go refuses duplicates inside one file (only across files does the first win).
    if (entries.has(name)) throw invalidFile(file, `duplicate ${bodyKey} name "${name}" in "${listKey}"`);
    const body = item[bodyKey];
    if (body !== undefined && body !== null && !isPlainObject(body)) throw invalidFile(file, `${listKey}[${index}].${bodyKey} is not a mapping`);
    entries.set(name, parse(body ?? {}, name));
  }
  return entries;
}

function parseCluster(body: Record<string, unknown>, resolvePath: (p: string | undefined) => string | undefined): ClusterEntry {
  return {
    server: optionalString(body.server) ?? '',
    caFile: emptyToUndefined(resolvePath(optionalString(body['certificate-authority']))),
    caData: emptyToUndefined(optionalString(body['certificate-authority-data'])),
    insecureSkipTlsVerify: yamlBoolean(body['insecure-skip-tls-verify']),
    tlsServerName: emptyToUndefined(optionalString(body['tls-server-name'])),
    proxyUrl: emptyToUndefined(optionalString(body['proxy-url'])),
    disableCompression: yamlBoolean(body['disable-compression']),
    execClusterConfig: namedExtension(body.extensions, EXEC_CLUSTER_EXTENSION),
  };
}

function parseContext(body: Record<string, unknown>): ContextEntry {
  return {
    cluster: optionalString(body.cluster) ?? '',
    user: optionalString(body.user) ?? '',
    namespace: optionalString(body.namespace),
  };
}

function parseUser(
  body: Record<string, unknown>,
  name: string,
  file: string,
  resolvePath: (p: string | undefined) => string | undefined,
): KubeconfigUser {
  const user: KubeconfigUser = {
    name,
    token: emptyToUndefined(optionalString(body.token)),
    tokenFile: emptyToUndefined(resolvePath(optionalString(body.tokenFile))),
    username: emptyToUndefined(optionalString(body.username)),
    password: emptyToUndefined(optionalString(body.password)),
    clientCertificate: emptyToUndefined(resolvePath(optionalString(body['client-certificate']))),
    clientCertificateData: emptyToUndefined(optionalString(body['client-certificate-data'])),
    clientKey: emptyToUndefined(resolvePath(optionalString(body['client-key']))),
    clientKeyData: emptyToUndefined(optionalString(body['client-key-data'])),
    impersonate: emptyToUndefined(optionalString(body.as)),
    impersonateUid: emptyToUndefined(optionalString(body['as-uid'])),
    impersonateGroups: stringList(body['as-groups']),
    impersonateUserExtra: stringListMap(body['as-user-extra']),
  };
  const exec = body.exec;
  if (exec !== undefined && exec !== null) {
    if (!isPlainObject(exec)) throw invalidFile(file, `users "${name}": exec is not a mapping`);
    user.exec = parseExec(exec, name, file, path.dirname(path.resolve(file)));
  }
  const provider = body['auth-provider'];
  if (isPlainObject(provider)) {
    const config: Record<string, string> = {};
    if (isPlainObject(provider.config)) {
      for (const [key, value] of Object.entries(provider.config)) {
        const text = optionalString(value);
        if (text !== undefined) config[key] = text;
      }
    }
    user.authProvider = { name: optionalString(provider.name) ?? '', config };
  }
  return user;
}

function parseExec(exec: Record<string, unknown>, userName: string, file: string, baseDir: string): ExecCredentialConfig {
  let command = optionalString(exec.command) ?? '';
  // Like client-go: a command with a path separator is a file path relative to the kubeconfig;
  // a bare name is looked up on PATH.
  if (command.includes(path.sep) && !path.isAbsolute(command)) command = path.join(baseDir, command);
  const env: Array<{ name: string; value: string }> = [];
  if (Array.isArray(exec.env)) {
    for (const item of exec.env) {
      if (!isPlainObject(item)) throw invalidFile(file, `users "${userName}": exec.env entries must be mappings with name and value`);
      const name = optionalString(item.name);
      if (name === undefined || name === '') throw invalidFile(file, `users "${userName}": exec.env entry without a name`);
      env.push({ name, value: optionalString(item.value) ?? '' });
    }
  }
  return {
    apiVersion: optionalString(exec.apiVersion) ?? '',
    command,
    args: stringList(exec.args) ?? [],
    env,
    installHint: emptyToUndefined(optionalString(exec.installHint)),
    provideClusterInfo: yamlBoolean(exec.provideClusterInfo),
    interactiveMode: emptyToUndefined(optionalString(exec.interactiveMode)),
  };
}

function namedExtension(extensions: unknown, wanted: string): unknown {
  if (!Array.isArray(extensions)) return undefined;
  for (const item of extensions) {
    if (isPlainObject(item) && item.name === wanted) return item.extension;
  }
  return undefined;
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // An unquoted `token: 12345` parses as a number; the file still means the text.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** kubectl reads kubeconfig as YAML 1.1, where yes/on are booleans; js-yaml (1.2) keeps them strings. */
function yamlBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' && /^(true|yes|on|y)$/i.test(value);
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((v) => optionalString(v)).filter((v): v is string => v !== undefined);
}

function stringListMap(value: unknown): Record<string, string[]> | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(value)) out[key] = stringList(list) ?? [];
  return out;
}
