// Writing a file whole, or not at all: a temp file created 0600 in the target's directory (never
// wider while it is being written, whatever the umask), set to its final mode, fsync, rename over
// the target, fsync the directory so the rename itself survives a crash. Readers see the old
// content or the new one, never a prefix.
// Lives in src/util because every layer writes such files (cloud key files, inventory
// certificates, TLS material) and none of them may import another layer to get it.
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes `content` to `path` atomically. The mode defaults to 0600 (secrets); a public file such as
 * a certificate passes its own (e.g. 0o644). The mode is set exactly: the umask neither narrows nor
 * widens it.
 */
export function writeSecretFileAtomic(path: string, content: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    try {
      fchmodSync(fd, mode);
      writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dir = openSync(dirname(path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  }
}
