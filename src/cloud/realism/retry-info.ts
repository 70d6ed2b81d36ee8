// RESOURCE_EXHAUSTED's "when to retry", the way Google-style APIs (Yandex Cloud included) send it: a
// google.rpc.Status in the `grpc-status-details-bin` trailer whose details hold a
// google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }. The SDK ships codecs for
// Status and Duration but none for RetryInfo, whose one field is framed here by hand.
import { Duration } from "@yandex-cloud/nodejs-sdk/google/protobuf/duration";
import { Status } from "@yandex-cloud/nodejs-sdk/google/rpc/status";

export const STATUS_DETAILS_KEY = "grpc-status-details-bin";
const RETRY_INFO_URL = "type.googleapis.com/google.rpc.RetryInfo";

/** The trailer value for a status with code, message and a retry delay. */
export function encodeRetryStatus(code: number, message: string, retryAfterMs: number): Buffer {
  const duration = Buffer.from(
    Duration.encode({ seconds: Math.floor(retryAfterMs / 1000), nanos: (retryAfterMs % 1000) * 1_000_000 }).finish(),
  );
  // Field 1, wire type 2 (length-delimited); a Duration is far shorter than 128 bytes, so one length byte.
  const retryInfo = Buffer.concat([Buffer.from([0x0a, duration.length]), duration]);
  return Buffer.from(Status.encode({ code, message, details: [{ typeUrl: RETRY_INFO_URL, value: retryInfo }] }).finish());
}

/** The retry delay a status trailer carries, in ms; undefined when it carries none (or is malformed). */
export function decodeRetryAfterMs(trailer: Uint8Array | undefined): number | undefined {
  if (!trailer) return undefined;
  try {
    const status = Status.decode(trailer);
    const info = status.details.find((d) => d.typeUrl === RETRY_INFO_URL)?.value;
    if (!info || info[0] !== 0x0a || info[1] > 127) return undefined;
    const d = Duration.decode(info.subarray(2, 2 + info[1]));
    return Number(d.seconds) * 1000 + Math.round(d.nanos / 1_000_000);
  } catch {
    return undefined;
  }
}
