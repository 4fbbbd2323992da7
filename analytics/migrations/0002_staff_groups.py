"""The groups that may see the dashboards: "staff" watch studies, "admins" run them."""

from django.db import migrations

GROUPS = ("staff", "admins")


def groups_create(apps, schema_editor):
    # Django creates permissions after all migrations have run; ours is needed now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    snapshot, _ = ContentType.objects.get_or_create(app_label="analytics", model="snapshot")
    view_analytics, _ = Permission.objects.get_or_create(
        codename="view_analytics",
        content_type=snapshot,
        defaults={"name": "Can view analytics dashboards"},
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(view_analytics)


def groups_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_delete)]
