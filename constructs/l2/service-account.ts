// OsLoginServiceAccount: a robot that logs in to VMs through OS Login (Ansible's identity): the
// service account, its OS Login profile, an authorized key for API calls (to get certificates),
// optionally an SSH key, and grants of the OS Login roles.
import { Construct } from "constructs";
import { ComputeInstanceIamMember } from "../l1/compute-instance-iam-member.js";
import { IamServiceAccount } from "../l1/iam-service-account.js";
import { IamServiceAccountKey } from "../l1/iam-service-account-key.js";
import { OrganizationmanagerOsLoginProfile } from "../l1/organizationmanager-os-login-profile.js";
import { OrganizationmanagerUserSshKey } from "../l1/organizationmanager-user-ssh-key.js";
import { ResourcemanagerFolderIamMember } from "../l1/resourcemanager-folder-iam-member.js";
import type { OsLoginOrganization } from "./organization.js";
import { OS_ADMIN_LOGIN_ROLE, OS_LOGIN_ROLE, grantId, type IOsLoginPrincipal } from "./principal.js";
import type { OsLoginInstance } from "./instance.js";
import { propNames, rejectUnknownProps } from "../strict-props.js";

export interface OsLoginServiceAccountProps {
  /** The organization whose OS Login the account uses. */
  readonly organization: OsLoginOrganization;
  /** Service account name: [a-z]([-a-z0-9]{0,61}[a-z0-9])? */
  readonly name: string;
  /**
   * Folder of the service account.
   * @default - the provider's folder_id
   */
  readonly folderId?: string;
  /**
   * Description of the service account.
   * @default - none
   */
  readonly description?: string;
  /**
   * OS Login login (the Linux user name Ansible connects as).
   * @default "yc-sa-<name>" (the conventional service account login)
   */
  readonly login?: string;
  /**
   * Linux uid of the profile, 1002..2^63-1.
   * @default - allocated by the cloud
   */
  readonly uid?: number | string;
  /**
   * Home directory.
   * @default "/home/<login>"
   */
  readonly homeDirectory?: string;
  /**
   * Login shell.
   * @default "/bin/bash"
   */
  readonly shell?: string;
  /**
   * An OpenSSH public key to upload for the account (OS Login mode 2).
   * @default - no SSH key: the account logs in with certificates
   */
  readonly sshPublicKey?: string;
  /**
   * Create an authorized key (for API calls, e.g. to request certificates); its private key is
   * in the state, marked sensitive.
   * @default true
   */
  readonly authorizedKey?: boolean;
  /**
   * Version of the authorized key: raise it to rotate the key. The plan then shows the new key
   * created and the old one destroyed (the key is a new construct, `authorized-key-v<N>`); after
   * apply, `oslogin ansible-key` writes the new key file.
   * @default 1
   */
  readonly keyVersion?: number;
}

const SERVICE_ACCOUNT_PROPS = propNames<OsLoginServiceAccountProps>()(
  "organization",
  "name",
  "folderId",
  "description",
  "login",
  "uid",
  "homeDirectory",
  "shell",
  "sshPublicKey",
  "authorizedKey",
  "keyVersion",
);

export class OsLoginServiceAccount extends Construct implements IOsLoginPrincipal {
  readonly serviceAccount: IamServiceAccount;
  readonly profile: OrganizationmanagerOsLoginProfile;
  readonly authorizedKey?: IamServiceAccountKey;
  readonly sshKey?: OrganizationmanagerUserSshKey;
  /** The literal login (known at synth, unlike the ids). */
  readonly login: string;

  constructor(scope: Construct, id: string, props: OsLoginServiceAccountProps) {
    super(scope, id);
    rejectUnknownProps(this, props, SERVICE_ACCOUNT_PROPS);
    const org = props.organization;
    this.login = props.login ?? `yc-sa-${props.name}`;
    this.serviceAccount = new IamServiceAccount(this, "account", {
      name: props.name,
      folderId: props.folderId,
      description: props.description,
    });
    this.profile = new OrganizationmanagerOsLoginProfile(this, "profile", {
      organizationId: org.organizationId,
      subjectId: this.serviceAccount.id,
      login: this.login,
      uid: props.uid,
      homeDirectory: props.homeDirectory,
      shell: props.shell,
      isDefault: true,
      dependsOn: [org.settings],
    });
    if (props.authorizedKey ?? true) {
      const version = props.keyVersion ?? 1;
      if (!Number.isInteger(version) || version < 1) {
        throw new Error(`${this.node.path}: keyVersion must be a whole number from 1 up, got ${JSON.stringify(props.keyVersion)}`);
      }
      // Version 1 keeps the id it always had, so adding the prop to an applied app changes nothing.
      this.authorizedKey = new IamServiceAccountKey(this, version === 1 ? "authorized-key" : `authorized-key-v${version}`, {
        serviceAccountId: this.serviceAccount.id,
        description: `authorized key of ${props.name} (OS Login certificates)${version === 1 ? "" : `, version ${version}`}`,
      });
    }
    if (props.sshPublicKey !== undefined) {
      this.sshKey = new OrganizationmanagerUserSshKey(this, "ssh-key", {
        organizationId: org.organizationId,
        subjectId: this.serviceAccount.id,
        data: props.sshPublicKey,
        name: `${props.name}-ssh`,
        dependsOn: [org.settings],
      });
    }
  }

  get subjectId(): string {
    return this.serviceAccount.id;
  }

  get iamMember(): string {
    return `serviceAccount:${this.serviceAccount.id}`;
  }

  /** Grants a role on a folder (applies to every VM in it). */
  grantFolderRole(folderId: string, role: string): ResourcemanagerFolderIamMember {
    const id = grantId(role, this) + `-${folderId.replace(/[^A-Za-z0-9-]/g, "")}`;
    return (
      (this.node.tryFindChild(id) as ResourcemanagerFolderIamMember | undefined) ??
      new ResourcemanagerFolderIamMember(this, id, { folderId, role, member: this.iamMember })
    );
  }

  /** compute.osLogin on every VM of a folder. */
  grantOsLoginOnFolder(folderId: string): ResourcemanagerFolderIamMember {
    return this.grantFolderRole(folderId, OS_LOGIN_ROLE);
  }

  /** compute.osAdminLogin (login + sudo) on every VM of a folder. */
  grantOsAdminLoginOnFolder(folderId: string): ResourcemanagerFolderIamMember {
    return this.grantFolderRole(folderId, OS_ADMIN_LOGIN_ROLE);
  }

  /**
   * Lets the account read a folder's VMs and their access bindings (role `viewer` on the folder):
   * what the Ansible inventory asks the cloud, as this account, to list hosts and decide become.
   */
  grantInventoryReadOnFolder(folderId: string): ResourcemanagerFolderIamMember {
    return this.grantFolderRole(folderId, "viewer");
  }

  /** Grants a role on one VM (same as instance.grant...(this)). */
  grantInstanceRole(instance: OsLoginInstance, role: string): ComputeInstanceIamMember {
    return instance.grantRole(this, role);
  }
}
