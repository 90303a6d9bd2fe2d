// The Go tool's LookupAPIResource (pkg/kubefedctl/enable/util.go) over discovery data given as
// input: which API type a name like "deploy", "deployments.apps" or "ConfigMap" means. Pure; the
// command fetches the discovery documents (or takes the built-in table for --offline).

import { EXIT_CODES, KubefedctlError, UsageError } from '../errors.js';

/** One API resource as discovery lists it, with the group/version it was listed under. */
export interface ApiResource {
  group: string;
  version: string;
  /** Plural resource name, e.g. "deployments". */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  /** Verbs as discovery lists them (absent in tables that do not carry them). */
  verbs?: readonly string[] | undefined;
}

/** An API group as /api and /apis list it; the core group is named "". */
export interface DiscoveryGroup {
  name: string;
  preferredVersion: string;
  versions: readonly string[];
}

/** A group/version whose resource list could not be read (an unavailable aggregated API, say). */
export interface DiscoveryFailure {
  groupVersion: string;
  message: string;
}

export interface DiscoverySnapshot {
  /** In server order: core first, then /apis order. */
  groups: readonly DiscoveryGroup[];
  /** Resource lists by groupVersionKey(group, version); subresources may be included, they are ignored. */
  resources: ReadonlyMap<string, readonly ApiResource[]>;
  failures: readonly DiscoveryFailure[];
}

/** What client-go's ServerPreferredResources returns: one list per group/version, in server order. */
export interface PreferredResourceList {
  group: string;
  version: string;
  resources: ApiResource[];
}

export interface LookupResult {
  /** The matched resource, with group and version of the list it was found in. */
  resource: ApiResource;
  /** Set when discovery was incomplete but the name still matched (the Go tool logs it as a warning). */
  ignoredDiscoveryError?: string | undefined;
}

export function groupVersionKey(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** "deployments.apps", or just "configmaps" for the core group (typeconfig.GroupQualifiedName). */
export function groupQualifiedName(plural: string, group: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

/**
 * client-go's ServerPreferredResources: every group/resource once, at the group's preferred
 * version, or at the first version listing it when the preferred one does not. Subresources are
 * dropped. Every served group/version gets a list, possibly empty, in server order.
 */
export function preferredResourceLists(snapshot: Pick<DiscoverySnapshot, 'groups' | 'resources'>): PreferredResourceList[] {
  const lists: PreferredResourceList[] = [];
  const listByGroupVersion = new Map<string, PreferredResourceList>();
  const chosen = new Map<string, { group: string; version: string; resource: ApiResource }>();
  for (const group of snapshot.groups) {
    for (const version of group.versions) {
      const resources = snapshot.resources.get(groupVersionKey(group.name, version));
      if (resources === undefined) continue;
      const list: PreferredResourceList = { group: group.name, version, resources: [] };
      lists.push(list);
      listByGroupVersion.set(groupVersionKey(group.name, version), list);
      for (const resource of resources) {
        if (resource.name.includes('/')) continue;
        const groupResource = `${resource.name}.${group.name}`;
        if (chosen.has(groupResource) && version !== group.preferredVersion) continue;
        chosen.set(groupResource, { group: group.name, version, resource });
      }
    }
  }
  for (const { group, version, resource } of chosen.values()) {
    listByGroupVersion.get(groupVersionKey(group, version))!.resources.push({ ...resource, group, version });
  }
  return lists;
}

/**
 * The enable match rule (NameMatchesResource): the lowercased name equals the plural, the
 * singular, the lowercased kind, "<plural>.<group>", or a short name (case-insensitively).
 * "<kind>.<group>" and "<singular>.<group>" do not match, as in the Go tool.
 */
export function nameMatchesResource(name: string, resource: Pick<ApiResource, 'name' | 'singularName' | 'kind' | 'shortNames' | 'group'>): boolean {
  const lowered = name.toLowerCase();
  if (
    lowered === resource.name ||
    lowered === resource.singularName ||
    lowered === resource.kind.toLowerCase() ||
    lowered === `${resource.name}.${resource.group}`
  ) {
    return true;
  }
  return resource.shortNames.some((shortName) => shortName.toLowerCase() === lowered);
}

export interface LookupOptions {
  /** --version: only lists of this version are searched (so only server-preferred versions can match). */
  targetVersion?: string | undefined;
  /** Extra advice for the not-found error (e.g. what --offline knows). */
  notFoundHint?: string | undefined;
}

/**
 * LookupAPIResource: the first match wins; a core-group match is returned at once (so "events"
 * means v1 Events, not events.k8s.io); several non-core matches are ambiguous.
 */
export function lookupApiResource(snapshot: DiscoverySnapshot, name: string, options: LookupOptions = {}): LookupResult {
  const discoveryError = describeDiscoveryFailures(snapshot.failures);
  let target: ApiResource | undefined;
  const matched: string[] = [];
  for (const list of preferredResourceLists(snapshot)) {
    if (options.targetVersion && list.version !== options.targetVersion) continue;
    for (const resource of list.resources) {
      if (!nameMatchesResource(name, resource)) continue;
      if (target === undefined) {
        target = resource;
        if (target.group === '') return { resource: target };
      }
      matched.push(groupQualifiedName(resource.name, list.group));
    }
  }
  if (matched.length > 1) throw new AmbiguousApiResourceError(name, matched, discoveryError);
  if (target !== undefined) return { resource: target, ignoredDiscoveryError: discoveryError };
  throw new ApiResourceNotFoundError(name, { discoveryError, targetVersion: options.targetVersion, hint: options.notFoundHint });
}

/** client-go's ErrGroupDiscoveryFailed text, wrapped as GetServerPreferredResources wraps it. */
export function describeDiscoveryFailures(failures: readonly DiscoveryFailure[]): string | undefined {
  if (failures.length === 0) return undefined;
  const parts = failures.map((failure) => `${failure.groupVersion}: ${failure.message}`).sort();
  return `Error listing api resources: unable to retrieve the complete list of server APIs: ${parts.join(', ')}`;
}

/** k8s.io/apimachinery's NewAggregate rendering: one message alone, several as "[a, b]". */
function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

const NAME_FORMS_HINT =
  "Use a name 'kubectl api-resources' lists: the plural (deployments), plural.group (deployments.apps), the singular, the kind or a short name (deploy).";

/**
 * No served type has that name. A usage error (exit 2) when discovery was complete; when some
 * API groups could not be read the type may be among them, so it is an operation failure (exit 1).
 */
export class ApiResourceNotFoundError extends KubefedctlError {
  readonly typeName: string;
  constructor(typeName: string, options: { discoveryError?: string | undefined; targetVersion?: string | undefined; hint?: string | undefined } = {}) {
    const notFound = `Unable to find api resource named "${typeName}".`;
    const message = options.discoveryError ? aggregate([options.discoveryError, notFound]) : notFound;
    const hints = [options.hint ?? NAME_FORMS_HINT];
    if (options.targetVersion)
      hints.push(`--version ${options.targetVersion} only matches a type whose server-preferred version it is; try without --version.`);
    if (options.discoveryError) hints.push('Some API groups could not be listed; the type may belong to one of them.');
    super('API_RESOURCE_NOT_FOUND', options.discoveryError ? EXIT_CODES.failure : EXIT_CODES.usage, message, { hint: hints.join(' ') });
    this.typeName = typeName;
  }
}

/** Several non-core types answer to the name. Exit 2. */
export class AmbiguousApiResourceError extends UsageError {
  readonly typeName: string;
  readonly candidates: readonly string[];
  constructor(typeName: string, candidates: readonly string[], discoveryError?: string) {
    const ambiguous = `Multiple resources are matched by "${typeName}": ${candidates.join(', ')}. A group-qualified plural name must be provided.`;
    super(discoveryError ? aggregate([discoveryError, ambiguous]) : ambiguous, {
      code: 'AMBIGUOUS_API_RESOURCE',
      hint: `Name the type as plural.group, e.g. "${candidates[0]}".`,
    });
    this.typeName = typeName;
    this.candidates = candidates;
  }
}
