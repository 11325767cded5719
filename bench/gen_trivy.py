#!/usr/bin/env python3
"""gen_trivy.py VULNS OUT [GOVDIR SERVICE] -- a deterministic Trivy JSON report (SchemaVersion 2).

VULNS vulnerability entries with the fields Trivy writes (PkgIdentifier, Layer, DataSource,
CVSS, References, ...), pretty-printed as `trivy image -f json` does: 100,000 entries make about 150 MB.
Ids repeat across packages as in real images (one CVE in libssl and libcrypto). With GOVDIR
and SERVICE, the finding ids of that service's records in a governance repo written by the
benchmark kit's gen.py are mixed in, so that part of the report is tracked.
"""
import json
import random
import re
import sys
from pathlib import Path

PKGS = ["openssl", "libcrypto3", "libssl3", "zlib", "curl", "libcurl", "busybox", "musl",
        "expat", "libxml2", "sqlite-libs", "ncurses-libs", "pcre2", "libgcrypt", "gnutls",
        "krb5-libs", "libtasn1", "glib", "python3", "perl", "git", "nghttp2-libs", "c-ares"]
SEVERITIES = ["CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "UNKNOWN"]
WORDS = ("buffer overflow use after free out-of-bounds read integer overflow in the parser "
         "allows remote attackers to cause a denial of service or possibly execute arbitrary "
         "code via a crafted request when the library handles untrusted input").split()


def governance_ids(gov, service):
    """Finding ids of SERVICE's Exceptions and Remediations in a gen.py repository."""
    ids = []
    for sub in ("exceptions", "remediations"):
        for f in sorted((Path(gov) / sub).glob("*.yaml")):
            text = f.read_text()
            if f"\n  service: {service}\n" not in text:
                continue
            m = re.search(r"finding: \{id: ([^,}]+)", text) or re.search(r"\n    id: (\S+)", text)
            if m:
                ids.append(m.group(1))
    return ids


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    tracked = governance_ids(sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else []
    r = random.Random(f"foureyes-bench-trivy/{n}")
    pool = [f"CVE-{r.choice([2021, 2022, 2023, 2024, 2025])}-{r.randint(1000, 99999)}"
            for _ in range(max(1, n // 5))]
    vulns = []
    vendor_ids = {}  # a CVE has the same distribution advisory wherever it appears
    for i in range(n):
        vid = tracked[i] if i < len(tracked) else r.choice(pool)
        pkg = r.choice(PKGS)
        ver = f"{r.randint(1, 3)}.{r.randint(0, 20)}.{r.randint(0, 9)}-r{r.randint(0, 5)}"
        fixed = f"{ver.split('-')[0]}-r{r.randint(6, 9)}"
        score = round(r.uniform(1.0, 10.0), 1)
        desc = " ".join(r.choice(WORDS) for _ in range(r.randint(6, 18)))
        v = {
            "VulnerabilityID": vid,
            "VendorIDs": vendor_ids.setdefault(vid, [f"DSA-{4000 + len(vendor_ids)}-1"] if r.random() < 0.2 else None),
            "PkgID": f"{pkg}@{ver}",
            "PkgName": pkg,
            "PkgIdentifier": {"PURL": f"pkg:apk/alpine/{pkg}@{ver}?arch=x86_64&distro=3.19.1",
                              "UID": f"{r.getrandbits(64):016x}"},
            "InstalledVersion": ver,
            "FixedVersion": fixed,
            "Status": "fixed",
            "Layer": {"Digest": f"sha256:{r.getrandbits(256):064x}"},
            "SeveritySource": "nvd",
            "PrimaryURL": f"https://avd.aquasec.com/nvd/{vid.lower()}",
            "DataSource": {"ID": "alpine", "Name": "Alpine Secdb",
                           "URL": "https://secdb.alpinelinux.org/"},
            "Title": f"{pkg}: {' '.join(desc.split()[:6])}",
            "Description": desc,
            "Severity": r.choice(SEVERITIES),
            "CweIDs": [f"CWE-{r.randint(20, 900)}"],
            "VendorSeverity": {"nvd": r.randint(1, 4), "redhat": r.randint(1, 4)},
            "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                             "V3Score": score}},
            "References": [f"https://nvd.nist.gov/vuln/detail/{vid}"],
            "PublishedDate": "2024-03-12T18:15:00Z",
            "LastModifiedDate": "2024-06-10T17:16:00Z",
        }
        if v["VendorIDs"] is None:
            del v["VendorIDs"]
        vulns.append(v)
    targets = 4
    per = (n + targets - 1) // targets
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-11-15T08:00:00.000000000Z",
        "ArtifactName": "registry.example.com/payments-api:1.42.0",
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "alpine", "Name": "3.19.1"},
                     "ImageID": f"sha256:{r.getrandbits(256):064x}",
                     "RepoTags": ["registry.example.com/payments-api:1.42.0"]},
        "Results": [
            {"Target": f"registry.example.com/payments-api:1.42.0 (layer {t})",
             "Class": "os-pkgs", "Type": "alpine",
             "Vulnerabilities": vulns[t * per:(t + 1) * per]}
            for t in range(targets)
        ],
    }
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
