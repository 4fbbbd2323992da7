"""The "admins" group manages questionnaires and users in the Django admin.

Django creates model permissions only after all migrations have run; the group needs them
now, so they are made here with the names Django itself gives them.
"""

from django.db import migrations

MANAGED = {
    ("surveys", "survey", "survey"): ("add", "change", "delete", "view"),
    ("surveys", "question", "question"): ("add", "change", "delete", "view"),
    ("surveys", "choice", "choice"): ("add", "change", "delete", "view"),
    ("surveys", "response", "response"): ("view",),
    ("surveys", "exportrecord", "export record"): ("view",),
    ("auth", "user", "user"): ("add", "change", "delete", "view"),
    ("auth", "group", "group"): ("view",),
    ("authtoken", "tokenproxy", "Token"): ("add", "change", "delete", "view"),
}


def admins_manage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    admins, _ = apps.get_model("auth", "Group").objects.get_or_create(name="admins")
    for (app_label, model, verbose_name), actions in MANAGED.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                codename=f"{action}_{model}",
                content_type=content_type,
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            admins.permissions.add(permission)


def admins_manage_nothing(apps, schema_editor):
    admins = apps.get_model("auth", "Group").objects.filter(name="admins").first()
    if admins is not None:
        admins.permissions.remove(
            *admins.permissions.exclude(codename__in=["export_responses", "view_analytics"])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_response_is_suspect"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(admins_manage, admins_manage_nothing)]
