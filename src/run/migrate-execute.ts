// `kubefedctl migrate karmada --execute`: the cut-over from KubeFed to a running Karmada
// (core/migrate/cutover.ts says why in this order). Everything is read from the clusters at the
// start of every run, so the same command after an interrupt, a lost answer or a crash continues
// where the last one stopped, and says so when nothing is left. Each phase ends with a check; a
// check that fails stops the run before anything is released from KubeFed.

import { createInterface } from 'node:readline';
import type { CommandEnv, ClusterAccess } from '../cli/command-env.js';
import { type Spinner, type Ui, stderrIsInteractive } from '../cli/ui.js';
import { Applier, mapWithConcurrency } from '../cluster/applier.js';
import { storedCredentialsKubeconfig } from '../cluster/stored-credentials.js';
import type { ClusterClient } from '../cluster/types.js';
import type { CutoverOptions } from '../commands/migrate.js';
import { GVR, qualifiedName } from '../core/gvr.js';
import { readMigrationInputs } from '../core/migrate/inputs.js';
import { migrateToKarmada } from '../core/migrate/karmada.js';
import { countBySeverity, type MigrationInputs, type MigrationResult } from '../core/migrate/model.js';
import { renderReport } from '../core/migrate/report.js';
import { SKIP_AUTO_PROPAGATION_LABEL } from '../core/migrate/clusters.js';
import {
  CUTOVER_LABEL,
  type CutoverTarget,
  KARMADA_MEMBER_NAMESPACE,
  type MemberObjectState,
  asBeforeCutover,
  bindingAdoption,
  bindingName,
  clusterReady,
  cutoverTargets,
  karmadaClusterRegistration,
  karmadaMemberAccess,
  memberAccessNames,
  memberObjectProblems,
  memberObjectState,
  orphanPatch,
  replicaDivisionChange,
} from '../core/migrate/cutover.js';
import type { Operation } from '../core/plan.js';
import type { GroupVersionResource, KubeObject } from '../core/types.js';
import { isPlainObject } from '../core/types.js';
import { InterruptedError, NotFoundError, OperationError, TimeoutError, UsageError } from '../errors.js';
import { RSP_GVR } from './host-state.js';
import { readHostManifests } from './migrate.js';
import { unjoinMember } from './unjoin.js';

const KARMADA = {
  clusters: { group: 'cluster.karmada.io', version: 'v1alpha1', resource: 'clusters' },
  resourceBindings: { group: 'work.karmada.io', version: 'v1alpha2', resource: 'resourcebindings' },
  clusterResourceBindings: { group: 'work.karmada.io', version: 'v1alpha2', resource: 'clusterresourcebindings' },
} satisfies Record<string, GroupVersionResource>;

const KARMADA_POLICY_RESOURCES: Record<string, string> = {
  PropagationPolicy: 'propagationpolicies',
  ClusterPropagationPolicy: 'clusterpropagationpolicies',
  OverridePolicy: 'overridepolicies',
  ClusterOverridePolicy: 'clusteroverridepolicies',
};

/** Overrides before the policies that dispatch, policies before templates: Karmada's first Work is already the final one. */
const APPLY_ORDER = ['Namespace', 'ClusterOverridePolicy', 'OverridePolicy', 'ClusterPropagationPolicy', 'PropagationPolicy'];

/** Findings of the printed conversion that --execute takes care of. */
const EXECUTE_HANDLES = ['NO_IMPERSONATOR_SECRET'];

const POLL_MS = 1000;
const MEMBER_CONCURRENCY = 4;
/** Writes in flight at once within a step (the applier settles each on its own). */
const WRITE_CONCURRENCY = 8;

/** One wave: a namespace (or, with -A, everything), converted and placed as KubeFed places it today. */
interface Wave {
  label: string;
  namespace: string | undefined;
  inputs: MigrationInputs;
  result: MigrationResult;
  targets: CutoverTarget[];
}

/** A KubeFedCluster and the Secret its secretRef names: how KubeFed reaches the member. */
interface StoredMember {
  kubefedCluster: KubeObject;
  secret: KubeObject | undefined;
}

interface Member {
  kubefedName: string;
  karmadaName: string;
  stored: StoredMember;
  /** The Cluster `migrate karmada` converts it to. */
  cluster: KubeObject;
}

interface Session {
  options: CutoverOptions;
  env: CommandEnv;
  ui: Ui;
  access: ClusterAccess;
  host: ClusterClient;
  karmada: ClusterClient;
  signal: AbortSignal;
  members: Member[];
  /** GVRs of the templates, by "group/Kind". */
  templateResources: Map<string, GroupVersionResource>;
  /** One client per member and credentials for the whole run (polls read members every second). */
  memberClients: Map<string, Promise<ClusterClient>>;
}

export async function runCutover(options: CutoverOptions, env: CommandEnv): Promise<void> {
  const ui = env.ui();
  const access = await env.clusterAccess(options.kubeconfig);
  const host = await access.client(options.hostClusterContext);
  const karmada = await access.client(options.karmadaContext);
  host.preconnect();
  karmada.preconnect();
  const warn = (text: string) => ui.logger.warn(text);

  const waves = await readWaves(options, host, warn);
  // The clusters' findings are the same in every wave; what the cut-over does itself (the
  // impersonator credentials) is no finding.
  const findings = waves.flatMap((wave, index) =>
    wave.result.findings.filter((finding) => (index === 0 || !finding.source.startsWith('KubeFedCluster ')) && !EXECUTE_HANDLES.includes(finding.code)),
  );
  const counts = countBySeverity(findings);
  if (counts.error > 0 || counts.warning > 0) {
    env.ctx.stderr.write(renderReport({ target: 'karmada', findings, written: counts.error === 0 || options.allowLossy, objectCount: 0, runbook: [] }, 'text'));
  }
  if (counts.error > 0 && !options.allowLossy) {
    throw new OperationError(
      'MIGRATION_INCOMPLETE',
      `${counts.error} finding${counts.error === 1 ? '' : 's'} cannot be migrated as KubeFed propagates ${counts.error === 1 ? 'it' : 'them'}; nothing was changed`,
      {
        hint: 'See the errors above; fix them (kubefedctl migrate karmada prints the same report), or pass --allow-lossy to cut over the rest.',
      },
    );
  }
  const members = readMembers(waves[0]!);
  const templateResources = new Map<string, GroupVersionResource>();
  for (const wave of waves)
    for (const { typeConfig } of wave.inputs.preview.federated)
      templateResources.set(`${typeConfig.targetType.group}/${typeConfig.targetType.kind}`, {
        group: typeConfig.targetType.group,
        version: typeConfig.targetType.version,
        resource: typeConfig.targetType.pluralName,
      });
  const session: Session = { options, env, ui, access, host, karmada, signal: env.interrupts.signal, members, templateResources, memberClients: new Map() };

  await checkKarmadaServes(session, waves);
  const registered = await Promise.all(members.map(async (member) => clusterReady(await karmada.get(KARMADA.clusters, member.karmadaName))));
  const unregistration = await unregistrationState(session, waves);
  // A wave whose objects are gone may still hold ReplicaSchedulingPreferences (a run stopped just before their delete).
  const work = waves.filter((wave) => wave.targets.length > 0 || wave.inputs.preview.replicaSchedulingPreferences.length > 0);
  const toRegister = members.filter((_, index) => !registered[index]);
  if (work.length === 0 && toRegister.length === 0 && !unregistration.due) {
    ui.info(
      `Nothing left to cut over: ${members.length === 0 ? 'KubeFed has no Federated object and no member cluster here' : unregistration.reason || 'every member is registered with Karmada'}.`,
    );
    return;
  }
  if (options.dryRun === 'client') {
    env.ctx.stdout.write(describePlan(session, toRegister, work, unregistration));
    return;
  }
  await confirm(session, work, toRegister);

  const guard = env.interrupts.protect(() => ['nothing: every phase is safe to stop; run the same command again to continue']);
  try {
    if (toRegister.length > 0)
      await phase(session, `Registering ${toRegister.length} cluster${toRegister.length === 1 ? '' : 's'} with Karmada`, (spinner) =>
        registerMembers(session, toRegister, spinner),
      );
    for (const [index, wave] of work.entries()) {
      const of = work.length > 1 ? ` (${index + 1} of ${work.length})` : '';
      await phase(session, `${wave.label}${of}: marking ${wave.targets.length} Federated objects for orphaning`, () => orphan(session, wave));
      const { before, unmanaged, redivided } = await phase(session, `${wave.label}${of}: Karmada adopts ${wave.targets.length} objects`, (spinner) =>
        adopt(session, wave, spinner),
      );
      for (const line of redivided) ui.logger.warn(`${line} (Karmada apportions by weight with Webster's method: see docs/karmada-interplay.md)`);
      await phase(session, `${wave.label}${of}: releasing the objects from KubeFed`, (spinner) => release(session, wave, before, spinner));
      for (const key of unmanaged)
        ui.logger.warn(
          `${key}: KubeFed kept it there with no replicas; Karmada's division places none there, so it stays as it is, managed by nobody (delete it when you no longer need it)`,
        );
      env.ctx.stdout.write(
        `${wave.label}: cut over to Karmada (${wave.targets.length} object${wave.targets.length === 1 ? '' : 's'}, ${before.size} in member clusters, none replaced)\n`,
      );
    }
    const remaining = await unregistrationState(session, waves);
    if (remaining.due) {
      await phase(session, `Unjoining ${members.length} cluster${members.length === 1 ? '' : 's'} from KubeFed`, (spinner) => unregister(session, spinner));
      env.ctx.stdout.write(
        `KubeFed released every member: ${members.map((member) => member.kubefedName).join(', ')} unjoined; Karmada manages them with credentials of its own\n`,
      );
    } else if (remaining.reason) {
      ui.info(`KubeFed keeps its member clusters: ${remaining.reason}. Cut those over next; the last run unjoins the members.`);
    }
    // A signal after the last check still ends the run as interrupted: the caller asked it to stop.
    if (env.interrupts.signal.aborted) throw new InterruptedError(String(env.interrupts.signal.reason ?? 'SIGINT'));
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError(String(env.interrupts.signal.reason ?? 'SIGINT'), {
        hint: 'Nothing is half-done: every phase is judged from the clusters. Run the same command again to continue.',
      });
    }
    throw error;
  } finally {
    guard.release();
  }
}

/** Before any write: Karmada must serve every kind it will hold templates of (a CRD a member has may be missing there). */
async function checkKarmadaServes(session: Session, waves: readonly Wave[]): Promise<void> {
  const wanted = new Map<string, GroupVersionResource>();
  for (const wave of waves)
    for (const { target } of wave.targets)
      wanted.set(`${target.resource}.${target.group}`, { group: target.group, version: target.version, resource: target.resource });
  const byVersion = new Map<string, Promise<Set<string> | undefined>>();
  const missing: string[] = [];
  for (const [name, gvr] of wanted) {
    const key = `${gvr.group}/${gvr.version}`;
    if (!byVersion.has(key)) {
      byVersion.set(
        key,
        session.karmada.serverResources(gvr.group, gvr.version).then(
          (resources) => new Set(resources.map((resource) => resource.name)),
          (error: unknown) => {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          },
        ),
      );
    }
    if (!(await byVersion.get(key))?.has(gvr.resource)) missing.push(gvr.group === '' ? gvr.resource : name);
  }
  if (missing.length > 0) {
    throw new OperationError('KARMADA_TYPE_NOT_SERVED', `Karmada does not serve ${missing.join(', ')}, which KubeFed propagates here; nothing was changed`, {
      hint: `install its CustomResourceDefinition in Karmada (kubectl --context ${session.karmada.contextName} apply -f <the CRD the members have>), then run the same command again.`,
    });
  }
}

async function readWaves(options: CutoverOptions, host: ClusterClient, warn: (text: string) => void): Promise<Wave[]> {
  const namespaces = options.namespaces === 'all' ? [undefined] : options.namespaces;
  const waves: Wave[] = [];
  for (const namespace of namespaces) {
    // Objects an earlier run marked for orphaning are converted as they were before it.
    const manifests = (await readHostManifests(host, namespace, options.kubefedNamespace, warn)).map((manifest) => ({
      ...manifest,
      object: asBeforeCutover(manifest.object),
    }));
    const inputs = readMigrationInputs(manifests, { kubefedNamespace: options.kubefedNamespace, builtinTypeConfigs: false });
    const result = migrateToKarmada(inputs, options.karmada);
    const names = new Map(result.clusterNames.map(({ kubefed, target }) => [kubefed, target]));
    const targets = cutoverTargets(inputs.preview, (name) => names.get(name) ?? name);
    waves.push({ label: namespace === undefined ? 'every namespace' : `namespace ${namespace}`, namespace, inputs, result, targets });
  }
  return waves;
}

function readMembers(wave: Wave): Member[] {
  const converted = wave.result.groups.flatMap((group) => group.objects).filter((object) => object.kind === 'Cluster');
  return wave.inputs.clusters.flatMap((record) => {
    const kubefedName = record.object.metadata.name ?? '';
    const karmadaName = wave.result.clusterNames.find((names) => names.kubefed === kubefedName)?.target ?? kubefedName;
    const cluster = converted.find((object) => object.metadata.name === karmadaName);
    return cluster ? [{ kubefedName, karmadaName, stored: { kubefedCluster: record.object, secret: record.secret }, cluster }] : [];
  });
}

/** Unjoining is due once no Federated object is left anywhere on the host and members are still joined. */
async function unregistrationState(session: Session, waves: readonly Wave[]): Promise<{ due: boolean; reason: string }> {
  const joined = (await session.host.list(GVR.kubefedClusters, { namespace: session.options.kubefedNamespace ?? waves[0]!.inputs.preview.kubefedNamespace }))
    .items.length;
  if (joined === 0) return { due: false, reason: 'no member is joined to KubeFed any more' };
  const everything =
    session.options.namespaces === 'all' ? waves[0]! : (await readWaves({ ...session.options, namespaces: 'all' }, session.host, () => {}))[0]!;
  const left = everything.targets;
  if (left.length === 0) return { due: true, reason: '' };
  const namespaces = [...new Set(left.map((target) => target.source.namespace || '(cluster-scoped)'))].sort();
  return { due: false, reason: `${left.length} Federated object${left.length === 1 ? ' is' : 's are'} left in ${namespaces.join(', ')}` };
}

async function phase<T>(session: Session, title: string, work: (spinner: Spinner) => Promise<T>): Promise<T> {
  if (session.signal.aborted) throw new InterruptedError(String(session.signal.reason ?? 'interrupted'));
  // Without a terminal there is no spinner: a line per phase, so a CI log shows where it stands.
  if (!stderrIsInteractive(session.env.ctx)) session.ui.info(`${title} ...`);
  const spinner = await session.ui.spinner(title);
  try {
    const result = await work(spinner);
    spinner.succeed(title);
    return result;
  } catch (error) {
    spinner.fail(`${title}: failed`);
    throw error;
  }
}

function applierFor(session: Session, clients: ReadonlyArray<readonly [string, ClusterClient]>): Applier {
  return new Applier(new Map(clients), { dryRun: 'none', logger: session.ui.logger, signal: session.signal });
}

/** Creates the object unless it exists; with `update`, rewrites an existing one whose data or spec differ. */
async function ensure(
  applier: Applier,
  client: ClusterClient,
  cluster: string,
  gvr: GroupVersionResource,
  desired: KubeObject,
  update = false,
): Promise<KubeObject> {
  const found = await client.get(gvr, desired.metadata.name!, desired.metadata.namespace);
  if (found === undefined) return (await applier.applyOne({ verb: 'create', cluster, gvr, object: desired })).object!;
  const differs = ['data', 'spec'].some((key) => key in desired && JSON.stringify(found[key]) !== JSON.stringify(desired[key]));
  if (!update || !differs) return found;
  const object = { ...found, ...desired, metadata: { ...found.metadata, labels: { ...found.metadata.labels, ...desired.metadata.labels } } };
  return (await applier.applyOne({ verb: 'update', cluster, gvr, object })).object!;
}

function gvrOfKind(kind: string): GroupVersionResource {
  if (kind === 'Namespace') return GVR.namespaces;
  if (kind === 'ServiceAccount') return GVR.serviceAccounts;
  if (kind === 'Secret') return GVR.secrets;
  if (kind === 'ClusterRole') return GVR.clusterRoles;
  if (kind === 'ClusterRoleBinding') return GVR.clusterRoleBindings;
  if (kind === 'Cluster') return KARMADA.clusters;
  const policy = KARMADA_POLICY_RESOURCES[kind];
  if (policy) return { group: 'policy.karmada.io', version: 'v1alpha1', resource: policy };
  throw new OperationError('UNKNOWN_KIND', `internal: no resource for kind ${kind}`);
}

async function memberClient(session: Session, member: Member, owner: 'kubefed' | 'karmada' = 'kubefed', token?: string): Promise<ClusterClient> {
  const cache = session.memberClients;
  const key = `${owner}/${member.kubefedName}`;
  let client = cache.get(key);
  if (client === undefined) {
    const secret = owner === 'kubefed' ? member.stored.secret : { apiVersion: 'v1', kind: 'Secret', metadata: {}, data: { token: token ?? '' } };
    if (!session.access.clientFor) throw new OperationError('NO_CLIENT', `internal: cannot reach cluster ${member.kubefedName} with stored credentials`);
    client = session.access.clientFor(storedCredentialsKubeconfig(member.stored.kubefedCluster, secret));
    cache.set(key, client);
  }
  return client;
}

// ---- register -------------------------------------------------------------------------------

async function registerMembers(session: Session, members: readonly Member[], spinner: Spinner): Promise<void> {
  let done = 0;
  await mapWithConcurrency(members, MEMBER_CONCURRENCY, async (member) => {
    await registerMember(session, member);
    spinner.update(`Registering clusters with Karmada: ${++done} of ${members.length} Ready`);
  });
}

async function registerMember(session: Session, member: Member): Promise<void> {
  const client = await memberClient(session, member);
  const where = `member:${member.kubefedName}`;
  const applier = applierFor(session, [
    [where, client],
    ['karmada', session.karmada],
  ]);
  for (const object of karmadaMemberAccess(member.karmadaName)) await ensure(applier, client, where, gvrOfKind(object.kind), object);
  const names = memberAccessNames(member.karmadaName);
  const [token, impersonatorToken] = await Promise.all([names.tokenSecret, names.impersonatorSecret].map((name) => waitForToken(session, client, name)));
  const kubeSystem = await client.get(GVR.namespaces, 'kube-system');
  const secretNamespace = session.options.karmada.clusterNamespace;
  const spec = isPlainObject(member.stored.kubefedCluster.spec) ? member.stored.kubefedCluster.spec : {};
  const caBundle = typeof spec.caBundle === 'string' && spec.caBundle !== '' ? spec.caBundle : undefined;
  const namespace: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: secretNamespace, ...(secretNamespace === KARMADA_MEMBER_NAMESPACE ? {} : { labels: { [SKIP_AUTO_PROPAGATION_LABEL]: 'true' } }) },
  };
  await ensure(applier, session.karmada, 'karmada', GVR.namespaces, namespace);
  const objects = karmadaClusterRegistration({
    cluster: member.cluster,
    secretNamespace,
    token: token!,
    impersonatorToken: impersonatorToken!,
    caBundle,
    clusterId: kubeSystem?.metadata.uid ?? '',
  });
  for (const object of objects) {
    if (object.kind === 'Cluster') await ensureCluster(session, applier, object, member);
    else await ensure(applier, session.karmada, 'karmada', GVR.secrets, object, true);
  }
  await pollUntil(session, `Karmada to report cluster ${member.karmadaName} Ready`, async () => {
    const cluster = await session.karmada.get(KARMADA.clusters, member.karmadaName);
    return clusterReady(cluster) ? true : undefined;
  });
}

/**
 * A Cluster registered before (by hand, or from `migrate karmada`'s printed output) is kept, but if
 * its Secret holds KubeFed's token, which unjoin revokes, it gets Karmada's own token instead.
 */
async function ensureCluster(session: Session, applier: Applier, desired: KubeObject, member: Member): Promise<void> {
  const found = await session.karmada.get(KARMADA.clusters, desired.metadata.name!);
  if (found === undefined) {
    await applier.applyOne({ verb: 'create', cluster: 'karmada', gvr: KARMADA.clusters, object: desired });
    return;
  }
  if (found.metadata.labels?.[CUTOVER_LABEL] !== undefined) return;
  const spec = isPlainObject(found.spec) ? found.spec : {};
  const ref = isPlainObject(spec.secretRef) ? spec.secretRef : {};
  if (typeof ref.name !== 'string' || typeof ref.namespace !== 'string') return;
  const secret = await session.karmada.get(GVR.secrets, ref.name, ref.namespace);
  const kubefedToken = isPlainObject(member.stored.secret?.data) ? member.stored.secret.data.token : undefined;
  if (secret && isPlainObject(secret.data) && secret.data.token === kubefedToken) {
    session.ui.logger.warn(
      `cluster ${member.karmadaName} was registered with Karmada using KubeFed's token, which unjoin revokes: its Secret ${ref.namespace}/${ref.name} gets Karmada's own token`,
    );
    const own = (desired.spec as { secretRef: { name: string; namespace: string } }).secretRef;
    const ours = await session.karmada.get(GVR.secrets, own.name, own.namespace);
    await applier.applyOne({
      verb: 'update',
      cluster: 'karmada',
      gvr: GVR.secrets,
      object: { ...secret, data: { ...secret.data, token: (ours?.data as Record<string, string> | undefined)?.token ?? '' } },
    });
  }
}

async function waitForToken(session: Session, client: ClusterClient, name: string): Promise<string> {
  return pollUntil(session, `the token of Secret ${KARMADA_MEMBER_NAMESPACE}/${name} in ${client.contextName}`, async () => {
    const secret = await client.get(GVR.secrets, name, KARMADA_MEMBER_NAMESPACE);
    const token = secret && isPlainObject(secret.data) ? secret.data.token : undefined;
    return typeof token === 'string' && token !== '' ? token : undefined;
  });
}

// ---- orphan ---------------------------------------------------------------------------------

async function orphan(session: Session, wave: Wave): Promise<void> {
  const applier = applierFor(session, [['host', session.host]]);
  const federated = await readFederated(session, wave.targets);
  await mapWithConcurrency(wave.targets, WRITE_CONCURRENCY, async (target) => {
    const object = federated.get(target);
    const patch = object && orphanPatch(object);
    if (patch === undefined) return;
    await applier.applyOne({
      verb: 'patch',
      cluster: 'host',
      gvr: target.federatedResource,
      name: target.source.name,
      namespace: target.source.namespace || undefined,
      patch,
    } as Operation);
  });
  // The check: every Federated object of the wave now tells KubeFed to keep its member objects.
  for (const [target, object] of await readFederated(session, wave.targets)) {
    if (object !== undefined && orphanPatch(object) !== undefined) {
      throw new OperationError(
        'ORPHAN_NOT_SET',
        `${qualifiedName(target.federatedResource, target.source.name, target.source.namespace)} is not marked kubefed.io/orphan=true after the patch`,
        { hint: 'Something reverts the annotation (a GitOps tool?); pause it, then rerun.' },
      );
    }
  }
}

/** Each target's Federated object as the host holds it now (undefined once gone): one list per type and namespace. */
async function readFederated(session: Session, targets: readonly CutoverTarget[]): Promise<Map<CutoverTarget, KubeObject | undefined>> {
  const lists = new Map<string, Promise<Map<string, KubeObject>>>();
  const found = new Map<CutoverTarget, KubeObject | undefined>();
  for (const target of targets) {
    const { group, version, resource } = target.federatedResource;
    const key = `${group}/${version}/${resource}/${target.source.namespace}`;
    let byName = lists.get(key);
    if (byName === undefined) {
      byName = session.host
        .list(target.federatedResource, { namespace: target.source.namespace || undefined })
        .then(({ items }) => new Map(items.map((item) => [item.metadata.name ?? '', item])));
      lists.set(key, byName);
    }
    found.set(target, (await byName).get(target.source.name));
  }
  return found;
}

// ---- adopt ----------------------------------------------------------------------------------

function describeTarget(target: CutoverTarget): string {
  const { kind, namespace, name } = target.target;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function memberKey(cluster: string, target: CutoverTarget): string {
  return `${describeTarget(target)} in ${cluster}`;
}

/** Every member object of the wave where KubeFed placed it: one list per member, type and namespace, not a read per object. */
async function readMemberObjects(session: Session, wave: Wave): Promise<Map<string, MemberObjectState | undefined>> {
  const states = new Map<string, MemberObjectState | undefined>();
  const groups = new Map<string, { gvr: GroupVersionResource; namespace: string; targets: CutoverTarget[] }>();
  for (const target of wave.targets) {
    const { group, version, resource, namespace } = target.target;
    const key = `${group}/${version}/${resource}/${namespace}`;
    const entry = groups.get(key) ?? { gvr: { group, version, resource }, namespace, targets: [] };
    entry.targets.push(target);
    groups.set(key, entry);
  }
  await mapWithConcurrency(session.members, MEMBER_CONCURRENCY, async (member) => {
    const client = await memberClient(session, member);
    for (const { gvr, namespace, targets } of groups.values()) {
      const placedHere = targets.filter((target) => target.clusters.includes(member.karmadaName));
      if (placedHere.length === 0) continue;
      // Namespaces are cluster-scoped: the list is of all of them, which is what a namespace target needs.
      const items = (await client.list(gvr, { namespace: namespace || undefined })).items;
      const byName = new Map(items.map((item) => [item.metadata.name, item]));
      for (const target of placedHere) states.set(memberKey(member.karmadaName, target), memberObjectState(byName.get(target.target.name)));
    }
  });
  return states;
}

/** Applies the wave's Karmada objects and waits until Karmada has taken every member object over; returns their uids. */
async function adopt(session: Session, wave: Wave, spinner: Spinner): Promise<{ before: Map<string, string>; unmanaged: string[]; redivided: string[] }> {
  const before = new Map<string, string>();
  const initially = await readMemberObjects(session, wave);
  for (const [key, state] of initially) if (state) before.set(key, state.uid);

  const applier = applierFor(session, [['karmada', session.karmada]]);
  const objects = wave.result.groups.filter((group) => group.source !== 'KubeFedClusters').flatMap((group) => group.objects);
  const rank = (object: KubeObject) => (APPLY_ORDER.includes(object.kind) ? APPLY_ORDER.indexOf(object.kind) : APPLY_ORDER.length);
  const namespaces = new Set(objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name));
  // Templates need their namespace in Karmada; one KubeFed did not federate must not reach every member.
  for (const namespace of new Set(wave.targets.map((target) => target.target.namespace).filter((ns) => ns !== '' && !namespaces.has(ns)))) {
    await ensure(applier, session.karmada, 'karmada', GVR.namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { [SKIP_AUTO_PROPAGATION_LABEL]: 'true' } },
    });
  }
  // One kind of step at a time (overrides, then policies, then templates), the objects of each at once.
  for (const step of [...new Set(objects.map(rank))].sort((a, b) => a - b)) {
    const ofStep = objects.filter((object) => rank(object) === step);
    // Policies follow what the host holds now (a rerun after a change there); templates are left as Karmada has them.
    await mapWithConcurrency(ofStep, WRITE_CONCURRENCY, async (object) =>
      ensure(applier, session.karmada, 'karmada', gvrOf(session, object), object, object.kind in KARMADA_POLICY_RESOURCES),
    );
  }

  // FederatedNamespaces too: their Namespace has a ClusterPropagationPolicy (and so a binding) of its own.
  const bound = wave.targets;
  let lastPending: string[] = [];
  let bindings = new Map<string, KubeObject>();
  await pollUntil(
    session,
    `Karmada to adopt the objects of ${wave.label}`,
    async () => {
      const pending: string[] = [];
      bindings = await listBindings(session, bound);
      for (const target of bound) {
        const { kind, namespace, name } = target.target;
        const binding = bindings.get(`${namespace}/${bindingName(kind, name)}`);
        const expected = target.divided ? scheduledClusters(binding) : target.clusters;
        const verdict = bindingAdoption(binding, target.divided && expected.length === 0 ? target.clusters : expected);
        if (!verdict.adopted) pending.push(`${kind} ${namespace ? `${namespace}/` : ''}${name}: ${verdict.reason}`);
      }
      spinner.update(`${wave.label}: Karmada adopted ${bound.length - pending.length} of ${bound.length} objects`);
      return pending.length === 0 ? true : ((lastPending = pending), undefined);
    },
    () => lastPending,
  );

  // Replicas divided by an RSP: KubeFed keeps a 0-replica copy in placed clusters that get none,
  // where Karmada's division places nothing. Those copies are not deleted (no member object ever
  // is), but nobody will manage them: the run says so after the release.
  // Where Karmada divides them otherwise than KubeFed did, the members are scaled to its division.
  const unmanaged: string[] = [];
  const redivided: string[] = [];
  for (const target of bound) {
    if (!target.divided) continue;
    const binding = bindings.get(`${target.target.namespace}/${bindingName(target.target.kind, target.target.name)}`);
    const scheduled = scheduledClusters(binding);
    const kubefedDivision: Record<string, number> = {};
    for (const cluster of target.clusters) {
      const key = memberKey(cluster, target);
      const replicas = initially.get(key)?.replicas;
      if (replicas !== undefined) kubefedDivision[cluster] = replicas;
      if (scheduled.includes(cluster) || !before.has(key)) continue;
      before.delete(key);
      unmanaged.push(key);
    }
    const change = replicaDivisionChange(kubefedDivision, scheduledReplicas(binding));
    if (change !== undefined) redivided.push(`${describeTarget(target)}: ${change}`);
  }

  // The check: every member object KubeFed placed is the same object, now managed by Karmada.
  let lastProblems: string[] = [];
  await pollUntil(
    session,
    `every member object of ${wave.label} to carry karmada.io/managed`,
    async () => {
      const problems = memberObjectProblems(before, await readMemberObjects(session, wave), { karmadaManaged: true });
      if (problems.some((problem) => / is missing| was replaced/.test(problem)))
        throw new OperationError('MEMBER_OBJECT_REPLACED', problems.join('; '), {
          hint: 'Nothing was released from KubeFed. Look at the member object and the Karmada Work for it before rerunning.',
        });
      return problems.length === 0 ? true : ((lastProblems = problems), undefined);
    },
    () => lastProblems,
  );
  return { before, unmanaged, redivided };
}

/** The bindings of the targets' namespaces (and the cluster-scoped ones), one list each, by "namespace/name". */
async function listBindings(session: Session, targets: readonly CutoverTarget[]): Promise<Map<string, KubeObject>> {
  const byKey = new Map<string, KubeObject>();
  for (const namespace of new Set(targets.map((target) => target.target.namespace))) {
    const list = await session.karmada.list(namespace ? KARMADA.resourceBindings : KARMADA.clusterResourceBindings, { namespace: namespace || undefined });
    for (const item of list.items) byKey.set(`${namespace}/${item.metadata.name}`, item);
  }
  return byKey;
}

function scheduledClusters(binding: KubeObject | undefined): string[] {
  return Object.keys(scheduledReplicas(binding));
}

/** The binding's clusters with the replicas Karmada gave each (0 for objects without replicas). */
function scheduledReplicas(binding: KubeObject | undefined): Record<string, number> {
  const spec = binding && isPlainObject(binding.spec) ? binding.spec : {};
  return Object.fromEntries(
    (Array.isArray(spec.clusters) ? spec.clusters : []).flatMap((target) =>
      isPlainObject(target) && typeof target.name === 'string' ? [[target.name, typeof target.replicas === 'number' ? target.replicas : 0]] : [],
    ),
  );
}

function gvrOf(session: Session, object: KubeObject): GroupVersionResource {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
  // Policies and core Namespaces have fixed resources; templates take theirs from the FederatedTypeConfigs.
  if (group === 'policy.karmada.io' || (group === '' && object.kind === 'Namespace')) return gvrOfKind(object.kind);
  const found = session.templateResources.get(`${group}/${object.kind}`);
  if (found) return found;
  return gvrOfKind(object.kind);
}

// ---- release --------------------------------------------------------------------------------

async function release(session: Session, wave: Wave, before: ReadonlyMap<string, string>, spinner: Spinner): Promise<void> {
  const applier = applierFor(session, [['host', session.host]]);
  const isNamespace = (target: CutoverTarget) => target.target.kind === 'Namespace' && target.target.group === '';
  // KubeFed deletes from the members every object of a namespace it stops federating that is
  // still federated, orphan annotation or not: the contents must be gone before their FederatedNamespace goes.
  const contents = wave.targets.filter((target) => !isNamespace(target));
  const namespaces = wave.targets.filter(isNamespace);
  // A ReplicaSchedulingPreference goes only once the objects it divides are gone: a run stopped in
  // between must find each Federated object left with its RSP, or its rerun would convert it as
  // undivided and put Karmada's division and KubeFed's side by side.
  const deleteRsps = () =>
    mapWithConcurrency(wave.inputs.preview.replicaSchedulingPreferences, WRITE_CONCURRENCY, async ({ object }) =>
      applier.applyOne({ verb: 'delete', cluster: 'host', gvr: RSP_GVR, name: object.metadata.name!, namespace: object.metadata.namespace }),
    );
  for (const [step, targets] of [
    ['contents', contents],
    ['namespaces', namespaces],
  ] as const) {
    if (step === 'namespaces') await deleteRsps();
    await mapWithConcurrency(targets, WRITE_CONCURRENCY, async (target) =>
      applier.applyOne({
        verb: 'delete',
        cluster: 'host',
        gvr: target.federatedResource,
        name: target.source.name,
        namespace: target.source.namespace || undefined,
      }),
    );
    await pollUntil(
      session,
      `KubeFed to let go of the Federated ${step} of ${wave.label}`,
      async () => {
        const left = [...(await readFederated(session, targets)).values()].filter((object) => object !== undefined).length;
        spinner.update(`${wave.label}: KubeFed released ${targets.length - left} of ${targets.length} ${step}`);
        return left === 0 ? true : undefined;
      },
      () => ['is the KubeFed controller running? It removes its finalizer from each Federated object'],
    );
  }
  // The check: the same member objects, no longer KubeFed's. KubeFed may remove its label from a
  // member namespace after its FederatedNamespace is gone: a label still there is waited for, a
  // missing or replaced object is not.
  let lastProblems: string[] = [];
  await pollUntil(
    session,
    `KubeFed to remove its label from the member objects of ${wave.label}`,
    async () => {
      const problems = memberObjectProblems(before, await readMemberObjects(session, wave), { kubefedManaged: false });
      if (problems.some((problem) => / is missing| was replaced/.test(problem)))
        throw new OperationError('RELEASE_CHECK_FAILED', problems.join('; '), { hint: 'Karmada manages these objects; look at them before rerunning.' });
      return problems.length === 0 ? true : ((lastProblems = problems), undefined);
    },
    () => lastProblems,
  );
}

// ---- unregister -----------------------------------------------------------------------------

async function unregister(session: Session, spinner: Spinner): Promise<void> {
  const kubefedNamespace = session.options.kubefedNamespace ?? 'kube-federation-system';
  let done = 0;
  for (const member of session.members) {
    if ((await session.host.get(GVR.kubefedClusters, member.kubefedName, kubefedNamespace)) === undefined) continue;
    // KubeFed's own token goes with what unjoin deletes: Karmada's reaches the member throughout.
    const secret = await session.karmada.get(GVR.secrets, member.karmadaName, session.options.karmada.clusterNamespace);
    const token = secret && isPlainObject(secret.data) && typeof secret.data.token === 'string' ? secret.data.token : undefined;
    if (token === undefined)
      throw new OperationError(
        'KARMADA_CREDENTIALS_MISSING',
        `Karmada has no Secret ${session.options.karmada.clusterNamespace}/${member.karmadaName} with a token for cluster ${member.karmadaName}`,
        { hint: 'Rerun: the register phase writes it again.' },
      );
    const client = await memberClient(session, member, 'karmada', token);
    await unjoinMember(
      {
        members: [{ clusterName: member.kubefedName, clusterContext: client.contextName }],
        hostContext: session.host.contextName,
        hostName: session.options.hostClusterName ?? session.host.contextName,
        namespace: kubefedNamespace,
        force: false,
        membersWithoutContext: [],
        waitTimeoutMs: undefined,
        dryRun: 'none',
        output: undefined,
        kubeconfig: session.options.kubeconfig,
      },
      { clusterName: member.kubefedName, hostName: session.options.hostClusterName ?? session.host.contextName, namespace: kubefedNamespace },
      { host: session.host, member: client },
      session.ui,
      session.env,
      undefined,
    );
    spinner.update(`Unjoining clusters from KubeFed: ${++done} done`);
  }
}

// ---- waiting, confirming, describing --------------------------------------------------------

/** Polls `check` until it returns a value; an interrupt ends it at once, the timeout with what is still pending. */
async function pollUntil<T>(session: Session, what: string, check: () => Promise<T | undefined>, pending: () => string[] = () => []): Promise<T> {
  const deadline = Date.now() + session.options.timeoutMs;
  for (;;) {
    if (session.signal.aborted) throw new InterruptedError(String(session.signal.reason ?? 'interrupted'));
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + POLL_MS > deadline) {
      const left = pending();
      throw new TimeoutError(
        `timed out after ${Math.round(session.options.timeoutMs / 1000)}s waiting for ${what}${left.length > 0 ? `: ${left.slice(0, 5).join('; ')}${left.length > 5 ? `; and ${left.length - 5} more` : ''}` : ''}`,
        {
          hint: 'Nothing was released from KubeFed that Karmada has not adopted. Fix what the message names (kubectl --context <karmada> describe resourcebinding …), then run the same command again (--timeout waits longer).',
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function confirm(session: Session, work: readonly Wave[], toRegister: readonly Member[]): Promise<void> {
  if (session.options.yes) return;
  const { ctx } = session.env;
  const objects = work.reduce((sum, wave) => sum + wave.targets.length, 0);
  const question = `Cut over ${objects} Federated object${objects === 1 ? '' : 's'} (${work.map((wave) => wave.label).join(', ') || 'none'})${toRegister.length > 0 ? ` and register ${toRegister.length} cluster${toRegister.length === 1 ? '' : 's'}` : ''} from KubeFed on "${session.host.contextName}" to Karmada on "${session.karmada.contextName}"? [y/N] `;
  if (ctx.stdin.isTTY !== true || ctx.stderr.isTTY !== true) {
    throw new UsageError('--execute changes the host, the members and Karmada: without a terminal to confirm at, pass --yes', {
      hint: 'Run it with --dry-run first to see every phase and object.',
    });
  }
  const readline = createInterface({ input: ctx.stdin, output: ctx.stderrStream?.() ?? process.stderr });
  const answer = await new Promise<string>((resolve) => readline.question(question, resolve));
  readline.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new OperationError('NOT_CONFIRMED', 'cut-over not confirmed: nothing was changed');
}

function describePlan(session: Session, toRegister: readonly Member[], work: readonly Wave[], unregistration: { due: boolean; reason: string }): string {
  const lines = [`Cut-over from KubeFed (host "${session.host.contextName}") to Karmada ("${session.karmada.contextName}") (dry run):`];
  if (toRegister.length > 0) {
    lines.push('', 'register: Karmada gets credentials of its own in each member, and a Cluster');
    for (const member of toRegister) {
      const names = memberAccessNames(member.karmadaName);
      lines.push(
        `  ${member.kubefedName}: in the member: namespace ${KARMADA_MEMBER_NAMESPACE}, serviceaccounts ${names.serviceAccount} and karmada-impersonator with token Secrets, clusterrole(binding) ${names.clusterRole}; in Karmada: Secrets ${session.options.karmada.clusterNamespace}/${member.karmadaName}(-impersonator), cluster.cluster.karmada.io/${member.karmadaName}; wait until Ready`,
      );
    }
  }
  for (const wave of work) {
    lines.push('', `${wave.label}:`);
    lines.push(`  orphan: mark ${wave.targets.length} Federated objects kubefed.io/orphan=true`);
    for (const target of wave.targets) lines.push(`    ${qualifiedName(target.federatedResource, target.source.name, target.source.namespace)}`);
    const objects = wave.result.groups.filter((group) => group.source !== 'KubeFedClusters').flatMap((group) => group.objects);
    lines.push(`  adopt: apply ${objects.length} objects to Karmada, wait until each binding is scheduled and applied where KubeFed placed it`);
    for (const object of objects) lines.push(`    ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`);
    for (const target of wave.targets)
      lines.push(
        `    ${target.target.kind} ${target.target.namespace ? `${target.target.namespace}/` : ''}${target.target.name} stays in: ${target.clusters.join(', ') || 'no cluster'}${target.divided ? ' (replicas divided by Karmada)' : ''}`,
      );
    lines.push(
      `  release: delete the Federated objects (KubeFed keeps their member objects)${wave.inputs.preview.replicaSchedulingPreferences.length > 0 ? ' and their ReplicaSchedulingPreferences' : ''}`,
    );
  }
  lines.push(
    '',
    unregistration.due || work.length > 0
      ? `unregister: unjoin ${session.members.map((member) => member.kubefedName).join(', ')} from KubeFed once no Federated object is left${unregistration.reason ? ` (now: ${unregistration.reason})` : ''}`
      : `unregister: not yet (${unregistration.reason})`,
  );
  return `${lines.join('\n')}\n`;
}
