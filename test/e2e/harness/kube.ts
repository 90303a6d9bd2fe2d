// Minimal Kubernetes REST client on node:https + JSON (no typed client: CRD schemas must pass through untouched).
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { waitFor } from './procs.js';

export interface Credentials {
  /** https://host:port (no trailing slash) */
  server: string;
  ca?: string | Buffer;
  token?: string;
  cert?: string | Buffer;
  key?: string | Buffer;
  insecureSkipTlsVerify?: boolean;
}

export interface KubeResponse<T = any> {
  status: number;
  /** Parsed JSON body, or null when the body is empty or not JSON. */
  body: T;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestOptions {
  contentType?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export function kubeRequest<T = any>(creds: Credentials, method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<KubeResponse<T>> {
  const url = new URL(path, creds.server.endsWith('/') ? creds.server : creds.server + '/');
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (payload !== undefined) {
    const defaultType = method.toUpperCase() === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    headers['Content-Type'] = opts.contentType ?? defaultType;
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  if (creds.token !== undefined) headers['Authorization'] = `Bearer ${creds.token}`;
  const isHttps = url.protocol === 'https:';
  const doRequest = isHttps ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = doRequest(
      url,
      {
        method: method.toUpperCase(),
        headers,
        ...(isHttps
          ? {
              ca: creds.ca,
              cert: creds.cert,
              key: creds.key,
              rejectUnauthorized: creds.insecureSkipTlsVerify !== true,
              agent: false as const,
            }
          : { agent: false as const }),
        timeout: opts.timeoutMs ?? 15000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = null;
          if (text !== '') {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = null;
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, text, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Like kubeRequest but throws unless the status is 2xx (or listed in `okStatuses`). */
export async function kubeOk<T = any>(creds: Credentials, method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<KubeResponse<T>> {
  const res = await kubeRequest<T>(creds, method, path, body);
  if ((res.status < 200 || res.status >= 300) && !okStatuses.includes(res.status)) {
    throw new Error(`${method} ${path} -> HTTP ${res.status}: ${res.text.slice(0, 500)}`);
  }
  return res;
}

/** REST collection path for an object (core or group API, namespaced or not). */
export function resourcePath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace !== undefined && namespace !== '' ? `/namespaces/${namespace}` : '';
  return `${base}${ns}/${plural}${name !== undefined ? `/${name}` : ''}`;
}

/** Create-or-replace: POST, and on 409 GET the resourceVersion and PUT. */
export async function applyObject(creds: Credentials, collectionPath: string, obj: any): Promise<void> {
  const created = await kubeRequest(creds, 'POST', collectionPath, obj);
  if (created.status >= 200 && created.status < 300) return;
  if (created.status !== 409) {
    throw new Error(`POST ${collectionPath} (${obj?.metadata?.name}) -> HTTP ${created.status}: ${created.text.slice(0, 500)}`);
  }
  const itemPath = `${collectionPath}/${obj.metadata.name}`;
  const current = await kubeOk(creds, 'GET', itemPath);
  const next = { ...obj, metadata: { ...obj.metadata, resourceVersion: current.body.metadata.resourceVersion } };
  await kubeOk(creds, 'PUT', itemPath, next);
}

/** Creates (or replaces) CustomResourceDefinitions and waits until every one is Established. */
export async function applyCrdsEstablished(creds: Credentials, crds: any[], timeoutMs = 60_000): Promise<void> {
  const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  await Promise.all(crds.map((crd) => applyObject(creds, crdPath, crd)));
  await Promise.all(
    crds.map((crd) =>
      waitFor(
        async () => {
          const r = await kubeOk(creds, 'GET', `${crdPath}/${crd.metadata.name}`);
          const conds: Array<{ type: string; status: string }> = r.body?.status?.conditions ?? [];
          return conds.some((c) => c.type === 'Established' && c.status === 'True');
        },
        timeoutMs,
        { what: `CRD ${crd.metadata.name} Established` },
      ),
    ),
  );
}
