// Reads the fields of an OpenSSH certificate that clients decide on (PROTOCOL.certkeys): who it is
// for, until when, and which public key it certifies. Used to reuse or renew cached certificates;
// anything that does not parse is reported as an Error, so callers replace rather than trust it.

export interface CertificateInfo {
  type: string;
  /** The certified public key as an authorized_keys blob (base64), to match against the private key. */
  publicKeyBlob: string;
  serial: bigint;
  certType: "user" | "host";
  keyId: string;
  principals: string[];
  validAfter: Date;
  validBefore: Date;
}

class Reader {
  private off = 0;
  constructor(private readonly buf: Buffer) {}
  u32(): number {
    if (this.off + 4 > this.buf.length) throw new Error("truncated certificate");
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    if (this.off + 8 > this.buf.length) throw new Error("truncated certificate");
    const v = this.buf.readBigUInt64BE(this.off);
    this.off += 8;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    if (this.off + n > this.buf.length) throw new Error("truncated certificate");
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  string(): string {
    return this.bytes().toString("utf8");
  }
  get done(): boolean {
    return this.off >= this.buf.length;
  }
}

// How many length-prefixed fields of key material each certificate type carries after the nonce.
const KEY_FIELDS: Record<string, number> = {
  "ssh-ed25519-cert-v01@openssh.com": 1,
  "ssh-rsa-cert-v01@openssh.com": 2,
  "ecdsa-sha2-nistp256-cert-v01@openssh.com": 2,
  "ecdsa-sha2-nistp384-cert-v01@openssh.com": 2,
  "ecdsa-sha2-nistp521-cert-v01@openssh.com": 2,
};

const encodeString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

export function parseCertificate(line: string): CertificateInfo {
  const [type, b64] = line.trim().split(/\s+/);
  if (!type || !b64 || !(type in KEY_FIELDS)) throw new Error("not an OpenSSH user certificate line");
  const r = new Reader(Buffer.from(b64, "base64"));
  if (r.string() !== type) throw new Error("certificate type does not match its line");
  r.bytes(); // nonce
  const keyParts: Buffer[] = [];
  for (let i = 0; i < KEY_FIELDS[type]; i++) keyParts.push(r.bytes());
  const plainType = type.replace("-cert-v01@openssh.com", "");
  const publicKeyBlob = Buffer.concat([encodeString(Buffer.from(plainType)), ...keyParts.map(encodeString)]).toString("base64");
  const serial = r.u64();
  const certType = r.u32() === 1 ? "user" : "host";
  const keyId = r.string();
  const principalsReader = new Reader(r.bytes());
  const principals: string[] = [];
  while (!principalsReader.done) principals.push(principalsReader.string());
  const validAfter = r.u64();
  const validBefore = r.u64();
  const toDate = (s: bigint) => new Date(s > 253402300799n ? 253402300799000 : Number(s) * 1000);
  return { type, publicKeyBlob, serial, certType, keyId, principals, validAfter: toDate(validAfter), validBefore: toDate(validBefore) };
}
