// One unary gRPC call on grpc-js, with the SDK's generated method definitions (their protobuf codecs
// and paths) and nothing in between. The SDK's own client factory wraps every call in three
// async-generator middlewares (a retry that GrpcCloudClient's callers already do, with retry
// information the middleware ignores; error metadata; a deadline grpc-js has natively): at about 4,000
// calls per 10k-resource refresh that wrapping was a third of the client's CPU (bench/realcloud).
import { isIP } from "node:net";
import { Client, credentials, Metadata, type MethodDefinition, type ServiceError } from "@grpc/grpc-js";

/** What a failed call carries: the status, its message and the trailers (RetryInfo lives there). */
export class UnaryFailure extends Error {
  readonly code: number;
  readonly details: string;
  private readonly trailers?: Metadata;

  constructor(err: ServiceError) {
    super(err.message);
    this.code = err.code;
    // A deadline grpc-js enforced itself reads "Deadline exceeded after 0.299s,name resolution:
    // 0.003s,Waiting for LB pick": its internal timings mean nothing to a user.
    this.details = err.details.replace(/^(Deadline exceeded) after \d.*$/s, "$1");
    this.trailers = err.metadata;
  }

  /** The first value of a trailer, or undefined. */
  trailer(key: string): string | Buffer | undefined {
    return this.trailers?.get(key)[0];
  }
}

export class UnaryCaller {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly roots: Buffer) {}

  /** Calls `method` at `endpoint`; rejects with a UnaryFailure for any gRPC status but OK. */
  call<Req, Res>(endpoint: string, method: MethodDefinition<Req, Res>, request: Req, headers: Record<string, string>, timeoutMs: number): Promise<Res> {
    const metadata = new Metadata();
    for (const key in headers) metadata.set(key, headers[key]);
    return new Promise((resolve, reject) => {
      this.client(endpoint).makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(new UnaryFailure(err)) : resolve(res as Res),
      );
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  /** One client (one channel, one HTTP/2 connection) per endpoint, made on first use. */
  private client(endpoint: string): Client {
    let c = this.clients.get(endpoint);
    if (!c) {
      if (isIP(hostOf(endpoint))) quietIpServerNameWarning();
      this.clients.set(endpoint, (c = new Client(endpoint, credentials.createSsl(this.roots))));
    }
    return c;
  }
}

/** "127.0.0.1:443" -> "127.0.0.1", "[::1]:443" -> "::1", "api.example:443" -> "api.example". */
function hostOf(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(endpoint);
  return bracketed ? bracketed[1] : endpoint.replace(/:\d+$/, "");
}

let ipWarningQuieted = false;

/**
 * grpc-js names the endpoint's host as the TLS server name even when it is an IP address (the
 * certificate is still checked against that IP), and Node then prints DEP0123 on stderr: a warning
 * about grpc-js that a user of `--endpoint 127.0.0.1:PORT` can do nothing about. Only that one
 * warning is dropped; every other one still prints.
 */
function quietIpServerNameWarning(): void {
  if (ipWarningQuieted) return;
  ipWarningQuieted = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const [, typeOrOptions, code] = args;
    const warningCode = typeof typeOrOptions === "object" && typeOrOptions !== null ? (typeOrOptions as { code?: string }).code : code;
    if (warningCode === "DEP0123") return;
    emit(...args);
  }) as typeof process.emitWarning;
}
