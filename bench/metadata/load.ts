// The load generator for bench/metadata, run as a SECOND process so the server's event loop is not
// shared with the client: C keep-alive connections on loopback, each sending one request at a time
// (the agent's pattern) and timing it from write to the last body byte. A raw HTTP/1.1 client over
// node:net keeps the client's own cost small. Requests alternate users?username=<random login> and
// authorize?email=<that user's e-mail>&policy=login. Prints one JSON line with the results.
import { connect, type Socket } from "node:net";

const [host, portText, connectionsText, secondsText, usersText] = process.argv.slice(2);
const port = Number(portText);
const connections = Number(connectionsText);
const seconds = Number(secondsText);
const users = Number(usersText);
const WARMUP_MS = 1000;

const latencies: number[] = [];
let errors = 0;
let measuring = false;
let stopped = false;

function request(i: number, n: number): string {
  const path =
    n % 2 === 0
      ? `/computeMetadata/v1/oslogin/users?username=u${i}`
      : `/computeMetadata/v1/oslogin/authorize?email=u${i}%40bench.example&policy=login`;
  return `GET ${path} HTTP/1.1\r\nHost: 169.254.169.254\r\nMetadata-Flavor: Google\r\n\r\n`;
}

function runConnection(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, host);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let sent = 0n;
    let n = 0;
    const send = () => {
      if (stopped) {
        socket.end();
        return resolve();
      }
      n++;
      sent = process.hrtime.bigint();
      socket.write(request(Math.floor(Math.random() * users), n));
    };
    socket.on("connect", send);
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const head = buf.indexOf("\r\n\r\n");
      if (head < 0) return;
      const headers = buf.subarray(0, head).toString("latin1");
      const m = /content-length: (\d+)/i.exec(headers);
      const total = head + 4 + (m ? Number(m[1]) : 0);
      if (buf.length < total) return;
      if (!headers.startsWith("HTTP/1.1 200")) errors++;
      buf = buf.subarray(total);
      if (measuring) latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      send();
    });
  });
}

const all = Array.from({ length: connections }, runConnection);
setTimeout(() => {
  measuring = true;
  const start = process.hrtime.bigint();
  setTimeout(() => {
    measuring = false;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    stopped = true;
    Promise.all(all).then(() => {
      const sorted = Float64Array.from(latencies).sort();
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      console.log(JSON.stringify({ connections, requests: sorted.length, perSecond: sorted.length / elapsed, p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1], errors }));
    });
  }, seconds * 1000);
}, WARMUP_MS);
