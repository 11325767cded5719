#!/usr/bin/env python3
"""monorepo.py GOV OUTGOV OUTAPP -- the workload of bench/suppressions.sh.

Copies the governance repo GOV (written by the bench kit's gen.py) to OUTGOV, listing each
service under `repositories: [acme/monorepo/services/<id>]`, and writes OUTAPP: a git
repository (origin acme/monorepo) with one suppression file per service, 10 entries each,
rotating through the seven formats. Of each file's entries, 8 name the service's Exceptions
(by id; expiring at the latest allowed day where the format has an expiry) and 2 name
nothing (in `.snyk`, whose ids are keys: 5 and 5), so the audit reports X001 for those.
Deterministic.
"""
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta

gov, out_gov, app = sys.argv[1:4]
shutil.rmtree(out_gov, ignore_errors=True)
shutil.copytree(gov, out_gov)

# Services, in the order of the ownership files.
services = []
for name in sorted(os.listdir(os.path.join(out_gov, "ownership"))):
    path = os.path.join(out_gov, "ownership", name)
    text = open(path).read()

    def listed(m):
        services.append(m.group(2))
        return f"{m.group(1)}      repositories: [acme/monorepo/services/{m.group(2)}]\n"

    text = re.sub(r"(    - id: (\S+)\n)(?=(?:      (?!layer).*\n)*      owners:)", listed, text)
    open(path, "w").write(text)

# Each service's Exceptions: finding id and expires.
findings = {s: [] for s in services}
for name in sorted(os.listdir(os.path.join(out_gov, "exceptions"))):
    text = open(os.path.join(out_gov, "exceptions", name)).read()
    svc = re.search(r"^  service: (\S+)$", text, re.M).group(1)
    fid = re.search(r"^(?:  finding: \{id: |    id: )([^,\s}]+)", text, re.M).group(1)
    exp = date.fromisoformat(re.search(r"^  expires: (\S+)$", text, re.M).group(1))
    findings[svc].append((fid, (exp + timedelta(days=1)).isoformat()))


def trivyignore(e):
    return "".join(f"{i} exp:{d}\n" if d else f"{i}\n" for i, d in e)


def trivy_yaml(e):
    return "vulnerabilities:\n" + "".join(
        f"  - id: {i}\n" + (f"    expired_at: {d}\n" if d else "") for i, d in e)


def osv(e):
    return "".join(
        f'[[IgnoredVulns]]\nid = "{i}"\n' + (f"ignoreUntil = {d}\n" if d else "") + "\n" for i, d in e)


def grype(e):
    return "ignore:\n" + "".join(f"  - vulnerability: {i}\n" for i, _ in e)


def snyk(e):
    return "version: v1.25.0\nignore:\n" + "".join(
        f"  {i}:\n    - '*':\n        reason: bench\n" + (f"        expires: {d}T00:00:00.000Z\n" if d else "")
        for i, d in e)


def deny(e):
    return "[advisories]\nignore = [\n" + "".join(f'    "{i}",\n' for i, _ in e) + "]\n"


def audit(e):
    return deny(e)


FORMATS = [(".trivyignore", trivyignore), (".trivyignore.yaml", trivy_yaml), ("osv-scanner.toml", osv),
           (".grype.yaml", grype), (".snyk", snyk), ("deny.toml", deny), (".cargo/audit.toml", audit)]

shutil.rmtree(app, ignore_errors=True)
os.makedirs(app)
entries = 0
for n, svc in enumerate(services):
    own = findings[svc]
    name, make = FORMATS[n % len(FORMATS)]
    # A .snyk id is a mapping key, so it appears once: more ids that nothing backs.
    backed = own if name == ".snyk" else (own * 2)[:8]
    # deny.toml reads ids that do not look like advisories as crates: keep CVE ids.
    unbacked = [(f"CVE-2099-{n:05d}{k}", None) for k in range(10 - len(backed))]
    rows = [(i, d) for i, d in backed + unbacked]
    path = os.path.join(app, "services", svc, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(make(rows))
    entries += len(rows)
    # Source files beside them, as a monorepo has.
    open(os.path.join(app, "services", svc, "main.py"), "w").write("print('hello')\n" * 20)
subprocess.run(["git", "init", "-q", app], check=True)
subprocess.run(["git", "-C", app, "remote", "add", "origin", "git@github.com:acme/monorepo.git"], check=True)
print(f"{len(services)} suppression files, {entries} entries")
