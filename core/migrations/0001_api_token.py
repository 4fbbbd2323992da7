"""API tokens in the admin under a name that is not their key; "admins" keep managing them.

Django creates a proxy model's permissions only after all migrations have run; the group
needs them now, so they are made here with the names Django itself gives them.
"""

from django.db import migrations

ACTIONS = ("add", "delete", "view")


def admins_manage_tokens(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    admins, _ = apps.get_model("auth", "Group").objects.get_or_create(name="admins")
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="apitoken")
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            codename=f"{action}_apitoken",
            content_type=content_type,
            defaults={"name": f"Can {action} API token"},
        )
        admins.permissions.add(permission)


def admins_manage_no_tokens(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="core", content_type__model="apitoken"
    ).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[],
            options={"verbose_name": "API token", "proxy": True},
            bases=("authtoken.tokenproxy",),
        ),
        migrations.RunPython(admins_manage_tokens, admins_manage_no_tokens),
    ]
