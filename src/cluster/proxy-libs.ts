// The proxy libraries, built as their own bundle (dist/proxy-libs.cjs) and loaded only when a
// kubeconfig or the environment names a proxy.
export { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
export { SocksClient } from 'socks';
