// Shared test plumbing for the cluster adapters: fixture paths, a local HTTPS "API server",
// temporary kubeconfigs and a log-capturing Logger.

import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import yaml from 'js-yaml';

import type { Logger } from '../../../src/log.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const KUBECONFIG_FIXTURES = path.join(FIXTURES, 'kubeconfig');
export const TLS_FIXTURES = path.join(FIXTURES, 'tls');
export const CREDENTIAL_PLUGIN = path.join(FIXTURES, 'exec', 'credential-plugin.mjs');

export function tlsFile(name: string): string {
  return path.join(TLS_FIXTURES, name);
}

export function tlsText(name: string): string {
  return readFileSync(tlsFile(name), 'utf8');
}

export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** CN of the client certificate the caller presented, if any. */
  clientCertCN: string | undefined;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void;

export interface FakeApiServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Number of watch connections the server saw end (closed by either side). */
  closedConnections(): number;
  /** Number of TLS connections clients opened. */
  tlsConnections(): number;
  close(): Promise<void>;
}

/**
 * An HTTPS server with the fixture CA's server cert; asks for (but does not require) a client cert.
 * Listens on 127.0.0.1 unless `host` says otherwise.
 */
export async function startFakeApiServer(
  handler: FakeHandler,
  options: { cert?: 'server' | 'named-server'; host?: string; http2?: boolean } = {},
): Promise<FakeApiServer> {
  const certName = options.cert ?? 'server';
  const requests: RecordedRequest[] = [];
  let closed = 0;
  let tlsConnections = 0;
  const tlsOptions = { cert: tlsText(`${certName}.crt`), key: tlsText(`${certName}.key`), ca: tlsText('ca.crt'), requestCert: true, rejectUnauthorized: false };
  // With http2, the server speaks h2 (as kube-apiserver does) and HTTP/1.1 to clients that do not.
  const create = (listener: (req: IncomingMessage, res: ServerResponse) => void) =>
    options.http2
      ? (http2.createSecureServer(
          { ...tlsOptions, allowHTTP1: true },
          listener as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
        ) as unknown as https.Server)
      : https.createServer(tlsOptions, listener);
  const server = create((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'https://fake');
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCertCN: peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined,
      };
      requests.push(recorded);
      res.on('close', () => closed++);
      handler(recorded, res);
    });
  });
  server.on('secureConnection', () => tlsConnections++);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}`,
    port,
    requests,
    closedConnections: () => closed,
    tlsConnections: () => tlsConnections,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendStatus(response: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(response, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TempDir {
  path: string;
  file(name: string): string;
  write(name: string, content: string): string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubefedctl-adapters-'));
  return {
    path: dir,
    file: (name) => path.join(dir, name),
    write: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ClusterSpec {
  server: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  extensions?: unknown[];
}

/** Writes a one-context kubeconfig (context "test") and returns its path. */
export function writeKubeconfig(dir: TempDir, cluster: ClusterSpec, user: Record<string, unknown>, name = 'kubeconfig.yaml'): string {
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'test',
    clusters: [{ name: 'test-cluster', cluster }],
    users: [{ name: 'test-user', user }],
    contexts: [{ name: 'test', context: { cluster: 'test-cluster', user: 'test-user', namespace: 'testing' } }],
  };
  return dir.write(name, yaml.dump(document));
}

export interface PluginRun {
  mode: string;
  execInfo: { apiVersion: string; kind: string; spec: { interactive: boolean; cluster?: Record<string, unknown> } } | null;
  args: string[];
  marker: string | null;
  parentMarker: string | null;
}

export function pluginRuns(logFile: string): PluginRun[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PluginRun);
}

export interface CapturingLogger extends Logger {
  lines: string[];
  text(): string;
}

export function capturingLogger(verbosity: number): CapturingLogger {
  const lines: string[] = [];
  return {
    verbosity,
    lines,
    enabled: (level) => verbosity >= level,
    log: (level, message) => {
      if (verbosity >= level) lines.push(message);
    },
    warn: (message) => lines.push(`Warning: ${message}`),
    text: () => lines.join('\n'),
  };
}
