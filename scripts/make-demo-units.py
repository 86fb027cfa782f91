#!/usr/bin/env python3
"""make-demo-units.py - derive demo/hanoi-units-2025.tsv from the shared data.

Input: /work/shared/data/hanoi/hanoi_units_after_2025-07-01.json (or the
path given as the first argument): Hanoi's 126 commune-level units after the
1 July 2025 reform, from thanglequoc/vietnamese-provinces-database (MIT; see
demo/LICENSES-units.txt).  Output: one line per unit, "code<TAB>type<TAB>name",
type "phuong" or "xa", name in NFC with its unit word ("Phường Ba Đình").
src/demo.c reads it to seed the councils table (one HĐND per unit, valid
from 2025-07-01).  Lines starting with '#' are comments.  Deterministic:
sorted by code.  Also copies the data licences to demo/LICENSES-units.txt.
Usage: scripts/make-demo-units.py [JSON] [LICENSE_DIR]
"""
import json
import os
import sys
import unicodedata

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/hanoi/hanoi_units_after_2025-07-01.json"
lic_dir = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/data/LICENSES"

data = json.load(open(src, encoding="utf-8"))
assert data["Code"] == "01", "not the Hanoi file"
kinds = {"Phường": "phuong", "Xã": "xa"}
rows = []
for w in data["Wards"]:
    kind = kinds[w["AdministrativeUnitShortName"]]
    name = unicodedata.normalize("NFC", w["FullName"]).strip()
    code = w["Code"].strip()
    assert code.isdigit() and "\t" not in name and "\n" not in name
    rows.append((code, kind, name))
rows.sort()
assert len(rows) == 126, len(rows)

out = os.path.join(root, "demo", "hanoi-units-2025.tsv")
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write("# Hanoi commune-level units from 2025-07-01 (51 phường, 75 xã): code, type, name.\n")
    f.write("# Derived by scripts/make-demo-units.py from thanglequoc/vietnamese-provinces-database\n")
    f.write("# (tag v4.2.0, commit cd58063), MIT licence: see demo/LICENSES-units.txt.\n")
    for r in rows:
        f.write("\t".join(r) + "\n")

lic_out = os.path.join(root, "demo", "LICENSES-units.txt")
with open(lic_out, "w", encoding="utf-8", newline="\n") as f:
    f.write("Licences of the administrative-unit data in demo/hanoi-units-2025.tsv\n")
    f.write("(copied from the project's shared data set; the TSV itself derives from\n")
    f.write("thanglequoc/vietnamese-provinces-database, the dvhcvn licence travels with the set).\n")
    for name in sorted(os.listdir(lic_dir)):
        f.write("\n==== " + name + " ====\n\n")
        f.write(open(os.path.join(lic_dir, name), encoding="utf-8").read())
print(out)
print(lic_out)
