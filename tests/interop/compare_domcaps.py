#!/usr/bin/env python3
"""Compare two <domainCapabilities> documents element by element.

usage: compare_domcaps.py CASE LIBVIRT.xml VIRTCAPS.xml KNOWN-DIFFERENCES.txt

The approach and the difference kinds are compare_host.py's (its flattening,
comparison and known-differences format are reused); only the keys of
repeated elements differ: <enum>, <mode> and <feature> by name, <section> by
node, loader <value>s and CPU <model>s by their text, so paths read like
  /domainCapabilities/cpu/mode[@name='custom']/model[.='EPYC']
Once the documents are element-identical their texts are compared too
(virsh prints one extra newline after the document; it is dropped).
Prints `interop domcaps CASE: N identical, M differ` and every difference.
Exit status: 0 if every difference is known, 1 otherwise, 2 on errors.
"""

import os
import signal
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_host as ch  # noqa: E402

ch.KEYS = {
    "enum": ("name",),
    "mode": ("name",),
    "feature": ("name",),
    "section": ("node",),
}
ch.TEXT_KEYED = {"value", "model"}
ch.CHILD_KEYED = {}


def load(path, label):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        ch.die(f"cannot parse {label} output {path}: {e}")
    if root.tag != "domainCapabilities":
        ch.die(f"{label} output {path}: root element is <{root.tag}>, not <domainCapabilities>")
    return ch.flatten(root, "/domainCapabilities", {})


def text(path):
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\n") + "\n"


def main(argv):
    if len(argv) != 5:
        ch.die("usage: compare_domcaps.py CASE LIBVIRT.xml VIRTCAPS.xml KNOWN-DIFFERENCES.txt")
    case, lv_path, vc_path, known_path = argv[1:]
    lv, vc = load(lv_path, "libvirt"), load(vc_path, "virtcaps")
    known = ch.load_known(known_path)
    diffs, status = ch.compare(lv, vc)
    if not diffs:
        d = ch.first_line_diff(text(lv_path), text(vc_path))
        if d is not None:
            diffs.append((f"/domainCapabilities(text line {d[0]})", "text", ch.qv(d[1]), ch.qv(d[2])))
    identical = sum(1 for s in status.values() if s)
    print(f"interop domcaps {case}: {identical} identical, {len(status) - identical} differ")
    return ch.report(diffs, known)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv))
