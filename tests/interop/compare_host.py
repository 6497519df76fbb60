#!/usr/bin/env python3
"""Compare the <host> sections of two libvirt capabilities documents.

usage: compare_host.py LIBVIRT.xml VIRTCAPS.xml KNOWN-DIFFERENCES.txt

Both documents are flattened into elements addressed by a path such as
  /host/topology/cells/cell[@id='0']/cpus/cpu[@id='1']
Repeated siblings are keyed by their identifying attributes (see KEYS) so that
one missing <feature> does not shift every following one; siblings without a
key fall back to a 1-based position.  Every element present in either document
is compared by its attributes and its text; the order of children is compared
too (libvirt's output order is part of the format).

Each difference has a path and a kind:
  value          /PATH/@attr or /PATH/text() differs (or exists on one side only)
  only-libvirt   element only in libvirt's output (reported at the subtree root)
  only-virtcaps  element only in ours (reported at the subtree root)
  order          /PATH/(children), /PATH/TAG(order) or /PATH/(attributes):
                 children or attributes in another order
  text           the <host> section is element-identical but not byte-identical

KNOWN-DIFFERENCES.txt holds lines `PATTERN KIND REASON...` where PATTERN is a
path in which `*` matches any characters, KIND is one of the kinds above or
`any`; `#` starts a comment.  Exit status: 0 if every difference is known,
1 if there is an unexpected one, 2 on usage or parse errors.
"""

import re
import signal
import sys
import xml.etree.ElementTree as ET

# Identifying attributes of repeated elements, by tag.  A tag not listed, or an
# element lacking one of the attributes, is keyed by position.
KEYS = {
    "feature": ("name",),
    "pages": ("size",),
    "cell": ("id",),
    "cpu": ("id",),
    "sibling": ("id",),
    "bank": ("level", "id", "type"),
    "control": ("type",),
    "node": ("id",),
    "baselabel": ("type",),
    "counter": ("name",),
    "cache": ("level",),
    "latency": ("initiator", "target", "cache", "type"),
    "bandwidth": ("initiator", "target", "cache", "type"),
    "domain": ("type",),
}
# Repeated elements keyed by their text, or by the text of a child.
TEXT_KEYED = {"uri_transport", "machine"}
CHILD_KEYED = {"secmodel": "model"}

KINDS = ("value", "only-libvirt", "only-virtcaps", "order", "text", "any")


def q(value):
    """Quote a value for a path predicate."""
    return "'" + value.replace("'", "&apos;") + "'"


def step_for(child, same_tag_count, position):
    tag = child.tag
    keys = KEYS.get(tag)
    if keys and all(k in child.attrib for k in keys):
        return tag + "".join(f"[@{k}={q(child.attrib[k])}]" for k in keys)
    if tag in TEXT_KEYED and (child.text or "").strip():
        return f"{tag}[.={q(child.text.strip())}]"
    if tag in CHILD_KEYED:
        sub = child.find(CHILD_KEYED[tag])
        if sub is not None and (sub.text or "").strip():
            return f"{tag}[{CHILD_KEYED[tag]}={q(sub.text.strip())}]"
    if same_tag_count > 1:
        return f"{tag}[{position}]"
    return tag


class Node:
    __slots__ = ("path", "elem", "tag", "attrs", "text", "children")

    def __init__(self, path, elem):
        self.path = path
        self.elem = elem
        self.tag = elem.tag
        self.attrs = dict(elem.attrib)
        self.text = (elem.text or "").strip()
        self.children = []  # list of (step, path) in document order


def flatten(elem, path, out):
    node = Node(path, elem)
    out[path] = node
    counts = {}
    for c in elem:
        counts[c.tag] = counts.get(c.tag, 0) + 1
    seen_pos = {}
    seen_steps = {}
    for c in elem:
        if not isinstance(c.tag, str):  # comments, processing instructions
            continue
        seen_pos[c.tag] = seen_pos.get(c.tag, 0) + 1
        step = step_for(c, counts[c.tag], seen_pos[c.tag])
        seen_steps[step] = seen_steps.get(step, 0) + 1
        if seen_steps[step] > 1:  # duplicate key: disambiguate by occurrence
            step = f"{step}[{seen_steps[step]}]"
        child_path = f"{path}/{step}"
        node.children.append((c.tag, child_path))
        flatten(c, child_path, out)
    return out


def load(path, label):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        die(f"cannot parse {label} output {path}: {e}")
    if root.tag != "capabilities":
        die(f"{label} output {path}: root element is <{root.tag}>, not <capabilities>")
    host = root.find("host")
    if host is None:
        die(f"{label} output {path}: no <host> element")
    return flatten(host, "/host", {})


def host_text(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # From the document start through </host> and the blank line after it.
    m = re.match(r"(?:<\?xml[^>]*\?>\n)?<capabilities>\n.*?^  </host>\n\n?", text, re.S | re.M)
    return m.group(0) if m else text


def qv(v):
    """A value for a report: quoted, or None when absent."""
    if v is None:
        return None
    return f'"{v}"' if "'" in v else f"'{v}'"


def first_line_diff(ta, tb):
    """(1-based line, line of ta, line of tb) where two texts first differ."""
    if ta == tb:
        return None
    la, lb = ta.split("\n"), tb.split("\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x != y:
            return (i + 1, x, y)
    return (len(la), None, None)


def xml_escape(v):
    return (v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace("'", "&apos;").replace('"', "&quot;"))


def serialize(elem, depth, out):
    ind = "  " * depth
    attrs = "".join(f" {k}='{xml_escape(v)}'" for k, v in elem.attrib.items())
    text = (elem.text or "").strip()
    kids = [c for c in elem if isinstance(c.tag, str)]
    if kids:
        out.append(f"{ind}<{elem.tag}{attrs}>\n")
        for c in kids:
            serialize(c, depth + 1, out)
        out.append(f"{ind}</{elem.tag}>\n")
    elif text:
        out.append(f"{ind}<{elem.tag}{attrs}>{xml_escape(text)}</{elem.tag}>\n")
    else:
        out.append(f"{ind}<{elem.tag}{attrs}/>\n")


def libvirt_style(host):
    """The document up to </host> as libvirt would print this <host> tree:
    two-space indent, single quotes, empty elements self-closed, a blank line
    after <capabilities> and after </host>."""
    out = ["<capabilities>\n", "\n"]
    serialize(host, 1, out)
    out.append("\n")
    return "".join(out)


def die(msg):
    print(f"compare_host: error: {msg}", file=sys.stderr)
    sys.exit(2)


def load_known(path):
    known = []
    try:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split(None, 2)
                if len(parts) < 3:
                    die(f"{path}:{lineno}: expected 'PATTERN KIND REASON'")
                pattern, kind, reason = parts
                if kind not in KINDS:
                    die(f"{path}:{lineno}: unknown kind '{kind}' (one of {', '.join(KINDS)})")
                regex = re.compile(".*".join(re.escape(p) for p in pattern.split("*")) + r"\Z")
                known.append((regex, kind, reason, pattern))
    except OSError as e:
        die(f"cannot read known differences {path}: {e}")
    return known


def fmt(v):
    return "(absent)" if v is None else v


def describe(node, limit=160):
    """Compact one-line XML of an element and its subtree, for reports."""
    text = ET.tostring(node.elem, encoding="unicode", short_empty_elements=True)
    text = re.sub(r">\s+<", "><", text.strip())
    text = text.replace('"', "'").replace(" />", "/>")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare(lv, vc):
    diffs = []  # (path, kind, libvirt value, virtcaps value)
    status = {}  # element path -> True if identical

    all_paths = list(lv.keys()) + [p for p in vc.keys() if p not in lv]
    for path in all_paths:
        a, b = lv.get(path), vc.get(path)
        if a is None or b is None:
            status[path] = False
            parent = path.rsplit("/", 1)[0]
            if parent in lv and parent in vc:  # report subtree roots only
                if a is not None:
                    diffs.append((path, "only-libvirt", describe(a), None))
                else:
                    diffs.append((path, "only-virtcaps", None, describe(b)))
            continue
        same = True
        for k in list(a.attrs) + [k for k in b.attrs if k not in a.attrs]:
            va, vb = a.attrs.get(k), b.attrs.get(k)
            if va != vb:
                same = False
                diffs.append((f"{path}/@{k}", "value", qv(va), qv(vb)))
        oa = [k for k in a.attrs if k in b.attrs]
        ob = [k for k in b.attrs if k in a.attrs]
        if oa != ob:
            same = False
            diffs.append((f"{path}/(attributes)", "order", " ".join(oa), " ".join(ob)))
        if a.text != b.text:
            same = False
            diffs.append((f"{path}/text()", "value", qv(a.text or None), qv(b.text or None)))

        # Order of the children both documents have.
        ca = [p for _, p in a.children if p in vc]
        cb = [p for _, p in b.children if p in lv]
        if ca != cb:
            same = False

            def runs(seq):
                out = []
                for p in seq:
                    tag = lv[p].tag
                    if not out or out[-1] != tag:
                        out.append(tag)
                return out

            ra, rb = runs(ca), runs(cb)
            if ra != rb:
                diffs.append((f"{path}/(children)", "order", " ".join(ra), " ".join(rb)))
            for tag in dict.fromkeys(lv[p].tag for p in ca):
                sa = [p.rsplit("/", 1)[1] for p in ca if lv[p].tag == tag]
                sb = [p.rsplit("/", 1)[1] for p in cb if lv[p].tag == tag]
                if sa != sb:
                    diffs.append((f"{path}/{tag}(order)", "order", " ".join(sa), " ".join(sb)))
        status[path] = same
    return diffs, status


def main(argv):
    if len(argv) == 5 and argv[4] == "--guests":
        return compare_guests(argv, load_known(argv[3]))
    if len(argv) != 4:
        die("usage: compare_host.py LIBVIRT.xml VIRTCAPS.xml KNOWN-DIFFERENCES.txt [--guests]")
    lv = load(argv[1], "libvirt")
    vc = load(argv[2], "virtcaps")
    known = load_known(argv[3])

    diffs, status = compare(lv, vc)

    # 1. Formatting: each document's text must be exactly what libvirt's
    #    serializer makes of its own tree (this holds whatever the content).
    style_notes = []
    for label, path, flat in (("libvirt", argv[1], lv), ("virtcaps", argv[2], vc)):
        d = first_line_diff(libvirt_style(flat["/host"].elem), host_text(path))
        if d is None:
            style_notes.append(f"{label} ok")
        elif label == "libvirt":
            # Our model of libvirt's style is wrong: say so, but do not fail.
            style_notes.append(f"libvirt itself deviates at line {d[0]} (checker needs fixing)")
        else:
            style_notes.append(f"virtcaps deviates at line {d[0]}")
            diffs.append((f"/host(format, line {d[0]} of the document)", "text", qv(d[1]), qv(d[2])))

    # 2. Element-identical (uuid aside): then the texts must be identical too.
    text_note = "skipped (element differences first)"
    if all(d[0].startswith("/host/uuid") for d in diffs):
        text_note = "identical"
        ta = re.sub(r"<uuid>[^<]*</uuid>", "<uuid/>", host_text(argv[1]))
        tb = re.sub(r"<uuid>[^<]*</uuid>", "<uuid/>", host_text(argv[2]))
        d = first_line_diff(ta, tb)
        if d is not None:
            diffs.append((f"/host(text line {d[0]} of the document)", "text", qv(d[1]), qv(d[2])))
            text_note = f"differs at line {d[0]}"

    identical = sum(1 for s in status.values() if s)
    differ = len(status) - identical
    print(f"interop host: {identical} elements identical, {differ} differ")

    unexpected = []
    by_reason = {}
    for d in diffs:
        path, kind = d[0], d[1]
        for regex, kkind, reason, _ in known:
            if (kkind == "any" or kkind == kind) and regex.match(path):
                by_reason.setdefault(reason, []).append(d)
                break
        else:
            unexpected.append(d)

    def show(d):
        path, kind, a, b = d
        print(f"  {kind:13} {path}  libvirt={fmt(a)}  virtcaps={fmt(b)}")

    print(f"libvirt XML style up to </host>: {', '.join(style_notes)}")
    print(f"byte-for-byte text up to </host> (uuid masked): {text_note}")
    print(f"differences: {len(diffs)} ({len(diffs) - len(unexpected)} known, {len(unexpected)} unexpected)")
    if unexpected:
        print("UNEXPECTED differences (not in known-differences.txt):")
        for d in unexpected:
            show(d)
    for reason, ds in by_reason.items():
        print(f"known ({reason}): {len(ds)}")
        for d in ds:
            show(d)
    return 1 if unexpected else 0


def load_guests(path, label):
    """The <guest> elements, each flattened under /guest[@arch='NAME']."""
    root = ET.parse(path).getroot()
    out, order = {}, []
    for g in root.findall("guest"):
        arch = g.find("arch")
        name = arch.get("name") if arch is not None else "?"
        gpath = f"/guest[@arch={q(name)}]"
        order.append(gpath)
        flatten(g, gpath, out)
    return out, order


def guests_text(path):
    """From the first <guest> through the blank line after the last."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^  <guest>\n.*^  </guest>\n\n", text, re.S | re.M)
    return m.group(0) if m else ""


def compare_guests(argv, known):
    """The <guest> sections: same guests in the same order, each compared
    element by element; byte for byte once they are element-identical."""
    lv, lorder = load_guests(argv[1], "libvirt")
    vc, vorder = load_guests(argv[2], "virtcaps")
    diffs, status = compare(lv, vc)
    for p in lorder:
        if p not in vc:
            diffs.append((p, "only-libvirt", describe(lv[p]), None))
    for p in vorder:
        if p not in lv:
            diffs.append((p, "only-virtcaps", None, describe(vc[p])))
    common_l = [p for p in lorder if p in vc]
    common_v = [p for p in vorder if p in lv]
    if common_l != common_v:
        diffs.append(("/guest(order)", "order", " ".join(common_l), " ".join(common_v)))
    text_note = "skipped (element differences first)"
    if not diffs:
        d = first_line_diff(guests_text(argv[1]), guests_text(argv[2]))
        text_note = "identical" if d is None else f"differs at line {d[0]}"
        if d is not None:
            diffs.append((f"/guest(text line {d[0]})", "text", qv(d[1]), qv(d[2])))
    identical = sum(1 for s in status.values() if s)
    print(f"interop guests: {len(lorder)} libvirt, {len(vorder)} virtcaps; "
          f"{identical} elements identical, {len(status) - identical} differ")
    print(f"byte-for-byte text of the <guest> sections: {text_note}")
    return report(diffs, known)


def report(diffs, known):
    unexpected, by_reason = [], {}
    for d in diffs:
        for regex, kkind, reason, _ in known:
            if (kkind == "any" or kkind == d[1]) and regex.match(d[0]):
                by_reason.setdefault(reason, []).append(d)
                break
        else:
            unexpected.append(d)

    def cut(v):
        v = fmt(v)
        return v if len(v) <= 200 else v[:200] + "..."

    def show(d):
        path, kind, a, b = d
        print(f"  {kind:13} {path}  libvirt={cut(a)}  virtcaps={cut(b)}")

    print(f"differences: {len(diffs)} ({len(diffs) - len(unexpected)} known, {len(unexpected)} unexpected)")
    if unexpected:
        print("UNEXPECTED differences (not in known-differences.txt):")
        for d in unexpected:
            show(d)
    for reason, ds in by_reason.items():
        print(f"known ({reason}): {len(ds)}")
        for d in ds[:12]:
            show(d)
        if len(ds) > 12:
            print(f"  ... and {len(ds) - 12} more")
    return 1 if unexpected else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped to head
    sys.exit(main(sys.argv))
