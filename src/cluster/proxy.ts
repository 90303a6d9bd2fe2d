// Which proxy a cluster's requests go through: the cluster's proxy-url, else HTTPS_PROXY /
// HTTP_PROXY minus NO_PROXY, with the semantics of Go's golang.org/x/net/http/httpproxy that
// client-go uses. The agents that tunnel through a proxy live in proxy-agents.ts, which is loaded
// only when a proxy is in use.

import type http from 'node:http';
import net from 'node:net';
import type tls from 'node:tls';

import { ConfigError } from '../errors.js';
import type { ContextInfo } from './types.js';

/** A failure to reach the API server through the proxy; api-errors.ts reports it with a hint about proxy settings. */
export class ProxyError extends Error {
  readonly code = 'EPROXY';
}

export function resolveProxy(context: ContextInfo, env: NodeJS.ProcessEnv, serverUrl: URL): URL | undefined {
  if (context.proxyUrl !== undefined) return parseProxyUrl(context.proxyUrl, `proxy-url of cluster "${context.clusterName}"`);
  const fromEnv = serverUrl.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (fromEnv === undefined || fromEnv === '' || shouldBypassProxy(serverUrl, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return parseProxyUrl(fromEnv.includes('://') ? fromEnv : `http://${fromEnv}`, serverUrl.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY');
}

function parseProxyUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${source} "${text}" is not a valid URL`, { code: 'KUBECONFIG_INVALID' });
  }
  if (!['http:', 'https:', 'socks5:', 'socks5h:'].includes(url.protocol)) {
    throw new ConfigError(`${source} uses unsupported proxy scheme "${url.protocol.replace(/:$/, '')}"`, {
      code: 'KUBECONFIG_INVALID',
      hint: 'Supported proxy schemes: http, https and socks5.',
    });
  }
  return url;
}

/** A URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** NO_PROXY matching as Go's golang.org/x/net/http/httpproxy does it. */
export function shouldBypassProxy(serverUrl: URL, noProxy: string): boolean {
  const host = hostOf(serverUrl).toLowerCase();
  // Go's http.ProxyFromEnvironment never proxies loopback.
  if (host === 'localhost' || (net.isIP(host) !== 0 && isLoopback(host))) return true;
  const port = serverUrl.port || (serverUrl.protocol === 'https:' ? '443' : '80');
  for (const rawEntry of noProxy.split(',')) {
    const entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      const [network, bits] = entry.split('/');
      if (network !== undefined && bits !== undefined && net.isIP(host) !== 0 && net.isIP(network) === net.isIP(host)) {
        const list = new net.BlockList();
        list.addSubnet(network, Number(bits), net.isIP(network) === 6 ? 'ipv6' : 'ipv4');
        if (list.check(host, net.isIP(host) === 6 ? 'ipv6' : 'ipv4')) return true;
      }
      continue;
    }
    let pattern = entry;
    let patternPort: string | undefined;
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch && net.isIP(entry) === 0) {
      pattern = portMatch[1]!;
      patternPort = portMatch[2];
    }
    if (patternPort !== undefined && patternPort !== port) continue;
    pattern = pattern.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(pattern) !== 0) {
      if (pattern === host) return true;
      continue;
    }
    if (pattern.startsWith('*.')) pattern = pattern.slice(1);
    if (pattern.startsWith('.') ? host.endsWith(pattern) : host === pattern || host.endsWith(`.${pattern}`)) return true;
  }
  return false;
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

/** The proxy URL for messages: the password masked. */
export function maskProxyCredentials(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  return copy.href.replace(/\/$/, '');
}

/**
 * A keep-alive agent that reaches the server through the proxy. `serverTls` are the options for
 * the API server; an https proxy is trusted the way client-go trusts it (see proxy-agents.ts).
 */
export async function createProxyAgent(serverUrl: URL, proxy: URL, serverTls: tls.ConnectionOptions): Promise<http.Agent> {
  const { createTunnelingAgent } = await import('./proxy-agents.js');
  return createTunnelingAgent(serverUrl, proxy, serverTls);
}
