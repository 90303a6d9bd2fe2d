// What `kubefedctl promote` does once its options are complete: read the host's KubeFed state and
// the member's objects, build the Federated objects placed on that member only, ask the preview
// engine (the one model of KubeFed's sync controller) what KubeFed will do with the running
// objects, refuse anything but an adoption, then print (-o) or create them.
//
// Writes: the host Namespace and FederatedNamespace the objects need (shared, created first),
// then each promoted object with its dependencies as one unit, rolled back on its own. Every
// Federated object is created with kubefed.io/orphan=true, so that a rollback (which deletes it)
// makes KubeFed leave the running member object in place instead of deleting it; the annotation
// is removed once the unit is complete. All writes go through the Applier, which settles a lost
// answer by reading the object back.

import type { CommandEnv } from '../cli/command-env.js';
import type { Ui } from '../cli/ui.js';
import { Applier } from '../cluster/applier.js';
import { findApiResource } from '../cluster/discovery.js';
import { storedCredentialsContext, storedCredentialsKubeconfig } from '../cluster/stored-credentials.js';
import type { ClusterClient } from '../cluster/types.js';
import type { PromoteOptions } from '../commands/promote.js';
import { type ApiResource, groupQualifiedName } from '../core/api-resources.js';
import { KUBEFED_CONFIG_NAME } from '../core/constants.js';
import { type FederatedType, federateObject } from '../core/federate.js';
import { GVR, gvrOf } from '../core/gvr.js';
import type { ManifestObject } from '../core/manifest.js';
import { type LiveState, type TargetRef, type TypeConfig, previewFederation, readPreviewInputs, toTypeConfig } from '../core/preview/index.js';
import { sourceRef } from '../core/preview/model.js';
import { type DryRunStrategy, type Operation, dryRunSuffix, resultLine } from '../core/plan.js';
import { printObjects } from '../core/printers.js';
import { type Dependency, END_ORPHANING_PATCH, adoptionVerdict, isServerOwnedSecret, podSpecDependencies, podSpecOf, withOrphaning } from '../core/promote.js';
import { type GroupVersionResource, type KubeObject, joinApiVersion } from '../core/types.js';
import { KubefedctlError, OperationError, PartialFailureError, prefixError } from '../errors.js';
import { readKubefedState } from './host-state.js';

/** One object to promote as the member holds it, with the Federated object made from it. */
interface Promotion {
  live: KubeObject;
  typeConfig: TypeConfig;
  federated: KubeObject;
}

/** An object promote creates on the host, and where. */
interface HostWrite {
  object: KubeObject;
  gvr: GroupVersionResource;
}

/** A named (or selected) object and the dependencies promoted with it: promoted or rolled back together. */
interface Unit {
  main: Promotion;
  dependencies: Promotion[];
}

const DEPENDENCY_TYPES: Record<Dependency['kind'], GroupVersionResource> = {
  ConfigMap: GVR.configMaps,
  Secret: GVR.secrets,
  ServiceAccount: GVR.serviceAccounts,
};

export async function runPromote(options: PromoteOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui({ machineOutput: options.output !== undefined });
  const access = await env.clusterAccess(options.kubeconfig);
  const host = await access.client(options.hostClusterContext);
  const namespace = options.namespace || access.kubeconfig.context(options.hostClusterContext).namespace;
  const kubefedNs = options.kubefedNamespace;
  const clusterName = options.cluster;

  const { typeConfigs: typeConfigObjects, kubefedConfig, clusters: clusterObjects } = await readKubefedState(host, kubefedNs);
  const kubefedCluster = clusterObjects.find((object) => object.metadata.name === clusterName);
  if (kubefedCluster === undefined) {
    throw new OperationError(
      'CLUSTER_NOT_JOINED',
      `cluster "${clusterName}" is not joined: there is no KubeFedCluster "${clusterName}" in namespace ${kubefedNs}`,
      {
        hint: `kubefedctl join ${clusterName} --host-cluster-context <host> joins it; 'kubefedctl get clusters' lists the joined ones.`,
      },
    );
  }
  const member = await memberClient(options, env, host, kubefedCluster, ui);
  const typeConfigs = typeConfigObjects.map(toTypeConfig);

  const target = await findApiResource(member, options.typeName, '', ui.logger).catch((error: unknown) => {
    throw prefixError(error, `Failed to find the type ${options.typeName} in cluster "${clusterName}"`);
  });
  const targetTypeConfig = enabledTypeConfig(typeConfigs, target.group, target.name, kubefedNs);
  const objectNamespace = target.namespaced ? namespace : undefined;
  const lives = await readTargets(member, target, objectNamespace, options, clusterName);

  // federateObject leaves the annotations out of the template (its warning is not shown): they
  // stay on the member object, since KubeFed retains a member's annotations when it updates.
  const promotionOf = (live: KubeObject, typeConfig: TypeConfig): Promotion => ({
    live,
    typeConfig,
    federated: federateObject(live, federatedTypeOf(typeConfig), { clusters: [clusterName] }).object,
  });
  // Federated objects already on the host: a named object that has one is not promoted again.
  const units: Unit[] = [];
  const refusals: Error[] = [];
  const claimed = new Set<string>();
  for (const live of lives) {
    const main = promotionOf(live, targetTypeConfig);
    if (await exists(host, main)) {
      refusals.push(
        refusal(
          main,
          clusterName,
          'ALREADY_FEDERATED',
          `${main.federated.kind} ${refOf(main.federated)} exists already on the host cluster`,
          `kubefedctl preview ${groupQualifiedName(target.name, target.group)} ${live.metadata.name} --live shows what KubeFed does with it.`,
        ),
      );
      continue;
    }
    const dependencies: Promotion[] = [];
    if (options.dependencies) {
      for (const dependency of await readDependencies(member, live, namespace, clusterName, ui)) {
        const key = `${dependency.kind}/${dependency.metadata.name}`;
        if (claimed.has(key)) continue;
        claimed.add(key);
        const promotion = promotionOf(dependency, enabledTypeConfig(typeConfigs, '', gvrOfKind(dependency.kind as Dependency['kind']).resource, kubefedNs));
        if (await exists(host, promotion)) ui.logger.log(1, `${promotion.federated.kind} ${refOf(promotion.federated)} exists already; left as it is`);
        else dependencies.push(promotion);
      }
    }
    units.push({ main, dependencies });
  }

  // The namespace: its FederatedNamespace decides where namespaced objects may go.
  const namespaceTypeConfig = typeConfigs.find((candidate) => candidate.targetType.kind === 'Namespace' && candidate.targetType.group === '');
  const shared: HostWrite[] = [];
  let federatedNamespace: { object: KubeObject; planned: boolean } | undefined;
  let memberNamespace: KubeObject | undefined;
  let hostNamespaceUid: string | undefined;
  if (target.namespaced) {
    // Federated objects live in the host namespace of the same name.
    const hostNamespace = await host.get(GVR.namespaces, namespace);
    hostNamespaceUid = hostNamespace?.metadata.uid;
    if (hostNamespace === undefined) shared.push({ object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, gvr: GVR.namespaces });
    memberNamespace = await member.get(GVR.namespaces, namespace);
    if (memberNamespace === undefined) throw new OperationError('NOT_FOUND', `namespace ${namespace} does not exist in cluster "${clusterName}"`);
  }
  if (target.namespaced && namespaceTypeConfig !== undefined && memberNamespace !== undefined) {
    // A 404 (none, or the type's CRD not served) reads as undefined.
    const existing =
      hostNamespaceUid === undefined
        ? undefined
        : await host.get(federatedGvr(namespaceTypeConfig), namespace, namespace).catch((error: unknown) => {
            throw prefixError(error, `Failed to read ${namespaceTypeConfig.federatedType.kind} ${namespace}/${namespace}`);
          });
    federatedNamespace = existing
      ? {
          object: {
            ...existing,
            apiVersion: joinApiVersion(namespaceTypeConfig.federatedType.group, namespaceTypeConfig.federatedType.version),
            kind: namespaceTypeConfig.federatedType.kind,
          },
          planned: false,
        }
      : { object: promotionOf(memberNamespace, namespaceTypeConfig).federated, planned: true };
    if (federatedNamespace.planned) shared.push({ object: federatedNamespace.object, gvr: federatedGvr(namespaceTypeConfig) });
  }

  // What KubeFed will do in the member with everything planned, the running objects as live state.
  const planned = units.flatMap((unit) => [...unit.dependencies, unit.main]);
  const manifests: ManifestObject[] = [];
  const add = (object: KubeObject) => manifests.push({ object, source: `promote: ${object.kind} ${refOf(object)}`, document: manifests.length + 1, line: 1 });
  for (const object of typeConfigObjects) add(object);
  if (kubefedConfig !== undefined) add(kubefedConfig);
  for (const object of clusterObjects) add(object);
  if (federatedNamespace) add(federatedNamespace.object);
  for (const promotion of planned) add(promotion.federated);
  const liveObjects = new Map<string, KubeObject>();
  const liveKey = (ref: Pick<TargetRef, 'group' | 'kind' | 'namespace' | 'name'>) => `${ref.group}|${ref.kind}|${ref.namespace}|${ref.name}`;
  for (const promotion of planned)
    liveObjects.set(
      liveKey({
        group: promotion.typeConfig.targetType.group,
        kind: promotion.live.kind,
        namespace: promotion.live.metadata.namespace ?? '',
        name: promotion.live.metadata.name ?? '',
      }),
      promotion.live,
    );
  if (memberNamespace) liveObjects.set(liveKey({ group: '', kind: 'Namespace', namespace: '', name: namespace }), memberNamespace);
  const live = (cluster: string, ref: TargetRef): LiveState | undefined => {
    if (cluster !== clusterName) return undefined;
    const object = liveObjects.get(liveKey(ref));
    if (object === undefined) return undefined;
    return { object, isHostNamespace: ref.kind === 'Namespace' && object.metadata.uid !== undefined && object.metadata.uid === hostNamespaceUid };
  };
  const result = previewFederation(readPreviewInputs(manifests, { kubefedNamespace: kubefedNs, builtinTypeConfigs: false }), { live });

  if (federatedNamespace?.planned && memberNamespace) {
    const verdict = adoptionVerdict(result, clusterName, sourceRef(federatedNamespace.object), memberNamespace);
    if (!verdict.ok)
      throw new OperationError(verdict.code, `cannot promote namespace ${namespace} from cluster "${clusterName}": ${verdict.message}`, {
        hint: hintFor(verdict.code, kubefedNs),
      });
    showChanges(ui, `Namespace ${namespace}`, clusterName, verdict.changes);
  }
  const accepted: Unit[] = [];
  for (const unit of units) {
    const problems: string[] = [];
    let code = '';
    for (const promotion of [...unit.dependencies, unit.main]) {
      const verdict = adoptionVerdict(result, clusterName, sourceRef(promotion.federated), promotion.live);
      if (!verdict.ok) {
        code ||= verdict.code;
        problems.push(`${promotion.live.kind} ${refOf(promotion.live)}: ${verdict.message}`);
      } else showChanges(ui, `${promotion.live.kind} ${refOf(promotion.live)}`, clusterName, verdict.changes);
    }
    if (problems.length === 0) accepted.push(unit);
    else
      refusals.push(
        new OperationError(
          code,
          `cannot promote ${unit.main.live.kind} ${refOf(unit.main.live)} from cluster "${clusterName}" (nothing of it is written): ${problems.join('; ')}`,
          { hint: hintFor(code, kubefedNs) },
        ),
      );
  }
  for (const unit of accepted) {
    for (const promotion of [...unit.dependencies, unit.main]) {
      if (Object.keys(promotion.live.metadata.annotations ?? {}).length > 0) {
        ui.logger.log(
          1,
          `${promotion.live.kind} ${refOf(promotion.live)}: its annotations stay in cluster "${clusterName}" (KubeFed keeps a member's annotations) but are not in the template`,
        );
      }
    }
  }

  if (options.output) {
    const objects =
      accepted.length === 0
        ? []
        : [...shared.map((write) => write.object), ...accepted.flatMap((unit) => [...unit.dependencies, unit.main].map((promotion) => promotion.federated))];
    env.ctx.stdout.write(printObjects(objects, options.output));
  } else if (accepted.length > 0) {
    await applyPromotions(options, env, ui, host, shared, accepted, refusals);
  }
  finish(refusals, lives.length);
}

function finish(failures: Error[], total: number): void {
  if (failures.length === 0) return;
  if (total === 1 && failures.length === 1) throw failures[0];
  for (const failure of failures) if (!(failure instanceof KubefedctlError)) throw failure;
  throw new PartialFailureError(`${failures.length} of ${total} object(s) could not be promoted`, failures);
}

async function applyPromotions(
  options: PromoteOptions,
  env: CommandEnv,
  ui: Ui,
  host: ClusterClient,
  shared: readonly HostWrite[],
  units: Unit[],
  failures: Error[],
): Promise<void> {
  const print = (line: string) => env.ctx.stdout.write(`${line}\n`);
  const dryRun = options.dryRun;
  const appliers = new Set<Applier>();
  const newApplier = () => {
    const applier = new Applier(new Map([['host', host]]), { dryRun, logger: ui.logger, signal: env.interrupts.signal });
    appliers.add(applier);
    return applier;
  };
  const guard = env.interrupts.protect(() => [...appliers].flatMap((applier) => applier.pendingUndo()));
  try {
    const sharedApplier = newApplier();
    const sharedOps = shared.map(createOp);
    try {
      for (const result of await sharedApplier.applyInOrder(sharedOps)) print(resultLine(result.op, result.outcome, dryRun));
    } catch (error) {
      await rollBack(sharedApplier, 'the namespace', ui);
      throw error;
    }
    let promoted = 0;
    for (const unit of units) {
      const applier = newApplier();
      const writes = [...unit.dependencies, unit.main].map((promotion) => ({ object: promotion.federated, gvr: federatedGvr(promotion.typeConfig) }));
      try {
        const results = await applier.applyInOrder(writes.map(createOp));
        for (const result of results) print(resultLine(result.op, result.outcome, dryRun));
        promoted++;
      } catch (error) {
        await rollBack(applier, `${unit.main.live.kind} ${refOf(unit.main.live)}`, ui);
        if (units.length === 1 || !(error instanceof KubefedctlError)) throw error;
        failures.push(error);
        ui.logger.warn(error.message);
        continue;
      } finally {
        appliers.delete(applier);
      }
      // Complete: from here on KubeFed deletes the member objects with their Federated objects, as usual.
      await endOrphaning(applier, writes, ui, dryRun);
    }
    if (promoted === 0) {
      await rollBack(sharedApplier, 'the namespace', ui);
      return;
    }
    await endOrphaning(
      sharedApplier,
      shared.filter((write) => write.object.kind !== 'Namespace'),
      ui,
      dryRun,
    );
    if (dryRun === 'none')
      ui.info(`KubeFed now adopts the promoted objects in cluster "${options.cluster}"; 'kubefedctl status' shows when it has${dryRunSuffix(dryRun)}`);
  } finally {
    guard.release();
  }
}

function createOp({ object, gvr }: HostWrite): Operation {
  const federated = object.kind !== 'Namespace';
  const ref = `${object.kind.toLowerCase()}${gvr.group ? `.${gvr.group}` : ''}/${object.metadata.name}`;
  return {
    verb: 'create',
    cluster: 'host',
    gvr,
    object: federated ? withOrphaning(object) : object,
    messages: { done: `${ref} created`, failure: `Error creating ${object.kind} ${refOf(object)}` },
  };
}

/** Removes kubefed.io/orphan; a failure leaves a working promotion whose deletion would orphan, so it is a warning. */
async function endOrphaning(applier: Applier, writes: readonly HostWrite[], ui: Ui, dryRun: DryRunStrategy): Promise<void> {
  // Nothing was created, so nothing carries the annotation.
  if (dryRun !== 'none') return;
  for (const { object, gvr } of writes) {
    const op: Operation = {
      verb: 'patch',
      cluster: 'host',
      gvr,
      name: object.metadata.name!,
      namespace: object.metadata.namespace,
      patch: END_ORPHANING_PATCH as unknown as Record<string, unknown>,
    };
    await applier.applyOne(op).catch((error: unknown) => {
      if (!(error instanceof KubefedctlError)) throw error;
      ui.logger.warn(
        `${object.kind} ${refOf(object)} keeps the annotation kubefed.io/orphan=true (deleting it leaves the member object in place): ${error.message}`,
      );
    });
  }
}

async function rollBack(applier: Applier, what: string, ui: Ui): Promise<void> {
  const report = await applier.rollback();
  const lines = [...report.rolledBack.map((line) => `  rolled back: ${line}`), ...report.failed.map((line) => `  ROLLBACK FAILED: ${line}`)];
  if (lines.length > 0) ui.logger.warn(`promotion of ${what} failed; undoing what it created (the member objects stay in place):\n${lines.join('\n')}`);
}

/** The member's client: --cluster-context, else the context named like the cluster, else KubeFed's stored credentials. */
async function memberClient(options: PromoteOptions, env: CommandEnv, host: ClusterClient, kubefedCluster: KubeObject, ui: Ui): Promise<ClusterClient> {
  const access = await env.clusterAccess(options.kubeconfig);
  const context = options.clusterContext ?? (access.kubeconfig.contextNames.includes(options.cluster) ? options.cluster : undefined);
  if (context !== undefined) {
    ui.logger.log(2, `Reading cluster "${options.cluster}" through context "${context}"`);
    return access.client(context);
  }
  if (access.clientFor === undefined)
    throw new OperationError('NO_STORED_CREDENTIALS', `no context for cluster "${options.cluster}"`, { hint: 'Name one with --cluster-context.' });
  const secretName = (kubefedCluster.spec as { secretRef?: { name?: unknown } } | undefined)?.secretRef?.name;
  const secret = typeof secretName === 'string' && secretName !== '' ? await host.get(GVR.secrets, secretName, options.kubefedNamespace) : undefined;
  ui.logger.log(2, `Reading cluster "${options.cluster}" with the credentials KubeFed stores for it (${storedCredentialsContext(options.cluster)})`);
  return access.clientFor(storedCredentialsKubeconfig(kubefedCluster, secret));
}

function enabledTypeConfig(typeConfigs: readonly TypeConfig[], group: string, plural: string, kubefedNs: string): TypeConfig {
  const found = typeConfigs.find((candidate) => candidate.targetType.group === group && candidate.targetType.pluralName === plural);
  const name = groupQualifiedName(plural, group);
  if (found === undefined) {
    throw new OperationError('TYPE_NOT_ENABLED', `the type ${name} is not federated: there is no FederatedTypeConfig "${name}" in namespace ${kubefedNs}`, {
      hint: `Enable it first: kubefedctl enable ${name}`,
    });
  }
  if (!found.propagationEnabled) {
    throw new OperationError('TYPE_NOT_ENABLED', `propagation of ${name} is disabled (FederatedTypeConfig ${name}): KubeFed would not adopt anything`, {
      hint: `kubefedctl enable ${name} enables it again.`,
    });
  }
  return found;
}

function federatedTypeOf(typeConfig: TypeConfig): FederatedType {
  const { federatedType } = typeConfig;
  return { group: federatedType.group, version: federatedType.version, kind: federatedType.kind, namespaced: federatedType.scope === 'Namespaced' };
}

function federatedGvr(typeConfig: TypeConfig): GroupVersionResource {
  return { group: typeConfig.federatedType.group, version: typeConfig.federatedType.version, resource: typeConfig.federatedType.pluralName };
}

async function exists(host: ClusterClient, promotion: Promotion): Promise<boolean> {
  const gvr = federatedGvr(promotion.typeConfig);
  const found = await host.get(gvr, promotion.federated.metadata.name!, promotion.federated.metadata.namespace).catch((error: unknown) => {
    throw prefixError(error, `Failed to read ${promotion.federated.kind} ${refOf(promotion.federated)}`);
  });
  return found !== undefined;
}

async function readTargets(
  member: ClusterClient,
  target: ApiResource,
  namespace: string | undefined,
  options: PromoteOptions,
  clusterName: string,
): Promise<KubeObject[]> {
  const typed = (object: KubeObject): KubeObject => ({ ...object, apiVersion: joinApiVersion(target.group, target.version), kind: target.kind });
  if (options.selector !== undefined) {
    const { items } = await member.list(gvrOf(target), { namespace, labelSelector: options.selector });
    if (items.length === 0)
      throw new OperationError(
        'NOT_FOUND',
        `no ${target.kind} matches ${options.selector}${namespace ? ` in namespace ${namespace}` : ''} in cluster "${clusterName}"`,
      );
    return items.map(typed).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }
  const objects: KubeObject[] = [];
  const missing: string[] = [];
  for (const name of options.names) {
    const object = await member.get(gvrOf(target), name, namespace);
    if (object === undefined) missing.push(name);
    else objects.push(typed(object));
  }
  if (missing.length > 0) {
    throw new OperationError(
      'NOT_FOUND',
      `${target.kind} ${missing.map((name) => `"${namespace ? `${namespace}/` : ''}${name}"`).join(', ')} not found in cluster "${clusterName}"`,
      {
        hint: target.namespaced ? 'Check the names and -n/--namespace.' : 'Check the names.',
      },
    );
  }
  return objects;
}

function gvrOfKind(kind: Dependency['kind']): GroupVersionResource {
  return DEPENDENCY_TYPES[kind];
}

/** The ConfigMaps, Secrets and ServiceAccount the object's pod template uses, as the member holds them. */
async function readDependencies(member: ClusterClient, object: KubeObject, namespace: string, clusterName: string, ui: Ui): Promise<KubeObject[]> {
  const podSpec = podSpecOf(object);
  if (podSpec === undefined) {
    ui.logger.warn(`${object.kind} ${refOf(object)} has no pod template: --dependencies adds nothing`);
    return [];
  }
  const found: KubeObject[] = [];
  for (const dependency of podSpecDependencies(podSpec)) {
    const live = await member.get(gvrOfKind(dependency.kind), dependency.name, namespace);
    if (live === undefined) {
      if (dependency.optional) continue;
      throw new OperationError(
        'NOT_FOUND',
        `${object.kind} ${refOf(object)} uses ${dependency.kind} ${namespace}/${dependency.name}, which does not exist in cluster "${clusterName}"`,
      );
    }
    const typed = { ...live, apiVersion: 'v1', kind: dependency.kind };
    if (dependency.kind === 'Secret' && isServerOwnedSecret(typed)) continue;
    found.push(typed);
  }
  return found;
}

function refOf(object: KubeObject): string {
  return `${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

function showChanges(ui: Ui, what: string, cluster: string, changes: readonly string[]): void {
  ui.info(`KubeFed will adopt ${what} in cluster "${cluster}"${changes.length === 0 ? ' as it is' : ', changing:'}`);
  for (const change of changes) ui.info(`    ${change}`);
}

function refusal(promotion: Promotion, cluster: string, code: string, message: string, hint: string): OperationError {
  return new OperationError(code, `cannot promote ${promotion.live.kind} ${refOf(promotion.live)} from cluster "${cluster}": ${message}`, { hint });
}

function hintFor(code: string, kubefedNs: string): string | undefined {
  switch (code) {
    case 'ADOPTION_DISABLED':
      return `Set spec.syncController.adoptResources: Enabled in KubeFedConfig ${kubefedNs}/${KUBEFED_CONFIG_NAME}, then promote again.`;
    case 'UNMANAGED_LABEL':
      return 'Remove the label kubefed.io/managed=false from the member object if KubeFed should manage it.';
    case 'NOT_PLACED':
      return 'A namespaced object goes only where its FederatedNamespace is placed: add the cluster to its placement.';
    default:
      return undefined;
  }
}
