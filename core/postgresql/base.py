"""Django's PostgreSQL backend, with a health check that asks the operating system instead
of the server.

With ``CONN_HEALTH_CHECKS`` (config.env sets it), Django checks a persistent connection
before each request uses it, by sending ``SELECT 1``: one more round trip on every request,
through PgBouncer on the topology, for a connection that is almost always fine. A server
that goes away tells its clients: PostgreSQL sends an error ("terminating connection due to
administrator command") and closes the socket when it shuts down or a backend is
terminated, PgBouncer closes its clients' sockets when it stops, and a reset connection is
an error on the socket. Between two requests a healthy connection has nothing to read, since
psycopg2 reads every reply to the end; so a socket with something to read, or an error, or a
connection psycopg2 has seen fail, is not used again, and Django opens a new one. That costs
a system call, not a round trip (docs/benchmarks.md, "One round trip fewer").

What this cannot see, a server that vanished without a word (its machine lost power), the
``SELECT 1`` would only have found after a network time-out too; the request then fails,
gets the 503 of core.outage, and Django drops the connection (``errors_occurred``).
Written by hand: neither Django nor psycopg2 has a check without a round trip; Go's pgx
(``PgConn.CheckConn``) and Vitess (``mysql.ConnCheck``) check their pooled connections the
same way, by looking at the socket without writing to it.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        waiting = select.poll()
        waiting.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return not waiting.poll(0)
