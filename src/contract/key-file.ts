// The authorized key file of a service account (what `yc iam key create --output key.json` writes
// and the provider's service_account_key_file reads): made by the emulator from a CreateKeyResponse,
// read by every client that signs in as the account (inventory, terraform provider, CLI).
import { readFileSync } from "node:fs";
import { writeSecretFileAtomic } from "../util/atomic-file.js";
import type { AuthorizedKeyFile, CreateKeyResponse } from "./api-types.js";

export function authorizedKeyFileOf(created: CreateKeyResponse): AuthorizedKeyFile {
  return {
    id: created.key.id,
    service_account_id: created.key.serviceAccountId,
    created_at: created.key.createdAt,
    key_algorithm: created.key.keyAlgorithm,
    public_key: created.key.publicKey,
    private_key: created.privateKey,
  };
}

/** Writes the key file whole (temp file, fsync, rename), mode 0600: it holds a private key. */
export function writeAuthorizedKeyFile(path: string, file: AuthorizedKeyFile): void {
  writeSecretFileAtomic(path, JSON.stringify(file, null, 2) + "\n");
}

/**
 * Reads and checks a key file. Errors name the file and the missing field, never the content
 * (it is a secret).
 */
export function readAuthorizedKeyFile(path: string): AuthorizedKeyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? "not valid JSON";
    throw new Error(`authorized key file ${path}: cannot be read (${why})`);
  }
  const file = parsed as Record<string, unknown>;
  for (const field of ["id", "service_account_id", "private_key"] as const) {
    if (typeof file?.[field] !== "string" || file[field] === "") {
      throw new Error(`authorized key file ${path}: field "${field}" is missing or not a string`);
    }
  }
  return parsed as AuthorizedKeyFile;
}
