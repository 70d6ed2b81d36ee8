// The emulator's error catalog. Every error carries the real API's gRPC code, so the REST layer can
// answer with the matching HTTP status and the Yandex error body, and the gRPC layer with the code.
// Messages name the field and the rule; they never carry secrets or stack traces.

export const GRPC_CODES = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcCodeName = keyof typeof GRPC_CODES;

// The HTTP status the REST gateway answers for each code (google.rpc code mapping).
export const HTTP_STATUS: Record<GrpcCodeName, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

export interface ErrorStatus {
  code: number;
  message: string;
  details: unknown[];
}

export class CloudError extends Error {
  /**
   * How long the server asks the client to wait before trying again (google.rpc.RetryInfo, sent with
   * RESOURCE_EXHAUSTED); undefined when it says nothing.
   */
  retryAfterMs?: number;

  constructor(
    readonly code: GrpcCodeName,
    message: string,
    /** The request field the error is about, in the API's snake_case naming, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "CloudError";
  }

  get grpcCode(): number {
    return GRPC_CODES[this.code];
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** The google.rpc.Status shape that both the REST body and Operation.error use. */
  toStatus(): ErrorStatus {
    return { code: this.grpcCode, message: this.message, details: [] };
  }
}

/**
 * Why an endpoint could not be reached (an UNAVAILABLE or DEADLINE_EXCEEDED CloudError), in words.
 * `absent` when nothing is there to answer (connection refused, no answer in time); otherwise the
 * transport's own first line, which says what is wrong instead: another service on the port, a
 * proxy (whose own refusal is not the endpoint's), a certificate.
 */
export function unreachableCause(e: CloudError): { absent: boolean; cause: string } {
  const why = e.message.split("\n")[0];
  if (/ECONNREFUSED|connection refused/i.test(why) && !why.startsWith("the proxy ")) return { absent: true, cause: "connection refused" };
  if (why.startsWith("Deadline exceeded")) return { absent: true, cause: "no answer" };
  return { absent: false, cause: why };
}

export const isCloudError = (e: unknown): e is CloudError => e instanceof CloudError;

/** Constructors that keep messages uniform: what is wrong, the bad value where it is safe, the rule. */
export const errors = {
  /** An Idempotency-Key sent again with a request other than the one it was first used for. */
  idempotencyKeyReused: (key: string, action: string, operationId: string) =>
    new CloudError(
      "INVALID_ARGUMENT",
      `${KEY_REUSED} ${JSON.stringify(key)} was already used for a different ${action} request (operation ${operationId}); send the same request to get that operation again, or use a new key`,
      "idempotency-key",
    ),
  invalidArgument: (field: string, rule: string) =>
    new CloudError("INVALID_ARGUMENT", `Illegal argument ${field}: ${rule}`, field),
  required: (field: string) =>
    new CloudError("INVALID_ARGUMENT", `Illegal argument ${field}: the field is required`, field),
  notFound: (what: string, id: string) =>
    new CloudError("NOT_FOUND", `${what} ${JSON.stringify(id)} not found`),
  alreadyExists: (what: string, detail: string) =>
    new CloudError("ALREADY_EXISTS", `${what} already exists: ${detail}`),
  permissionDenied: (detail: string) =>
    new CloudError("PERMISSION_DENIED", `Permission denied: ${detail}`),
  unauthenticated: (detail: string) =>
    new CloudError("UNAUTHENTICATED", `Unauthenticated: ${detail}`),
  failedPrecondition: (detail: string) => new CloudError("FAILED_PRECONDITION", detail),
  quotaExceeded: (quota: string, limit: number) =>
    new CloudError("RESOURCE_EXHAUSTED", `Quota limit ${quota} exceeded: the limit is ${limit}`),
  unimplemented: (what: string) => new CloudError("UNIMPLEMENTED", `${what} is not implemented by the emulator`),
  internal: () => new CloudError("INTERNAL", "Internal error"),
  /** CreateKey replayed with a used idempotency key: the key exists, but its private key was returned once and is gone. */
  privateKeyReturnedOnce: (keyId: string) =>
    new CloudError(
      "ALREADY_EXISTS",
      `Key ${JSON.stringify(keyId)} ${PRIVATE_KEY_RETURNED_ONCE}`,
    ),
};

const KEY_REUSED = "Illegal argument idempotency-key:";

/**
 * The error errors.idempotencyKeyReused makes, also as a client rebuilt it from the wire (the field
 * is lost there, the message is not): the key names an object the cloud did create.
 */
export const isIdempotencyKeyReused = (e: unknown): boolean =>
  isCloudError(e) && e.code === "INVALID_ARGUMENT" && e.message.startsWith(KEY_REUSED) && e.message.includes(" was already used for a different ");

const PRIVATE_KEY_RETURNED_ONCE = "was already created with this idempotency key; a private key is returned only once: delete that key and create a new one";

/**
 * The key a replayed CreateKey names (errors.privateKeyReturnedOnce), or undefined for any other
 * error. Read from the message because that is all a gRPC or REST client receives; the message is
 * built in one place (above), so the two cannot drift apart.
 */
export function keyWithLostPrivateKey(e: unknown): string | undefined {
  if (!isCloudError(e) || e.code !== "ALREADY_EXISTS") return undefined;
  const m = /^Key ("[^"\\]*") (.*)$/.exec(e.message);
  return m && m[2] === PRIVATE_KEY_RETURNED_ONCE ? (JSON.parse(m[1]) as string) : undefined;
}

/**
 * A client stopped awaiting a mutation's Operation because the time it was given (a resource's
 * `timeouts`, else the client's default) ran out. The mutation was accepted and its operation may
 * still finish, so this is not retried: a retry would wait on the same operation past the limit.
 */
export class OperationTimeoutError extends CloudError {
  constructor(
    readonly operationId: string,
    readonly timeoutMs: number,
  ) {
    super("DEADLINE_EXCEEDED", `operation ${operationId} did not finish within ${timeoutMs} ms`);
    this.name = "OperationTimeoutError";
  }
}

export const isOperationTimeout = (e: unknown): e is OperationTimeoutError => e instanceof OperationTimeoutError;
