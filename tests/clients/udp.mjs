// UDP ASSOCIATE through a SOCKS5 proxy with the npm "socks" client: one datagram to a target,
// its echo back. usage: node udp.mjs <proxyHost> <proxyPort> <targetHost> <targetPort> <size> [clientAddress]
// clientAddress (default 127.0.0.1) is where the client's own datagram socket binds; an IPv6 one
// makes it an IPv6 socket. Prints one JSON object: the reply's relay address, what came back and
// from where, or the error.
import dgram from 'node:dgram';
import { SocksClient } from 'socks';

const [proxyHost, proxyPort, targetHost, targetPort, size, clientAddress = '127.0.0.1'] = process.argv.slice(2);
const result = {};
const finish = (extra) => {
  console.log(JSON.stringify({ ...result, ...extra }));
  process.exit(0);
};
setTimeout(() => finish({ error: 'timeout' }), 15000).unref();

const payload = Buffer.alloc(Number(size));
for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + 3) & 0xff;

const udp = dgram.createSocket(clientAddress.includes(':') ? 'udp6' : 'udp4');
udp.bind(0, clientAddress, () => {
  const client = new SocksClient({
    proxy: { host: proxyHost, port: Number(proxyPort), type: 5 },
    command: 'associate',
    destination: { host: clientAddress, port: udp.address().port },
    timeout: 10000,
  });
  client.on('established', (info) => {
    result.relay = { host: info.remoteHost.host, port: info.remoteHost.port };
    udp.on('message', (message) => {
      const frame = SocksClient.parseUDPFrame(message);
      result.from = { host: frame.remoteHost.host, port: frame.remoteHost.port };
      result.echoedBytes = frame.data.length;
      result.match = Buffer.compare(frame.data, payload) === 0;
      info.socket.end();
      finish({});
    });
    const frame = SocksClient.createUDPFrame({ remoteHost: { host: targetHost, port: Number(targetPort) }, data: payload });
    udp.send(frame, info.remoteHost.port, info.remoteHost.host);
  });
  client.on('error', (error) => finish({ error: error.message }));
  client.connect();
});
