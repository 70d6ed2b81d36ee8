// Versioned schema migrations, applied in order; PRAGMA user_version records the last one applied.
// Append new entries; never edit one that has shipped (data directories already ran it).
// Layout: entity tables keep the columns rules and lookups need (uniqueness, filters, foreign
// keys) plus `doc`, the entity as bigint-safe JSON (store/json.ts) in the API's shape.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "core schema",
    sql: `
      CREATE TABLE organizations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE users (
        id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id),
        email TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX users_org ON users(organization_id);
      CREATE TABLE groups (
        id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (organization_id, name));
      CREATE TABLE clouds (
        id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id), doc TEXT NOT NULL);
      CREATE TABLE folders (
        id TEXT PRIMARY KEY, cloud_id TEXT NOT NULL REFERENCES clouds(id), doc TEXT NOT NULL);

      CREATE TABLE os_login_settings (organization_id TEXT PRIMARY KEY REFERENCES organizations(id), doc TEXT NOT NULL);
      CREATE TABLE os_login_profiles (
        id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id),
        subject_id TEXT NOT NULL, login TEXT NOT NULL, uid INTEGER NOT NULL, is_default INTEGER NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (organization_id, login), UNIQUE (organization_id, uid));
      CREATE INDEX os_login_profiles_subject ON os_login_profiles(organization_id, subject_id);
      CREATE TABLE user_ssh_keys (
        id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id),
        subject_id TEXT NOT NULL, fingerprint TEXT NOT NULL, doc TEXT NOT NULL,
        UNIQUE (organization_id, subject_id, fingerprint));
      CREATE INDEX user_ssh_keys_subject ON user_ssh_keys(organization_id, subject_id);

      CREATE TABLE service_accounts (
        id TEXT PRIMARY KEY, folder_id TEXT NOT NULL REFERENCES folders(id), cloud_id TEXT NOT NULL,
        name TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (cloud_id, name));
      CREATE INDEX service_accounts_folder ON service_accounts(folder_id);
      CREATE TABLE service_account_keys (
        id TEXT PRIMARY KEY, service_account_id TEXT NOT NULL REFERENCES service_accounts(id), doc TEXT NOT NULL);
      CREATE INDEX service_account_keys_sa ON service_account_keys(service_account_id);
      CREATE TABLE iam_tokens (
        token_hash TEXT PRIMARY KEY, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, expires_at TEXT NOT NULL);

      CREATE TABLE instances (
        id TEXT PRIMARY KEY, folder_id TEXT NOT NULL REFERENCES folders(id), name TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX instances_folder ON instances(folder_id);

      CREATE TABLE access_bindings (
        resource_kind TEXT NOT NULL, resource_id TEXT NOT NULL, role_id TEXT NOT NULL,
        subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,
        PRIMARY KEY (resource_kind, resource_id, role_id, subject_type, subject_id));
      CREATE INDEX access_bindings_subject ON access_bindings(subject_type, subject_id);

      CREATE TABLE operations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, operation_id TEXT NOT NULL,
        before TEXT, after TEXT);
      CREATE INDEX audit_events_resource ON audit_events(resource_type, resource_id);
      CREATE TABLE idempotency_keys (
        key TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, operation_id TEXT NOT NULL,
        PRIMARY KEY (actor, key));

      CREATE TABLE ssh_certificate_authorities (
        organization_id TEXT PRIMARY KEY REFERENCES organizations(id), private_key TEXT NOT NULL,
        public_key TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE ssh_certificate_serials (organization_id TEXT PRIMARY KEY, next_serial INTEGER NOT NULL);
    `,
  },
  {
    version: 2,
    name: "authorizer lookup index, instance names and addresses",
    sql: `
      -- The authorizer asks "which roles does subject S hold on resource R" on every API call and
      -- every metadata login: one covering index answers it without touching the table.
      CREATE INDEX access_bindings_lookup ON access_bindings(subject_type, subject_id, resource_kind, resource_id, role_id);
      -- Instance names are unique per folder when set (an empty name is allowed and repeatable).
      CREATE UNIQUE INDEX instances_folder_name ON instances(folder_id, name) WHERE name != '';
      -- Addresses handed to instances: internal ones are unique per subnet (scope = subnet id),
      -- one-to-one NAT ones are unique in the whole emulator (scope = ''). ip is the IPv4 as an integer
      -- so allocation can find the next free one with an index range scan.
      CREATE TABLE instance_addresses (
        pool TEXT NOT NULL, scope TEXT NOT NULL, ip INTEGER NOT NULL,
        instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        PRIMARY KEY (pool, scope, ip));
      CREATE INDEX instance_addresses_instance ON instance_addresses(instance_id);
    `,
  },
  {
    version: 3,
    name: "OS Login profile count per organization",
    sql: `
      -- The 4,000-profiles-per-organization quota is checked on every create; COUNT(*) over the
      -- organization's index entries costs ~90 us at 3,000 profiles, a counter row costs one seek.
      -- Triggers keep it exact whoever writes the table (services, cascading deletes, tests).
      CREATE TABLE os_login_profile_counts (organization_id TEXT PRIMARY KEY, count INTEGER NOT NULL);
      INSERT INTO os_login_profile_counts (organization_id, count)
        SELECT organization_id, COUNT(*) FROM os_login_profiles GROUP BY organization_id;
      CREATE TRIGGER os_login_profiles_counted_insert AFTER INSERT ON os_login_profiles BEGIN
        INSERT INTO os_login_profile_counts (organization_id, count) VALUES (NEW.organization_id, 1)
          ON CONFLICT (organization_id) DO UPDATE SET count = count + 1;
      END;
      CREATE TRIGGER os_login_profiles_counted_delete AFTER DELETE ON os_login_profiles BEGIN
        UPDATE os_login_profile_counts SET count = count - 1 WHERE organization_id = OLD.organization_id;
      END;
    `,
  },
  {
    version: 4,
    name: "members by e-mail",
    sql: `
      -- The metadata endpoint maps the account name the guest agent sends back (authorize?email=,
      -- groups?email=) to the member on every login; without this it scans the organization.
      CREATE INDEX users_org_email ON users(organization_id, email);
    `,
  },
  {
    version: 5,
    name: "group membership index",
    sql: `
      -- The authorizer asks "which groups is S a member of" on every check. groups.doc holds the
      -- member list as JSON; scanning it costs ~170 us for 100 groups. Triggers derive an indexed
      -- copy from the doc, so whoever writes groups (seeding, tests) keeps it exact.
      CREATE TABLE group_members (
        member_id TEXT NOT NULL, group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        PRIMARY KEY (member_id, group_id)) WITHOUT ROWID;
      INSERT OR IGNORE INTO group_members (member_id, group_id)
        SELECT m.value, g.id FROM groups g, json_each(g.doc, '$.members') m;
      CREATE TRIGGER groups_members_insert AFTER INSERT ON groups BEGIN
        INSERT OR IGNORE INTO group_members (member_id, group_id)
          SELECT m.value, NEW.id FROM json_each(NEW.doc, '$.members') m;
      END;
      CREATE TRIGGER groups_members_update AFTER UPDATE OF doc ON groups BEGIN
        DELETE FROM group_members WHERE group_id = OLD.id;
        INSERT OR IGNORE INTO group_members (member_id, group_id)
          SELECT m.value, NEW.id FROM json_each(NEW.doc, '$.members') m;
      END;
    `,
  },
  {
    version: 6,
    name: "no second subject index on user SSH keys",
    sql: `
      -- UNIQUE (organization_id, subject_id, fingerprint) already serves lookups by organization and
      -- subject; the separate (organization_id, subject_id) index only cost every key create one
      -- more B-tree page to write (~15% of grouped key creates, bench/cloud). Listing a subject's
      -- keys in creation order now sorts its few keys (about 1 us more, bench/metadata).
      DROP INDEX user_ssh_keys_subject;
    `,
  },
  {
    version: 7,
    name: "idempotency keys remember their request",
    sql: `
      -- A digest of the request a key was first used with: the same key with another request is an
      -- error, not the first call's Operation. Keys stored before this have none and keep replaying.
      ALTER TABLE idempotency_keys ADD COLUMN request_digest TEXT;
    `,
  },
  {
    version: 8,
    name: "host keys a VM publishes on its serial console",
    sql: `
      -- The public host keys cloud-init prints to the serial console at first boot, one per line. Kept
      -- beside the instance (not in its doc) because no instance API returns them: only
      -- GetSerialPortOutput shows them, inside the boot text.
      CREATE TABLE instance_host_keys (
        instance_id TEXT PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
        keys TEXT NOT NULL,
        booted_at TEXT NOT NULL);
    `,
  },
];
