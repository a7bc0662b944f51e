"""Writes an apt sources.list (argv[1]) with every Debian source of this machine, again with the
non-free component (where NVIDIA's libcuda1 is), optionally for another architecture (argv[2])."""
import glob
import re
import sys

arch = f"arch={sys.argv[2]} " if len(sys.argv) > 2 and sys.argv[2] else ""
lines = []
for path in glob.glob("/etc/apt/sources.list.d/*.sources"):
    for stanza in re.split(r"\n\s*\n", open(path).read()):
        f = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            f[k.strip().lower()] = v.strip()
        if "deb" not in f.get("types", "").split() or not f.get("uris"):
            continue
        keyring = f.get("signed-by", "")
        opt = f" [{arch}signed-by={keyring}]" if keyring.startswith("/") else (f" [{arch.strip()}]" if arch else "")
        for uri in f["uris"].split():
            for suite in f.get("suites", "").split():
                lines.append(f"deb{opt} {uri} {suite} main non-free non-free-firmware")
for path in ["/etc/apt/sources.list"] + glob.glob("/etc/apt/sources.list.d/*.list"):
    try:
        for line in open(path):
            m = re.match(r"\s*deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
            if m and "debian" in m.group(2):
                opt = m.group(1) or ""
                if arch:
                    opt = f"[{arch}{opt.strip()[1:]} " if opt else f"[{arch.strip()}] "
                lines.append(f"deb {opt}{m.group(2)} {m.group(3)} main non-free non-free-firmware")
    except OSError:
        pass
if not lines:
    sys.exit("deps: no Debian source in /etc/apt: cannot fetch libcuda1; set LIBCUDA_SYS_LIB_DIR to a folder holding libcuda.so.1")
open(sys.argv[1], "w").write("\n".join(sorted(set(lines))) + "\n")
