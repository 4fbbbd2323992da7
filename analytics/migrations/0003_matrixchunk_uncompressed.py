"""Store matrix chunks uncompressed on PostgreSQL.

Encoded answers barely compress, but TOAST's pglz still tries on every rewrite of the
newest chunk, which measured 170–240 ms of a 1,000-response refresh at 1M responses.
"""

from django.db import migrations


def uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE analytics_matrixchunk ALTER COLUMN data SET STORAGE EXTERNAL"
        )


def compressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE analytics_matrixchunk ALTER COLUMN data SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0002_staff_groups")]

    operations = [migrations.RunPython(uncompressed, compressed)]
