// BIND through a SOCKS5 proxy with the npm "socks" client, and a peer that connects in.
// usage: node bind.mjs <proxyHost> <proxyPort> <expectedPeerHost> <peerSourceAddress>
// Prints one JSON object: the first reply's address, the second reply's peer, the bytes each side got,
// or the error the client reported.
import net from 'node:net';
import { SocksClient } from 'socks';

const [proxyHost, proxyPort, expectedPeer, peerSource] = process.argv.slice(2);
const result = {};
const finish = (extra) => {
  console.log(JSON.stringify({ ...result, ...extra }));
  process.exit(0);
};
setTimeout(() => finish({ error: 'timeout' }), 15000).unref();

const client = new SocksClient({
  proxy: { host: proxyHost, port: Number(proxyPort), type: 5 },
  command: 'bind',
  destination: { host: expectedPeer, port: 0 },
  timeout: 10000,
});

client.on('bound', (info) => {
  result.bound = { host: info.remoteHost.host, port: info.remoteHost.port };
  const peer = net.connect({ host: info.remoteHost.host, port: info.remoteHost.port, localAddress: peerSource });
  peer.on('error', () => {});
  peer.on('data', (data) => {
    result.peerGot = (result.peerGot ?? '') + data.toString();
    if (result.peerGot === 'from-client') {
      peer.end('from-peer');
    }
  });
  peer.on('connect', () => { result.peerLocal = { host: peer.localAddress, port: peer.localPort }; });
});

client.on('established', (info) => {
  result.established = { host: info.remoteHost.host, port: info.remoteHost.port };
  const socket = info.socket;
  socket.on('data', (data) => { result.clientGot = (result.clientGot ?? '') + data.toString(); });
  socket.on('end', () => finish({}));
  socket.write('from-client');
});

client.on('error', (error) => finish({ error: error.message }));
client.connect();
