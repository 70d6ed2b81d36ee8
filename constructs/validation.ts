// App-wide synth-time rules: facts no single resource can check alone (two profiles with one uid,
// an OS Login VM in an organization whose settings let nobody in). Each error is reported on the
// construct at fault, says what is wrong and the fix; cdktf aggregates them with construct paths.
//
// The stack index is built once per validation pass (the stack validates before its children,
// and its validator drops the previous pass's index), so 10k resources cost O(n), not O(n^2).
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ENABLE_OSLOGIN_KEY, isTrueMetadata } from "../src/contract/rules.js";
import { isUnknown, type ObjectValue, type Value } from "../src/resources/define.js";
import { hasLiteralConfig } from "./l1/base.js";

interface StackIndex {
  /** "<org>\u0000uid\u0000<uid>" / "...login..." -> construct paths in creation order. */
  profileKeys: Map<string, string[]>;
  /** Literal OS Login settings in the stack: path and whether any access mode is on. */
  settings: { path: string; anyModeOn: boolean }[];
}

const INDEXED_TYPES = new Set(["yandex_organizationmanager_os_login_profile", "yandex_organizationmanager_os_login_settings"]);
const indexes = new WeakMap<TerraformStack, StackIndex>();
const hooked = new WeakSet<TerraformStack>();

const literal = (v: Value | undefined): v is string => typeof v === "string" && !isUnknown(v);
const blockEnabled = (v: Value | undefined): boolean | null => {
  const first = Array.isArray(v) ? (v[0] as ObjectValue | undefined) : undefined;
  if (!first) return false;
  if (isUnknown(first.enabled)) return null;
  return first.enabled === true;
};

/**
 * A resource moved away with moveTo()/moveToId(): cdktf synthesizes only its `moved` block, so it is
 * not a second object (the renamed construct it moved to is the one that exists). cdktf keeps that
 * flag private; reading it is the only way to know.
 */
const movedAway = (c: Construct): boolean => (c as unknown as { _hasMoved?: boolean })._hasMoved === true;

function buildIndex(stack: TerraformStack): StackIndex {
  const index: StackIndex = { profileKeys: new Map(), settings: [] };
  for (const c of stack.node.findAll()) {
    if (!hasLiteralConfig(c) || movedAway(c) || !INDEXED_TYPES.has((c as unknown as { terraformResourceType?: string }).terraformResourceType ?? "")) continue;
    const { type, config } = c.literalConfig();
    if (type === "yandex_organizationmanager_os_login_profile") {
      const org = literal(config.organization_id) ? config.organization_id : "";
      for (const field of ["uid", "login"] as const) {
        const v = config[field];
        if (!literal(v)) continue;
        const key = `${org}\u0000${field}\u0000${v}`;
        const list = index.profileKeys.get(key) ?? [];
        list.push(c.node.path);
        index.profileKeys.set(key, list);
      }
    } else if (type === "yandex_organizationmanager_os_login_settings") {
      const certs = blockEnabled(config.ssh_certificate_settings);
      const keys = blockEnabled(config.user_ssh_key_settings);
      // Unknown (a token) counts as possibly on: never report what we cannot know.
      index.settings.push({ path: c.node.path, anyModeOn: certs !== false || keys !== false });
    }
  }
  return index;
}

function indexOf(c: Construct): StackIndex {
  const stack = TerraformStack.of(c);
  let index = indexes.get(stack);
  if (!index) {
    index = buildIndex(stack);
    indexes.set(stack, index);
  }
  return index;
}

/** Registers the per-pass reset on the stack of a construct (once per stack). */
export function hookStack(c: Construct): void {
  const stack = TerraformStack.of(c);
  if (hooked.has(stack)) return;
  hooked.add(stack);
  stack.node.addValidation({
    validate: () => {
      indexes.delete(stack);
      return [];
    },
  });
}

function profileCollisions(c: Construct, config: ObjectValue): string[] {
  if (movedAway(c)) return [];
  const org = literal(config.organization_id) ? config.organization_id : "";
  const out: string[] = [];
  for (const field of ["uid", "login"] as const) {
    const v = config[field];
    if (!literal(v)) continue;
    const paths = indexOf(c).profileKeys.get(`${org}\u0000${field}\u0000${v}`) ?? [];
    const others = paths.filter((p) => p !== c.node.path);
    if (others.length === 0) continue;
    const fix =
      field === "uid"
        ? "give each OS Login profile its own uid, or omit uid to let the cloud allocate one"
        : "give each OS Login profile its own login";
    out.push(`OS Login ${field} ${v} is also used by ${others.join(", ")}${org ? ` in organization ${org}` : ""}: ${fix}`);
  }
  return out;
}

function osLoginVmWithoutModes(c: Construct, config: ObjectValue): string[] {
  const metadata = config.metadata;
  const flag = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as ObjectValue)[ENABLE_OSLOGIN_KEY] : undefined;
  if (!literal(flag) || !isTrueMetadata(flag)) return [];
  const settings = indexOf(c).settings;
  if (settings.length === 0 || settings.some((s) => s.anyModeOn)) return [];
  return [
    `OS Login is on for this VM (metadata ${ENABLE_OSLOGIN_KEY} = "${flag}") but the organization settings at ${settings
      .map((s) => s.path)
      .join(", ")} disable both SSH certificates and user SSH keys, so nobody can log in: enable ssh_certificate_settings or user_ssh_key_settings there`,
  ];
}

/** Rules by resource type, run by every L1 construct of that type with its normalized literal config. */
export const appRules: Record<string, (c: Construct, config: ObjectValue) => string[]> = {
  yandex_organizationmanager_os_login_profile: profileCollisions,
  yandex_compute_instance: osLoginVmWithoutModes,
};
