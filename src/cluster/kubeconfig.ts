// Kubeconfig loading the way kubectl (client-go clientcmd) does it, without @kubernetes/client-node:
// that package costs ~400 ms to import, and its KUBECONFIG merge lets the last file win and fails
// on missing files, where kubectl lets the first file win and skips them.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ConfigError } from '../errors.js';
import { isPlainObject } from '../core/types.js';
import { jsYaml, parseYamlDocument } from '../core/yaml.js';
import { inClusterKubeconfig, inClusterUnavailableReason } from './in-cluster.js';
import type { ContextInfo, ExecCredentialConfig, Kubeconfig, KubeconfigUser } from './types.js';

export interface LoadKubeconfigOptions {
  /** --kubeconfig: this file only, no merging; it must exist. */
  explicitPath?: string | undefined;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** Tests only: stands in for /var/run/secrets/kubernetes.io/serviceaccount (in-cluster fallback). */
  serviceAccountDir?: string | undefined;
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
  // Like client-go: with no kubeconfig, or only empty ones, a pod uses its service account.
  if (parsed.every(isEmptyKubeconfig)) {
    const inCluster = { env: options.env, serviceAccountDir: options.serviceAccountDir };
    const unavailable = inClusterUnavailableReason(inCluster);
    if (unavailable === undefined) return inClusterKubeconfig(inCluster);
    if (parsed.length === 0) throw noKubeconfigError(options, files, unavailable);
  }
  return mergeKubeconfigFiles(parsed);
}

function isEmptyKubeconfig(file: ParsedKubeconfigFile): boolean {
  return file.currentContext === undefined && file.clusters.size === 0 && file.users.size === 0 && file.contexts.size === 0;
}

/**
 * Parses one kubeconfig document; `file` names it in errors and anchors its relative paths. The
 * YAML is read as kubectl reads it (the manifests' go-yaml v2 rules: `yes` is true, `0123` is 83,
 * null keys fail), and then typed as client-go's decoding into v1.Config types it: a number or a
 * boolean where a string belongs, or a string where a boolean belongs, makes kubectl fail to load
 * the file ("ReadString: expects \" or n"), and so it makes this fail.
 */
export function parseKubeconfigText(text: string, file: string): ParsedKubeconfigFile {
  let document: unknown;
  try {
    document = parseYamlDocument(text, file);
  } catch (error) {
    const reason = error instanceof jsYaml.YAMLException ? error.message : String(error);
    throw new ConfigError(`kubeconfig "${file}" is not valid YAML: ${reason}`, { code: 'KUBECONFIG_INVALID', cause: error });
  }
  if (document === undefined || document === null) document = {};
  if (!isPlainObject(document)) throw invalidFile(file, 'the top level is not a mapping');

  const baseDir = path.dirname(path.resolve(file));
  const resolvePath = (value: string | undefined): string | undefined =>
    value === undefined || value === '' || path.isAbsolute(value) ? value : path.join(baseDir, value);

  const clusters = namedEntries(document, 'clusters', 'cluster', file, (body) => parseCluster(body, resolvePath));
  const users = namedEntries(document, 'users', 'user', file, (body, where, name) => parseUser(body, where, name, file, resolvePath));
  const contexts = namedEntries(document, 'contexts', 'context', file, parseContext);
  const currentContext = typedFields(document, file, 'the top level').string('current-context');
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
        throw new ConfigError(`context "${contextName}" names no cluster`, {
          code: 'KUBECONFIG_INVALID',
          hint: `Add "cluster: NAME" to the context in ${fileNames.join(', ')}.`,
        });
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
      throw new ConfigError(`kubeconfig "${file}" does not exist`, {
        code: 'KUBECONFIG_NOT_FOUND',
        hint: 'Check the path given to --kubeconfig.',
        cause: error,
      });
    }
    const reason = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ConfigError(`unable to read kubeconfig "${file}": ${reason}`, { code: 'KUBECONFIG_UNREADABLE', cause: error });
  }
}

function noKubeconfigError(options: LoadKubeconfigOptions, files: readonly string[], inClusterUnavailable: string): ConfigError {
  const inPod = (options.env.KUBERNETES_SERVICE_HOST ?? '') !== '';
  const hint =
    'Pass --kubeconfig FILE, set KUBECONFIG to one or more kubeconfig files, or create ' +
    `${defaultKubeconfigPath(options.homeDir)} (for example with "kind create cluster" or your cloud provider's CLI).` +
    // In a pod, say why its service account was not used (automountServiceAccountToken: false, say).
    (inPod ? ` In-cluster configuration is not possible either: ${inClusterUnavailable}.` : '');
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
  parse: (body: TypedFields, where: string, name: string) => T,
): Map<string, T> {
  const entries = new Map<string, T>();
  const list = document[listKey];
  if (list === undefined || list === null) return entries;
  if (!Array.isArray(list)) throw invalidFile(file, `"${listKey}" is not a list`);
  for (const [index, item] of list.entries()) {
    if (!isPlainObject(item)) throw invalidFile(file, `${listKey}[${index}] is not a mapping`);
    const name = typedFields(item, file, `${listKey}[${index}]`).string('name');
    if (name === undefined || name === '') throw invalidFile(file, `${listKey}[${index}] has no name`);
    // client-go refuses duplicates inside one file (only across files does the first win).
    if (entries.has(name)) throw invalidFile(file, `duplicate ${bodyKey} name "${name}" in "${listKey}"`);
    const body = item[bodyKey];
    if (body !== undefined && body !== null && !isPlainObject(body)) throw invalidFile(file, `${listKey}[${index}].${bodyKey} is not a mapping`);
    const where = `${listKey} "${name}"`;
    entries.set(name, parse(typedFields(body ?? {}, file, where), where, name));
  }
  return entries;
}

/** Reads of one kubeconfig mapping's fields with the types of client-go's v1.Config. */
interface TypedFields {
  readonly body: Record<string, unknown>;
  /** A string field; absent or null is undefined. */
  string(key: string): string | undefined;
  /** A bool field; absent or null is false. */
  bool(key: string): boolean;
  /** A []string field. */
  strings(key: string): string[] | undefined;
  /** A map[string][]string field. */
  stringLists(key: string): Record<string, string[]> | undefined;
  /** A map[string]string field. */
  stringMap(key: string): Record<string, string>;
}

function typedFields(body: Record<string, unknown>, file: string, where: string): TypedFields {
  const wrongType = (key: string, value: unknown, expected: string, fix: string) =>
    invalidFile(file, `${where}: ${key} must be ${expected}, found ${describeValue(value)} (kubectl cannot load it either); ${fix}`);
  const string = (key: string, value: unknown): string | undefined => {
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    throw wrongType(key, value, 'a string', 'quote it');
  };
  const strings = (key: string, value: unknown): string[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(key, value, 'a list of strings', 'write it as a list');
    return value.map((item, index) => string(`${key}[${index}]`, item) ?? '');
  };
  const mapping = (key: string): Record<string, unknown> | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) throw wrongType(key, value, 'a mapping', 'write it as a mapping');
    return value;
  };
  return {
    body,
    string: (key) => string(key, body[key]),
    bool: (key) => {
      const value = body[key];
      if (value === undefined || value === null) return false;
      if (typeof value === 'boolean') return value;
      throw wrongType(key, value, 'true or false', 'write it unquoted');
    },
    strings: (key) => strings(key, body[key]),
    stringLists: (key) => {
      const map = mapping(key);
      return map && Object.fromEntries(Object.entries(map).map(([name, list]) => [name, strings(`${key}.${name}`, list) ?? []]));
    },
    stringMap: (key) => Object.fromEntries(Object.entries(mapping(key) ?? {}).map(([name, value]) => [name, string(`${key}.${name}`, value) ?? ''])),
  };
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

function parseCluster(body: TypedFields, resolvePath: (p: string | undefined) => string | undefined): ClusterEntry {
  return {
    server: body.string('server') ?? '',
    caFile: emptyToUndefined(resolvePath(body.string('certificate-authority'))),
    caData: emptyToUndefined(body.string('certificate-authority-data')),
    insecureSkipTlsVerify: body.bool('insecure-skip-tls-verify'),
    tlsServerName: emptyToUndefined(body.string('tls-server-name')),
    proxyUrl: emptyToUndefined(body.string('proxy-url')),
    disableCompression: body.bool('disable-compression'),
    execClusterConfig: namedExtension(body.body.extensions, EXEC_CLUSTER_EXTENSION),
  };
}

function parseContext(body: TypedFields): ContextEntry {
  return {
    cluster: body.string('cluster') ?? '',
    user: body.string('user') ?? '',
    namespace: body.string('namespace'),
  };
}

function parseUser(body: TypedFields, where: string, name: string, file: string, resolvePath: (p: string | undefined) => string | undefined): KubeconfigUser {
  const user: KubeconfigUser = {
    name,
    origin: file,
    token: emptyToUndefined(body.string('token')),
    tokenFile: emptyToUndefined(resolvePath(body.string('tokenFile'))),
    username: emptyToUndefined(body.string('username')),
    password: emptyToUndefined(body.string('password')),
    clientCertificate: emptyToUndefined(resolvePath(body.string('client-certificate'))),
    clientCertificateData: emptyToUndefined(body.string('client-certificate-data')),
    clientKey: emptyToUndefined(resolvePath(body.string('client-key'))),
    clientKeyData: emptyToUndefined(body.string('client-key-data')),
    impersonate: emptyToUndefined(body.string('as')),
    impersonateUid: emptyToUndefined(body.string('as-uid')),
    impersonateGroups: body.strings('as-groups'),
    impersonateUserExtra: body.stringLists('as-user-extra'),
  };
  const exec = body.body.exec;
  if (exec !== undefined && exec !== null) {
    if (!isPlainObject(exec)) throw invalidFile(file, `${where}: exec is not a mapping`);
    user.exec = parseExec(typedFields(exec, file, `${where}: exec`), where, file, path.dirname(path.resolve(file)));
  }
  const provider = body.body['auth-provider'];
  if (isPlainObject(provider)) {
    const fields = typedFields(provider, file, `${where}: auth-provider`);
    user.authProvider = { name: fields.string('name') ?? '', config: fields.stringMap('config') };
  }
  return user;
}

function parseExec(exec: TypedFields, where: string, file: string, baseDir: string): ExecCredentialConfig {
  let command = exec.string('command') ?? '';
  // Like client-go: a command with a path separator is a file path relative to the kubeconfig;
  // a bare name is looked up on PATH.
  if (command.includes(path.sep) && !path.isAbsolute(command)) command = path.join(baseDir, command);
  const env: Array<{ name: string; value: string }> = [];
  const entries = exec.body.env;
  if (Array.isArray(entries)) {
    for (const [index, item] of entries.entries()) {
      if (!isPlainObject(item)) throw invalidFile(file, `${where}: exec.env entries must be mappings with name and value`);
      const fields = typedFields(item, file, `${where}: exec.env[${index}]`);
      const name = fields.string('name');
      if (name === undefined || name === '') throw invalidFile(file, `${where}: exec.env entry without a name`);
      env.push({ name, value: fields.string('value') ?? '' });
    }
  }
  return {
    apiVersion: exec.string('apiVersion') ?? '',
    command,
    args: exec.strings('args') ?? [],
    env,
    installHint: emptyToUndefined(exec.string('installHint')),
    provideClusterInfo: exec.bool('provideClusterInfo'),
    interactiveMode: emptyToUndefined(exec.string('interactiveMode')),
  };
}

function namedExtension(extensions: unknown, wanted: string): unknown {
  if (!Array.isArray(extensions)) return undefined;
  for (const item of extensions) {
    if (isPlainObject(item) && item.name === wanted) return item.extension;
  }
  return undefined;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
