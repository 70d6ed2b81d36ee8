// OsLoginOrganization: an organization with OS Login on, and its members.
import { Construct } from "constructs";
import { DataOrganizationmanagerOsLoginMember } from "../l1/data-organizationmanager-os-login-member.js";
import { OrganizationmanagerOrganizationIamMember } from "../l1/organizationmanager-organization-iam-member.js";
import { OrganizationmanagerOsLoginSettings } from "../l1/organizationmanager-os-login-settings.js";
import { OrganizationmanagerUserSshKey } from "../l1/organizationmanager-user-ssh-key.js";
import { grantId, type IOsLoginPrincipal } from "./principal.js";
import { propNames, rejectUnknownProps } from "../strict-props.js";

export interface OsLoginOrganizationProps {
  /** The organization's id (organizations come from the directory, they are not created here). */
  readonly organizationId: string;
  /**
   * Allow login with short-lived SSH certificates issued by the organization (OS Login mode 1).
   * @default true
   */
  readonly sshCertificates?: boolean;
  /**
   * Allow login with user SSH keys uploaded to the organization (OS Login mode 2).
   * @default true
   */
  readonly userSshKeys?: boolean;
  /**
   * Let members upload their own SSH keys (only meaningful with userSshKeys).
   * @default true
   */
  readonly allowManageOwnKeys?: boolean;
}

const ORGANIZATION_PROPS = propNames<OsLoginOrganizationProps>()("organizationId", "sshCertificates", "userSshKeys", "allowManageOwnKeys");

export class OsLoginOrganization extends Construct {
  readonly organizationId: string;
  readonly settings: OrganizationmanagerOsLoginSettings;

  constructor(scope: Construct, id: string, props: OsLoginOrganizationProps) {
    super(scope, id);
    rejectUnknownProps(this, props, ORGANIZATION_PROPS);
    this.organizationId = props.organizationId;
    const userSshKeys = props.userSshKeys ?? true;
    this.settings = new OrganizationmanagerOsLoginSettings(this, "settings", {
      organizationId: props.organizationId,
      sshCertificateSettings: { enabled: props.sshCertificates ?? true },
      userSshKeySettings: { enabled: userSshKeys, allowManageOwnKeys: userSshKeys && (props.allowManageOwnKeys ?? true) },
    });
  }

  /** A member of the organization, found by email or OS Login login when the stack is planned. */
  member(id: string, query: { readonly email: string } | { readonly login: string }): OsLoginMember {
    return new OsLoginMember(this, id, { organization: this, ...query });
  }

  /** Grants an organization-wide role (e.g. "organization-manager.osLogins.viewer"). */
  grantRole(principal: IOsLoginPrincipal, role: string): OrganizationmanagerOrganizationIamMember {
    const id = grantId(role, principal);
    return (
      (this.node.tryFindChild(id) as OrganizationmanagerOrganizationIamMember | undefined) ??
      new OrganizationmanagerOrganizationIamMember(this, id, { organizationId: this.organizationId, role, member: principal.iamMember })
    );
  }
}

export interface OsLoginMemberProps {
  readonly organization: OsLoginOrganization;
  /**
   * Find the member by email (exactly one of email and login).
   * @default - not used
   */
  readonly email?: string;
  /**
   * Find the member by OS Login login (exactly one of email and login).
   * @default - not used
   */
  readonly login?: string;
}

const MEMBER_PROPS = propNames<OsLoginMemberProps>()("organization", "email", "login");

export interface OsLoginMemberSshKeyProps {
  /** The OpenSSH public key line. */
  readonly publicKey: string;
  /**
   * Name of the key.
   * @default - none
   */
  readonly name?: string;
  /**
   * When the key stops working (RFC 3339).
   * @default - never
   */
  readonly expiresAt?: string;
}

const SSH_KEY_PROPS = propNames<OsLoginMemberSshKeyProps>()("publicKey", "name", "expiresAt");

/** An organization member (a user from the directory), looked up with the os_login_member data source. */
export class OsLoginMember extends Construct implements IOsLoginPrincipal {
  readonly lookup: DataOrganizationmanagerOsLoginMember;
  private readonly organization: OsLoginOrganization;

  constructor(scope: Construct, id: string, props: OsLoginMemberProps) {
    super(scope, id);
    rejectUnknownProps(this, props, MEMBER_PROPS);
    this.organization = props.organization;
    this.lookup = new DataOrganizationmanagerOsLoginMember(this, "lookup", {
      organizationId: props.organization.organizationId,
      email: props.email,
      login: props.login,
    });
  }

  get subjectId(): string {
    return this.lookup.userId;
  }

  get iamMember(): string {
    return this.lookup.member;
  }

  /** The member's OS Login login (of the default profile). */
  get login(): string {
    return this.lookup.login;
  }

  /**
   * Uploads an SSH public key for the member (OS Login mode 2). It is created after the
   * organization's settings, since user keys must be on first.
   */
  addSshKey(id: string, props: OsLoginMemberSshKeyProps): OrganizationmanagerUserSshKey {
    const key = new OrganizationmanagerUserSshKey(this, id, {
      organizationId: this.organization.organizationId,
      subjectId: this.subjectId,
      data: props.publicKey,
      name: props.name,
      expiresAt: props.expiresAt,
      dependsOn: [this.organization.settings],
    });
    rejectUnknownProps(key, props, SSH_KEY_PROPS);
    return key;
  }
}
