"""Who may do what with which survey: each survey's team (``SurveyMember``) and the site-wide
groups that are given every survey.

Three rights, each including the one before it:

- ``VIEW``: the dashboards and the analysis API;
- ``ANALYSE``: also the responses (admin), every export and the export log;
- ``MANAGE``: also editing the survey and its questions and managing its team.

A member has the rights of their role: viewer ``VIEW``, analyst ``ANALYSE``, owner
``MANAGE``. A user with the ``surveys.reach_all_surveys`` permission (given to a group by a
superuser; migration 0008 gives it to the "staff" and "admins" groups, which reached every
survey before teams existed) has on every survey the rights their other permissions grant:
``analytics.view_analytics`` → ``VIEW``, ``surveys.export_responses`` → ``ANALYSE``,
``surveys.change_survey`` → ``MANAGE``. Superusers reach everything.
"""

from django.db.models import QuerySet

from surveys.models import EXPORT_PERMISSION, Survey, SurveyMember

VIEW, ANALYSE, MANAGE = "view", "analyse", "manage"
REACH_ALL = "surveys.reach_all_surveys"
ROLES_WITH = {
    VIEW: (SurveyMember.VIEWER, SurveyMember.ANALYST, SurveyMember.OWNER),
    ANALYSE: (SurveyMember.ANALYST, SurveyMember.OWNER),
    MANAGE: (SurveyMember.OWNER,),
}
GLOBAL_PERMISSION = {
    VIEW: "analytics.view_analytics",
    ANALYSE: EXPORT_PERMISSION,
    MANAGE: "surveys.change_survey",
}


def reaches_all(user, right: str) -> bool:
    """Whether the user has this right on every survey, member or not."""
    if not user.is_active:
        return False
    return user.is_superuser or (
        user.has_perm(REACH_ALL) and user.has_perm(GLOBAL_PERMISSION[right])
    )


def surveys_reachable(user, right: str) -> QuerySet[Survey]:
    """The surveys on which the user has this right."""
    if reaches_all(user, right):
        return Survey.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Survey.objects.none()
    # One membership per survey and user (survey_member_unique): no duplicate rows.
    return Survey.objects.filter(members__user=user, members__role__in=ROLES_WITH[right])


def survey_allows(user, survey: Survey, right: str) -> bool:
    if reaches_all(user, right):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return survey_role(user, survey) in ROLES_WITH[right]


def survey_role(user, survey: Survey) -> str | None:
    """The user's role in the survey's team (None: not a member). Read once per user
    object, which lives for one request, and kept on it as Django keeps its permissions
    (``_perm_cache``): a staff page asks up to five times."""
    roles = getattr(user, "_survey_roles", None)
    if roles is None:
        roles = user._survey_roles = {}
    if survey.pk not in roles:
        member = SurveyMember.objects.filter(survey=survey, user=user)
        roles[survey.pk] = member.values_list("role", flat=True).first()
    return roles[survey.pk]


def reaches_any(user, right: str) -> bool:
    """Whether the user has this right on at least one survey."""
    return surveys_reachable(user, right).exists()
