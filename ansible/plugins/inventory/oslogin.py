# oslogin.kit.oslogin: Ansible's inventory plugin interface over oslogin-kit's inventory.
# All the cloud work (listing VMs, the SSH certificate, host keys into known_hosts, become where
# compute.osAdminLogin is held) stays in `oslogin-inventory --list`; this layer only runs it, adds its
# hosts and variables, and applies the constructed options and the cache that Ansible users know from
# other cloud inventory plugins.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: oslogin
short_description: OS Login VMs from oslogin-kit's inventory
description:
  - Runs C(oslogin-inventory --list) with the oslogin-kit inventory config and adds its hosts, host
    variables (login, private key, SSH certificate, known_hosts with strict host key checking) and,
    unless I(plain_groups=false), its groups.
  - keyed_groups, compose, groups and strict work as in other inventory plugins; the host variables
    oslogin_labels, oslogin_zone, oslogin_folder_id, oslogin_instance_name are there to key on.
  - The configuration file name must end in C(oslogin.yml) or C(oslogin.yaml).
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    required: true
    choices: ['oslogin.kit.oslogin', 'oslogin']
  config:
    description:
      - The oslogin-kit inventory config (see C(oslogin inventory --help)); relative to this file.
      - Passed to the command as OSLOGIN_INVENTORY_CONFIG.
      - A string, not a path option, because Ansible resolves path options against the working directory.
    type: str
    required: true
  command:
    description: The oslogin-kit inventory executable (and any leading arguments).
    type: list
    elements: str
    default: ['oslogin-inventory']
  plain_groups:
    description: Keep the groups the oslogin-kit inventory makes (oslogin, folder_*, zone_*, label_*).
    type: bool
    default: true
"""

EXAMPLES = r"""
# oslogin.yml
plugin: oslogin.kit.oslogin
config: oslogin-inventory.yml
keyed_groups:
  - key: oslogin_labels.role
    prefix: ''
    separator: ''
compose:
  ansible_host: ansible_host
cache: true
cache_timeout: 600
"""

import json
import os
import subprocess

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "oslogin.kit.oslogin"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(("oslogin.yml", "oslogin.yaml"))

    def _run_inventory(self, path):
        config = os.path.expanduser(self.get_option("config"))
        if not os.path.isabs(config):
            config = os.path.join(os.path.dirname(path), config)
        command = list(self.get_option("command")) + ["--list"]
        env = dict(os.environ, OSLOGIN_INVENTORY_CONFIG=config)
        try:
            run = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        except OSError as e:
            raise AnsibleParserError("oslogin: cannot run %s: %s (is oslogin-kit installed? set command:)" % (command[0], to_native(e)))
        stderr = to_text(run.stderr, errors="surrogate_or_strict").strip()
        if run.returncode != 0:
            raise AnsibleParserError("oslogin: %s failed: %s" % (" ".join(command), stderr or "exit %d" % run.returncode))
        if stderr:
            # Host key changes and VMs without published keys: the VM is named, ssh will refuse it.
            for line in stderr.splitlines():
                self.display.warning("oslogin: %s" % line)
        try:
            return json.loads(to_text(run.stdout, errors="surrogate_or_strict"))
        except ValueError as e:
            raise AnsibleParserError("oslogin: %s printed no JSON inventory: %s" % (" ".join(command), to_native(e)))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if data is None:
            data = self._run_inventory(path)
        if update_cache:
            self._cache[cache_key] = data

        self._populate(data)

    def _populate(self, data):
        hostvars = data.get("_meta", {}).get("hostvars", {})
        strict = self.get_option("strict")
        for host in sorted(hostvars):
            self.inventory.add_host(host)
            for key, value in hostvars[host].items():
                self.inventory.set_variable(host, key, value)
            variables = self.inventory.get_host(host).get_vars()
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)
        if self.get_option("plain_groups"):
            for group, body in sorted(data.items()):
                if group in ("_meta", "all", "ungrouped") or not isinstance(body, dict):
                    continue
                self.inventory.add_group(group)
                for host in body.get("hosts", []):
                    self.inventory.add_host(host, group=group)
