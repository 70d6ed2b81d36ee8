#!/usr/bin/python3
# sshd's AuthorizedPrincipalsCommand for an OS Login VM whose guest agent has no certificate support
# of its own (google-compute-engine-oslogin 20210907 ships no google_authorized_principals).
#
#   AuthorizedPrincipalsCommand /usr/local/sbin/oslogin_authorized_principals %u
#   AuthorizedPrincipalsCommandUser nobody
#
# sshd accepts a certificate from TrustedUserCAKeys only when one of its principals is a line this
# command prints. It prints the login, once, only when the VM's metadata server says, on this very
# connection, that the login is an OS Login user (users?username=, 200) and that this user may log in
# here (authorize?policy=login answers {"success": true}). Everything else prints nothing: a 404, a
# refusal, any other status, a redirect, a body that is not what the agent expects, a timeout, a
# server that is not there. So a revoked member's certificate is refused even when the user still
# resolves through the agent's NSS cache, and even on a VM whose sshd does not use PAM.
#
# Python 3 standard library only: an OS Login image has python3, not node.
import http.client
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = "http://169.254.169.254/computeMetadata/v1/oslogin/"
# What the agent allows: the same pattern pam_oslogin_login checks, and its 5 s per request.
LOGIN = re.compile(r"^[a-zA-Z0-9._][a-zA-Z0-9._-]{0,31}$")
TIMEOUT_SECONDS = 5


class Denied(Exception):
    """The metadata server said no, or gave no answer that can be trusted as a yes."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A metadata server never redirects; following one would ask someone else.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxy from the environment (sshd scrubs it anyway) and no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def get_json(path_and_query):
    request = urllib.request.Request(BASE + path_and_query, headers={"Metadata-Flavor": "Google"})
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            if response.status != 200:
                raise Denied("%s answered %d" % (path_and_query.split("?")[0], response.status))
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        raise Denied("%s answered %d" % (path_and_query.split("?")[0], e.code))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
        raise Denied("%s: %s" % (path_and_query.split("?")[0], e))


def may_log_in(login):
    users = get_json("users?username=" + urllib.parse.quote(login, safe=""))
    try:
        profile = users["loginProfiles"][0]
        name = profile["name"]
        username = profile["posixAccounts"][0]["username"]
    except (KeyError, IndexError, TypeError):
        raise Denied("users: not an OS Login profile")
    # The profile must be this login's: a server answering for someone else is not a yes.
    if not isinstance(name, str) or not name or username != login:
        raise Denied("users: the profile is not %s's" % login)
    answer = get_json("authorize?email=%s&policy=login" % urllib.parse.quote(name, safe=""))
    # Exactly the JSON boolean true, as the agent requires; "true", 1 or a missing field are no.
    return isinstance(answer, dict) and answer.get("success") is True


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: %s LOGIN  (sshd: AuthorizedPrincipalsCommand ... %%u)\n" % argv[0])
        return 2
    login = argv[1]
    if not LOGIN.match(login):
        return 0
    try:
        allowed = may_log_in(login)
    except Denied as e:
        # sshd discards this unless it logs at DEBUG; nothing printed on stdout is the refusal.
        sys.stderr.write("oslogin_authorized_principals: %s: %s\n" % (login, e))
        return 0
    if allowed:
        sys.stdout.write(login + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
