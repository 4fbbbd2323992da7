"""The "admins" group sets weighting schemes in the admin; staff may look at them."""

from django.db import migrations

ACTIONS = {"admins": ("add", "change", "delete", "view"), "staff": ("view",)}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="analytics", model="weightingscheme"
    )
    for name, actions in ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                codename=f"{action}_weightingscheme",
                content_type=content_type,
                defaults={"name": f"Can {action} weighting scheme"},
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(codename__endswith="_weightingscheme").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_weighting_scheme"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
