// Access semantics: what an object of a resource type means for who can log in to which OS Login
// VM. Each type declares its part next to its schema (ResourceDefinition.access); the access
// review, the lint and `oslogin access` read it from there instead of knowing type names.
import { isUnknown, type ObjectValue } from "./define.js";

/** Where a binding applies; a grant on a folder, cloud or organization reaches every VM inside. */
export type AccessScope = "instance" | "folder" | "cloud" | "organization";

export type AccessLevel = "none" | "login" | "sudo";

/** The roles that let a member log in over OS Login, and how far (the cloud's role table says the same). */
export const LOGIN_ROLES: Readonly<Record<string, Exclude<AccessLevel, "none">>> = {
  "compute.osLogin": "login",
  "compute.osAdminLogin": "sudo",
};

export type AccessSemantics =
  /** A role binding: `role` for `member` ("TYPE:ID") on the resource `scopeAttribute` names. */
  | { kind: "grant"; on: AccessScope; scopeAttribute: string }
  /** A VM members log in to, when `osLogin` says OS Login is on; it lives in `folderAttribute`. */
  | {
      kind: "target";
      folderAttribute: string;
      osLogin(value: ObjectValue): boolean;
      /** Who authorizes the serial console ("OS_LOGIN", "INSTANCE_METADATA"); undefined when not set. */
      serialConsole?(value: ObjectValue): string | undefined;
    }
  /** An OS Login profile: the login and uid its subject logs in as (the default one counts). */
  | { kind: "profile"; subjectAttribute: string }
  /**
   * A subject a binding's member can name: a service account the stack creates (member type
   * `memberType`, id `id`) or a directory member a data source finds (its `member` attribute).
   */
  | { kind: "subject"; memberType: "serviceAccount" | "userAccount"; nameAttribute: string }
  /** An SSH public key a subject logs in with: the OpenSSH line and its expiry (RFC3339, unset = never). */
  | { kind: "key"; subjectAttribute: string; dataAttribute: string; expiresAttribute: string }
  /** An organization's OS Login settings: whether certificates are on and members may upload their own keys. */
  | { kind: "settings"; certificates(value: ObjectValue): boolean; membersManageOwnKeys(value: ObjectValue): boolean };

/** The enable-oslogin metadata switch of a VM, as the guest agent reads it. */
export function metadataOsLogin(value: ObjectValue): boolean {
  const md = value.metadata;
  return md !== null && typeof md === "object" && !Array.isArray(md) && !isUnknown(md) && String((md as ObjectValue)["enable-oslogin"]).toLowerCase() === "true";
}
