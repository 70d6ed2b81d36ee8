// Emulator-only routes (not in the real API), under /emulator/v1: seeding the directory (members
// come from a directory, not from Terraform), creating single directory entries, issuing an IAM
// token for a member (so tests and `oslogin` can act as that member), and listing audit events.
// The model restricts all of these to the admin token.
import type { AuditService, ListAuditEventsRequest } from "../../../model/audit.js";
import type { DirectoryService } from "../../../model/directory.js";
import type { IamTokenService } from "../../../model/iam-tokens.js";
import type { SerialPortService } from "../../../model/serial-port.js";
import type { Subject } from "../../../model/types.js";
import { errors } from "../../../../contract/errors.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";
import { arrayOf, isPlainObject, object, required, string } from "../schema.js";
import { callOpts, listJson, PAGE_FIELDS } from "./common.js";

export const EMULATOR_BASE = "/emulator/v1";

const YAML_TYPES = new Set(["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"]);

interface CreateOrganizationBody {
  id?: string;
  name: string;
  title?: string;
}
interface CreateMemberBody {
  id?: string;
  name: string;
  email: string;
}
interface CreateGroupBody {
  id?: string;
  name: string;
  members?: string[];
}
interface CreateNamedBody {
  id?: string;
  name: string;
}

type AuditQuery = Omit<ListAuditEventsRequest, "pageSize"> & { pageSize?: bigint };
const auditQuery = object<AuditQuery>({ resourceType: string, resourceId: string, ...PAGE_FIELDS });

export function emulatorRoutes(directory: DirectoryService, audit: AuditService, iamTokens: IamTokenService, serialPorts: SerialPortService): Route[] {
  // The model refuses every one of these to a non-admin as well; marking them adminOnly makes the
  // gateway refuse before it parses a body the caller may not send.
  return adminOnly([
    route<unknown, { subject: Subject }>({
      // A token for a member or service account without a JWT: {"subject": {"type": "userAccount", "id": "..."}}.
      method: "POST",
      path: `${EMULATOR_BASE}/iamTokens`,
      body: object<{ subject: Subject }>({ subject: required(object<Subject>({ type: required(string), id: required(string) })) }),
      handle: (ctx) => iamTokens.issueFor(ctx.caller, ctx.body),
    }),
    route<unknown, { hostKeys: string[] }>({
      // The SSH host keys a VM has (its /etc/ssh/ssh_host_*_key.pub lines): what its serial console then shows.
      method: "POST",
      path: `${EMULATOR_BASE}/instances/{instanceId}:setHostKeys`,
      body: object<{ hostKeys: string[] }>({ hostKeys: required(arrayOf(string)) }),
      handle: (ctx) => serialPorts.setHostKeys(ctx.caller, { instanceId: ctx.params.instanceId, hostKeys: ctx.body.hostKeys }),
    }),
    route<AuditQuery>({
      method: "GET",
      path: `${EMULATOR_BASE}/auditEvents`,
      query: auditQuery,
      handle: (ctx) => listJson("auditEvents", audit.list(ctx.caller, ctx.query)),
    }),
    route({
      // The seed document as YAML (Content-Type application/yaml or text/yaml) or JSON (anything else).
      method: "POST",
      path: `${EMULATOR_BASE}/seed`,
      body: "text",
      handle: (ctx) => {
        if (YAML_TYPES.has(ctx.contentType)) return directory.seedFromYaml(ctx.text, ctx.caller, callOpts(ctx));
        let doc: unknown;
        try {
          doc = JSON.parse(ctx.text);
        } catch {
          throw errors.invalidArgument("body", "is not valid JSON (send YAML with Content-Type: application/yaml)");
        }
        if (!isPlainObject(doc)) throw errors.invalidArgument("body", "must be a seed document object");
        return directory.seed(doc, ctx.caller, callOpts(ctx));
      },
    }),
    route<unknown, CreateOrganizationBody>({
      method: "POST",
      path: `${EMULATOR_BASE}/organizations`,
      body: object<CreateOrganizationBody>({ id: string, name: required(string), title: string }),
      handle: (ctx) => operationJson(directory.createOrganization(ctx.caller, ctx.body, callOpts(ctx))),
    }),
    route<unknown, CreateMemberBody>({
      method: "POST",
      path: `${EMULATOR_BASE}/organizations/{organizationId}/members`,
      body: object<CreateMemberBody>({ id: string, name: required(string), email: required(string) }),
      handle: (ctx) =>
        operationJson(
          directory.createMember(ctx.caller, { ...ctx.body, organizationId: ctx.params.organizationId }, callOpts(ctx)),
        ),
    }),
    route<unknown, CreateGroupBody>({
      method: "POST",
      path: `${EMULATOR_BASE}/organizations/{organizationId}/groups`,
      body: object<CreateGroupBody>({ id: string, name: required(string), members: arrayOf(string) }),
      handle: (ctx) =>
        operationJson(
          directory.createGroup(ctx.caller, { ...ctx.body, organizationId: ctx.params.organizationId }, callOpts(ctx)),
        ),
    }),
    route<unknown, CreateNamedBody>({
      method: "POST",
      path: `${EMULATOR_BASE}/organizations/{organizationId}/clouds`,
      body: object<CreateNamedBody>({ id: string, name: required(string) }),
      handle: (ctx) =>
        operationJson(
          directory.createCloud(ctx.caller, { ...ctx.body, organizationId: ctx.params.organizationId }, callOpts(ctx)),
        ),
    }),
    route<unknown, CreateNamedBody>({
      method: "POST",
      path: `${EMULATOR_BASE}/clouds/{cloudId}/folders`,
      body: object<CreateNamedBody>({ id: string, name: required(string) }),
      handle: (ctx) =>
        operationJson(directory.createFolder(ctx.caller, { ...ctx.body, cloudId: ctx.params.cloudId }, callOpts(ctx))),
    }),
  ]);
}

const adminOnly = (routes: Route[]): Route[] => routes.map((r) => ({ ...r, adminOnly: true }));
