#!/usr/bin/env python3
"""Checks the links of the repository's Markdown files: every relative link must name a file or
folder that exists, and every #anchor a heading (or an explicit id) of the file it points into,
with GitHub's rules for heading anchors. Web links (http, https, mailto) are not fetched, CI has no
network: they are counted as skipped. Exits 1, naming each broken link as FILE:LINE, when any is.

    python3 scripts/check_links.py [FILE.md ...]    (default: every *.md that git tracks or would
                                                     add, outside target/)

The rustdoc side of docs/manual.md (which src/lib.rs includes) is checked by
`RUSTDOCFLAGS="-D warnings" cargo doc`; its anchors follow the same rules for the headings used.
"""

import os
import re
import subprocess
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def markdown_files():
    """The repository's Markdown files, relative to ROOT."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
        files = [f for f in out.splitlines() if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for folder, dirs, names in os.walk(ROOT):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "target"]
            files += [os.path.relpath(os.path.join(folder, n), ROOT) for n in names if n.endswith(".md")]
    return sorted(f for f in files if not f.startswith("target/") and os.path.isfile(os.path.join(ROOT, f)))


def blank(text, start, end):
    """text with [start, end) replaced by spaces, newlines kept (so that line numbers stay)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def without_code(text):
    """The text with fenced code blocks, inline code spans and HTML comments blanked out."""
    lines = text.split("\n")
    fence = None
    for i, line in enumerate(lines):
        m = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            lines[i] = ""
        elif fence is not None:
            if re.match(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", line):
                fence = None
            lines[i] = ""
    text = "\n".join(lines)
    for m in reversed(list(re.finditer(r"<!--.*?-->", text, re.S))):
        text = blank(text, m.start(), m.end())
    # Code spans: a run of n backticks up to the next run of exactly n.
    i = 0
    while True:
        m = re.compile(r"`+").search(text, i)
        if not m:
            break
        n = len(m.group(0))
        close = re.compile(r"(?<!`)`{%d}(?!`)" % n).search(text, m.end())
        if not close:
            i = m.end()
            continue
        text = blank(text, m.start(), close.end())
        i = close.end()
    return text


def slug(heading):
    """GitHub's anchor for a heading's text: its rendered text lowercased, everything but letters,
    digits, `_`, `-` and spaces dropped, spaces turned into `-`."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = text.replace("`", "").replace("*", "").replace("~", "")
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path, cache={}):
    """Every anchor a Markdown file defines: its headings' slugs (repeats get -1, -2, ...) and the
    ids and names of its HTML elements."""
    if path in cache:
        return cache[path]
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    # Headings are read from the text without fenced blocks, but with their code spans.
    lines = raw.split("\n")
    fence = None
    headings = []
    for i, line in enumerate(lines):
        m = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if re.match(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", line):
                fence = None
            continue
        m = re.match(r"^ {0,3}#{1,6}(?:\s+(.*?))?\s*$", line)
        if m:
            headings.append(re.sub(r"\s+#+\s*$", "", m.group(1) or ""))
        elif re.match(r"^ {0,3}(=+|-+)\s*$", line) and i > 0 and lines[i - 1].strip() \
                and not re.match(r"^ {0,3}([-*+>|#]|\d+[.)]|`{3,}|~{3,})", lines[i - 1]):
            headings.append(lines[i - 1].strip())
    seen = {}
    found = set()
    for heading in headings:
        base = slug(heading)
        n = seen.get(base, 0)
        found.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    found.update(re.findall(r"<[a-zA-Z][^>]*\s(?:id|name)=[\"']([^\"']+)[\"']", without_code(raw)))
    cache[path] = found
    return found


def links(text):
    """(offset, destination) of every link and image and of every link reference definition."""
    found = []
    for m in re.finditer(r"\]\(", text):
        i, depth = m.end(), 0
        while i < len(text) and text[i] == " ":
            i += 1
        if i < len(text) and text[i] == "<":
            end = text.find(">", i)
            if end != -1:
                found.append((m.start(), text[i + 1:end]))
            continue
        start = i
        while i < len(text):
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            elif c.isspace():
                break
            i += 1
        if i > start:
            found.append((m.start(), text[start:i]))
    for m in re.finditer(r"(?m)^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?", text):
        found.append((m.start(), m.group(1)))
    for m in re.finditer(r"<((?:https?|mailto):[^>\s]+)>", text):
        found.append((m.start(), m.group(1)))
    return found


def main(argv):
    files = argv or markdown_files()
    broken, checked, anchored, external = [], 0, 0, []
    for name in files:
        path = os.path.join(ROOT, name)
        with open(path, encoding="utf-8") as f:
            text = without_code(f.read())
        for offset, dest in links(text):
            line = text.count("\n", 0, offset) + 1
            where = f"{name}:{line}"
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", dest):
                external.append(dest)
                continue
            target, _, fragment = dest.partition("#")
            target = urllib.parse.unquote(target)
            if target:
                base = ROOT if target.startswith("/") else os.path.dirname(path)
                target_path = os.path.normpath(os.path.join(base, target.lstrip("/")))
                checked += 1
                if not os.path.exists(target_path):
                    broken.append(f"{where}: {dest}: no file or folder {os.path.relpath(target_path, ROOT)}")
                    continue
            else:
                target_path = path
            if fragment:
                if not target_path.endswith(".md"):
                    continue  # an anchor into another kind of file (GitHub's line anchors): not checked
                anchored += 1
                fragment = urllib.parse.unquote(fragment)
                if fragment not in anchors(target_path):
                    known = sorted(anchors(target_path))
                    listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
                    broken.append(f"{where}: {dest}: no anchor #{fragment} in "
                                  f"{os.path.relpath(target_path, ROOT)} (it has: {listed})")
    for b in broken:
        print(f"broken link: {b}")
    print(f"check_links: {len(files)} files, {checked} relative links and {anchored} anchors checked, "
          f"{len(broken)} broken; {len(external)} web links skipped (not fetched)"
          + (f": {', '.join(sorted(set(external)))}" if external else ""))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
