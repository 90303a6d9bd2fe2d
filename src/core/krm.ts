// `kubefedctl federate --krm`: federate as a KRM function (kustomize's exec functions, kpt). A
// ResourceList comes in, a ResourceList goes out with every item wrapped (or passed through) and
// the warnings as `results`. The orchestrator's annotations (config.kubernetes.io/path and index,
// internal.config.kubernetes.io/*, kustomize's ids) move to the outer Federated object: inside the
// template federate would drop them, and the orchestrator would lose track of the item.

import { MultipleUsageErrors, ManifestError, UsageError } from '../errors.js';
import { type Placement, defaultFederatedType, federateObject } from './federate.js';
import { passthroughMatcher } from './federate-manifests.js';
import { parseManifests } from './manifest.js';
import { type KubeObject, isPlainObject } from './types.js';
import { parseYamlDocument } from './yaml.js';

export const RESOURCE_LIST_API_VERSIONS = ['config.kubernetes.io/v1', 'config.kubernetes.io/v1beta1'] as const;
export const FEDERATE_FUNCTION_API_VERSION = 'kubefedctl.kubefed.io/v1alpha1';
export const FEDERATE_FUNCTION_KIND = 'Federate';

/** Where ResourceList errors point: the stream has no file name of its own. */
const SOURCE = 'ResourceList on stdin';

/** Annotation prefixes that belong to the orchestrator, not to the resource. */
const ORCHESTRATION_PREFIXES = ['config.kubernetes.io/', 'internal.config.kubernetes.io/', 'config.k8s.io/', 'kustomize.config.k8s.io/'];

export interface KrmSettings {
  placement: Placement;
  passthroughKinds: string[];
}

export interface KrmResult {
  message: string;
  severity: 'error' | 'warning' | 'info';
  resourceRef?: { apiVersion: string; kind: string; name: string; namespace?: string };
  file?: { path: string; index?: number };
}

export interface ResourceList {
  apiVersion: string;
  kind: 'ResourceList';
  items: KubeObject[];
  results?: KrmResult[];
}

export function isOrchestrationAnnotation(key: string): boolean {
  return ORCHESTRATION_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * The output ResourceList for an input one. `defaults` come from the command line; the
 * functionConfig's placement and passthrough kinds, when it has them, replace them. Throws
 * ManifestError or UsageError (with every problem of the functionConfig) on invalid input.
 */
export function federateResourceList(text: string, defaults: KrmSettings): ResourceList {
  const document = readResourceList(text);
  const settings = functionSettings(document.functionConfig, defaults);
  let parsed;
  try {
    parsed = parseManifests({ name: SOURCE, text });
  } catch (error) {
    throw withItemOrigin(error, document.items);
  }
  const passthrough = passthroughMatcher(settings.passthroughKinds);
  const items: KubeObject[] = [];
  const results: KrmResult[] = [];
  for (const { object } of parsed) {
    if (passthrough(object)) {
      items.push(object);
      continue;
    }
    const ref = resourceRef(object);
    const file = fileOf(object);
    const orchestration = takeOrchestrationAnnotations(object);
    const namespaced = typeof object.metadata.namespace === 'string' && object.metadata.namespace !== '';
    const federated = federateObject(object, defaultFederatedType(object.kind, namespaced), settings.placement, {
      consumeTarget: true,
      suggestAnnotationsFlag: false,
    });
    if (orchestration !== undefined) federated.object.metadata.annotations = orchestration;
    items.push(federated.object);
    for (const message of federated.warnings) results.push({ message, severity: 'warning', resourceRef: ref, ...(file ? { file } : {}) });
  }
  return { apiVersion: document.apiVersion, kind: 'ResourceList', items, ...(results.length > 0 ? { results } : {}) };
}

/** What a failed run writes on stdout (the error goes to stderr too, with a non-zero exit). */
export function failedResourceList(message: string, apiVersion: string = RESOURCE_LIST_API_VERSIONS[0]): ResourceList {
  return { apiVersion, kind: 'ResourceList', items: [], results: [{ message, severity: 'error' }] };
}

/** The apiVersion of the input, when it is readable at all (for the failure output). */
export function resourceListApiVersion(text: string): string | undefined {
  try {
    const value = parseYamlDocument(text, SOURCE);
    return isPlainObject(value) && typeof value.apiVersion === 'string' && (RESOURCE_LIST_API_VERSIONS as readonly string[]).includes(value.apiVersion)
      ? value.apiVersion
      : undefined;
  } catch {
    return undefined;
  }
}

interface RawResourceList {
  apiVersion: string;
  items: unknown[];
  functionConfig: unknown;
}

function readResourceList(text: string): RawResourceList {
  let value: unknown;
  try {
    value = text.trim() === '' ? undefined : parseYamlDocument(text, SOURCE);
  } catch (error) {
    throw new ManifestError({ file: SOURCE }, `invalid YAML: ${(error as Error).message}`, { cause: error });
  }
  const hint =
    'Run kubefedctl federate --krm as a KRM function (kustomize exec function, kpt); it reads a config.kubernetes.io/v1 ResourceList on stdin. To federate plain manifests, use -f.';
  if (!isPlainObject(value)) throw new ManifestError({ file: SOURCE }, 'expected a ResourceList on standard input', { hint });
  if (value.kind !== 'ResourceList')
    throw new ManifestError({ file: SOURCE, path: 'kind' }, `expected kind ResourceList, found ${JSON.stringify(value.kind ?? null)}`, { hint });
  if (typeof value.apiVersion !== 'string' || !(RESOURCE_LIST_API_VERSIONS as readonly string[]).includes(value.apiVersion)) {
    throw new ManifestError({ file: SOURCE, path: 'apiVersion' }, `unsupported ResourceList apiVersion ${JSON.stringify(value.apiVersion ?? null)}`, {
      hint: `Supported: ${RESOURCE_LIST_API_VERSIONS.join(', ')}.`,
    });
  }
  if (value.items !== undefined && value.items !== null && !Array.isArray(value.items))
    throw new ManifestError({ file: SOURCE, path: 'items' }, 'items must be a sequence');
  return { apiVersion: value.apiVersion, items: Array.isArray(value.items) ? value.items : [], functionConfig: value.functionConfig };
}

/** functionConfig: a Federate object (spec.placement, spec.passthroughKinds) or a ConfigMap (data). */
function functionSettings(config: unknown, defaults: KrmSettings): KrmSettings {
  if (config === undefined || config === null) return defaults;
  if (!isPlainObject(config)) throw new UsageError('functionConfig must be a mapping');
  const problems: string[] = [];
  let clusters: string[] | undefined;
  let matchLabels: Record<string, string> | undefined;
  let passthroughKinds: string[] | undefined;
  if (config.kind === FEDERATE_FUNCTION_KIND) {
    if (config.apiVersion !== FEDERATE_FUNCTION_API_VERSION)
      problems.push(
        `functionConfig of kind Federate must have apiVersion ${FEDERATE_FUNCTION_API_VERSION}, found ${JSON.stringify(config.apiVersion ?? null)}`,
      );
    const spec = isPlainObject(config.spec) ? config.spec : {};
    const placement = spec.placement;
    if (placement !== undefined && placement !== null) {
      if (!isPlainObject(placement)) problems.push('functionConfig.spec.placement must be a mapping');
      else {
        if (placement.clusters !== undefined) clusters = stringList(placement.clusters, 'functionConfig.spec.placement.clusters', problems);
        if (placement.clusterSelector !== undefined) {
          const selector = placement.clusterSelector;
          const labels = isPlainObject(selector) ? selector.matchLabels : undefined;
          if (!isPlainObject(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
            problems.push('functionConfig.spec.placement.clusterSelector.matchLabels must be a mapping of strings');
          } else matchLabels = labels as Record<string, string>;
        }
      }
    }
    if (spec.passthroughKinds !== undefined) passthroughKinds = stringList(spec.passthroughKinds, 'functionConfig.spec.passthroughKinds', problems);
  } else if (config.kind === 'ConfigMap') {
    const data = isPlainObject(config.data) ? config.data : {};
    const list = (key: string): string[] | undefined =>
      typeof data[key] === 'string'
        ? (data[key] as string)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    clusters = list('placement-clusters');
    const selector = list('cluster-selector');
    if (selector !== undefined) {
      matchLabels = {};
      for (const pair of selector) {
        const eq = pair.indexOf('=');
        if (eq <= 0) problems.push(`functionConfig.data.cluster-selector: invalid entry "${pair}": expected key=value`);
        else matchLabels[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    passthroughKinds = list('passthrough-kinds');
  } else {
    problems.push(
      `unsupported functionConfig kind ${JSON.stringify(config.kind ?? null)}: use kind ${FEDERATE_FUNCTION_KIND} (apiVersion ${FEDERATE_FUNCTION_API_VERSION}) or a ConfigMap`,
    );
  }
  if (clusters !== undefined && matchLabels !== undefined) {
    problems.push('functionConfig sets both placement clusters and a cluster selector: KubeFed ignores the selector when a cluster list is set');
  }
  if (clusters !== undefined && clusters.length === 0) problems.push('functionConfig placement clusters must name at least one cluster');
  if (problems.length > 0) throw new MultipleUsageErrors(problems, { hint: 'See "Federate with kustomize" in the README for the functionConfig fields.' });

  const placement: Placement = clusters !== undefined ? { clusters } : matchLabels !== undefined ? { matchLabels } : defaults.placement;
  return { placement, passthroughKinds: passthroughKinds ?? defaults.passthroughKinds };
}

function stringList(value: unknown, field: string, problems: string[]): string[] | undefined {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    problems.push(`${field} must be a list of strings`);
    return undefined;
  }
  return value as string[];
}

/** Removes the orchestrator's annotations from the item; returns them (undefined if none). */
function takeOrchestrationAnnotations(object: KubeObject): Record<string, string> | undefined {
  const annotations = object.metadata.annotations;
  if (annotations === undefined) return undefined;
  const taken: Record<string, string> = {};
  for (const key of Object.keys(annotations)) {
    if (!isOrchestrationAnnotation(key)) continue;
    taken[key] = annotations[key]!;
    delete annotations[key];
  }
  if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
  return Object.keys(taken).length > 0 ? taken : undefined;
}

function resourceRef(object: KubeObject): KrmResult['resourceRef'] {
  const namespace = object.metadata.namespace;
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name ?? '', ...(namespace ? { namespace } : {}) };
}

function fileOf(object: KubeObject): KrmResult['file'] | undefined {
  const annotations = object.metadata.annotations ?? {};
  const path = annotations['config.kubernetes.io/path'] ?? annotations['internal.config.kubernetes.io/path'];
  if (path === undefined) return undefined;
  const index = Number(annotations['config.kubernetes.io/index'] ?? annotations['internal.config.kubernetes.io/index']);
  return Number.isInteger(index) ? { path, index } : { path };
}

/** A ManifestError about items[N] also says which file the orchestrator read that item from. */
function withItemOrigin(error: unknown, items: unknown[]): unknown {
  if (!(error instanceof ManifestError)) return error;
  const index = /^items\[(\d+)\]/.exec(error.location.path ?? '')?.[1];
  const item = index === undefined ? undefined : items[Number(index)];
  const metadata = isPlainObject(item) && isPlainObject(item.metadata) ? item.metadata : undefined;
  const annotations = metadata && isPlainObject(metadata.annotations) ? metadata.annotations : {};
  const path = annotations['config.kubernetes.io/path'] ?? annotations['internal.config.kubernetes.io/path'];
  if (typeof path !== 'string') return error;
  return new ManifestError(error.location, error.detail, { hint: `The item came from ${path}.${error.hint ? ` ${error.hint}` : ''}`, cause: error });
}
