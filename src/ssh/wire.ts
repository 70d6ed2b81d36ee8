// Reading the SSH wire encoding (RFC 4251: uint32, uint64, length-prefixed strings), which
// certificates and OpenSSH private key files are made of. A malformed buffer throws, so callers
// treat whatever does not parse as corrupt.

export class SshReader {
  private off = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new Error("truncated SSH data");
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.off);
    this.off += 8;
    return v;
  }

  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }

  string(): string {
    return this.bytes().toString("utf8");
  }

  /** Raw bytes that are not length-prefixed (e.g. a magic header). */
  fixed(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }

  get done(): boolean {
    return this.off >= this.buf.length;
  }
}

export function sshString(data: Buffer | string): Buffer {
  const b = typeof data === "string" ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

const OPENSSH_MAGIC = "openssh-key-v1\0";

/**
 * The public key blob (base64, as in authorized_keys) stored in clear inside an OpenSSH private key
 * file, read without decrypting or loading a crypto library: enough to match a key to its certificate.
 */
export function publicBlobOfOpenSshPrivateKey(text: string): string {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) throw new Error("not an OpenSSH private key");
  const r = new SshReader(Buffer.from(m[1].replace(/\s+/g, ""), "base64"));
  if (r.fixed(OPENSSH_MAGIC.length).toString("latin1") !== OPENSSH_MAGIC) throw new Error("not an openssh-key-v1 file");
  r.string(); // cipher
  r.string(); // kdf
  r.bytes(); // kdf options
  if (r.u32() !== 1) throw new Error("expected exactly one key");
  const blob = r.bytes();
  r.bytes(); // the private section must be present too
  return blob.toString("base64");
}
