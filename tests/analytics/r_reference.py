"""Running R (Debian's r-base-core with r-cran-survey and r-cran-coin) as the reference the
statistics of version 2 are compared with. Tests using it are skipped without R unless
REQUIRE_R=1 (what .ci/run sets), which turns a missing R into a failure."""

import os
import shutil
import subprocess
from functools import cache

import pytest

R_PACKAGES = ("survey", "coin")


@cache
def _r_installed() -> bool:
    if shutil.which("Rscript") is None:
        return False
    loads = "; ".join(f"library({name})" for name in R_PACKAGES)
    return (
        subprocess.run(["Rscript", "-e", loads], capture_output=True, check=False).returncode == 0
    )


requires_r = pytest.mark.skipif(
    not _r_installed() and os.environ.get("REQUIRE_R") != "1",
    reason="R with survey and coin is not installed (apt-get install r-base-core "
    "r-cran-survey r-cran-coin); set REQUIRE_R=1 to fail instead",
)


def r_numbers(script: str, *arguments: str) -> list[list[float]]:
    """Run an R script; each line it prints is one list of numbers (NA → nan)."""
    completed = subprocess.run(
        ["Rscript", "-e", "options(digits = 15)\n" + script, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return [
        [float("nan") if value == "NA" else float(value) for value in line.split()]
        for line in completed.stdout.splitlines()
        if line.strip()
    ]
