"""Make sure Debian's Chromium is there for the browser tests, installing it as root if not.

Playwright's own browser download does not work offline, so the tests drive
/usr/bin/chromium. Without it (and no way to install it) the browser tests are skipped
with a notice, unless REQUIRE_BROWSER=1 makes that a failure.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium for the browser tests…", file=sys.stderr)
        quiet = {"stdout": subprocess.DEVNULL}
        subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, **quiet)
    if os.path.exists(CHROMIUM):
        return 0
    if os.environ.get("REQUIRE_BROWSER") == "1":
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    print(f"NOTICE: {CHROMIUM} is missing; browser tests will be skipped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
