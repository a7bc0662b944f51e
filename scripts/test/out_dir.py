"""Reads cargo's JSON messages (stdin) and prints the OUT_DIR of the build script of the package
named in argv[1] (libcuda-sys, libcuda-sys-systest)."""
import json
import sys

package = sys.argv[1]
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "build-script-executed" and f"#{package}@" in m["package_id"]:
        print(m["out_dir"])
