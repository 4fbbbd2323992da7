"""scripts/cluster start | stop | status: the topology of scripts/topology.py."""

import argparse
import os
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from scripts.topology import ROOT, SERVICES, Cluster, TopologyError  # noqa: E402

RUN = ROOT / "var/cluster"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/surveys_cluster"


def start(arguments: argparse.Namespace) -> int:
    if (RUN / "state.json").exists() and Cluster.load(RUN).pids:
        print("The cluster is already running: scripts/cluster status (or stop).")
        return 1
    database = os.environ.get("CLUSTER_DATABASE_URL", DEFAULT_DATABASE)
    cluster = Cluster(RUN, database, workers=arguments.workers, threads=arguments.threads)
    try:
        cluster.start()
    except TopologyError as error:
        cluster.stop()
        print(f"Could not start the cluster: {error}", file=sys.stderr)
        return 1
    status(arguments)
    print((RUN / "admin.txt").read_text().strip())
    print(f"\nOpen {cluster.url}/ ; stop with scripts/cluster stop. Logs: {RUN}/")
    return 0


def stop(arguments: argparse.Namespace) -> int:
    if not (RUN / "state.json").exists():
        print("No cluster was started here.")
        return 0
    Cluster.load(RUN).stop()
    print("Stopped.")
    return 0


def status(arguments: argparse.Namespace) -> int:
    if not (RUN / "state.json").exists():
        print("No cluster was started here.")
        return 1
    cluster = Cluster.load(RUN)
    healthy = True
    for name in SERVICES:
        up = cluster.alive(name) and cluster.ready(name)
        healthy &= up
        port = cluster.ports.get(name)
        where = f"127.0.0.1:{port}" if port else ""
        print(f"{name:<10} {'up' if up else 'DOWN':<5} {where}")
    return 0 if healthy else 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/cluster", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    started = verbs.add_parser("start", help="start every service and wait until each answers")
    started.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    started.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    started.set_defaults(run=start)
    verbs.add_parser("stop", help="stop every service").set_defaults(run=stop)
    verbs.add_parser("status", help="which services answer").set_defaults(run=status)
    arguments = parser.parse_args()
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
