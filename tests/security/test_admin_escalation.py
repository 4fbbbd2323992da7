"""Issue 15, finding 1: a member of "admins" cannot make themselves or anyone superuser, touch
a superuser, grant permissions or groups, or read anyone's API token through the admin; a
superuser still can do all of it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from core.models import ApiToken
from tests.factories import api_token, signed_in, user_in_group

OLD_TOKEN_LIST = "/admin/authtoken/tokenproxy/"
TOKEN_LIST = "/admin/core/apitoken/"


@pytest.fixture
def member(db) -> User:
    return user_in_group("admins", username="member", is_staff=True)


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", password="root-pw")


def change_form(user: User, **fields) -> dict:
    """What the admin's user change form posts for this user as it is, with `fields` set."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value != ""}


def change_url(user: User) -> str:
    return f"/admin/auth/user/{user.pk}/change/"


def test_it_keeps_a_member_who_posts_is_superuser_a_non_superuser(member):
    signed_in(member).post(change_url(member), change_form(member, is_superuser="on"))
    member.refresh_from_db()
    assert not member.is_superuser


def test_it_does_not_let_a_member_make_another_user_superuser(member):
    other = User.objects.create_user("other", is_staff=True)
    signed_in(member).post(change_url(other), change_form(other, is_superuser="on"))
    other.refresh_from_db()
    assert not other.is_superuser


def test_it_does_not_open_a_superusers_change_page_to_a_member(member, root):
    assert signed_in(member).get(change_url(root)).status_code != 200


def test_it_does_not_let_a_member_change_a_superuser(member, root):
    signed_in(member).post(change_url(root), change_form(root, is_active="", username="x"))
    root.refresh_from_db()
    assert (root.username, root.is_active) == ("root", True)


def test_it_does_not_let_a_member_set_a_superusers_password(member, root):
    client = signed_in(member)
    address = f"/admin/auth/user/{root.pk}/password/"
    assert client.get(address).status_code != 200
    client.post(address, {"password1": "taken-over-1", "password2": "taken-over-1"})
    root.refresh_from_db()
    assert root.check_password("root-pw")


def test_it_does_not_let_a_member_set_another_users_password(member):
    other = User.objects.create_user("other", password="other-pw", is_staff=True)
    client = signed_in(member)
    address = f"/admin/auth/user/{other.pk}/password/"
    assert client.get(address).status_code == 403
    client.post(address, {"password1": "taken-over-1", "password2": "taken-over-1"})
    other.refresh_from_db()
    assert other.check_password("other-pw")


def test_it_lets_a_member_set_their_own_password_in_the_admin(member):
    address = f"/admin/auth/user/{member.pk}/password/"
    response = signed_in(member).post(
        address, {"password1": "my-new-pass-7", "password2": "my-new-pass-7"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("my-new-pass-7")


def test_it_does_not_let_a_member_delete_a_superuser(member, root):
    signed_in(member).post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=root.pk).exists()


def test_it_does_not_let_a_member_delete_a_superuser_from_the_list(member, root):
    signed_in(member).post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=root.pk).exists()


def test_it_does_not_let_a_member_grant_permissions(member):
    everything = list(Permission.objects.values_list("pk", flat=True))
    signed_in(member).post(change_url(member), change_form(member, user_permissions=everything))
    assert not member.user_permissions.exists()


def test_it_does_not_let_a_member_grant_groups(member):
    other = User.objects.create_user("other", is_staff=True)
    admins = Group.objects.get(name="admins")
    signed_in(member).post(change_url(other), change_form(other, groups=[admins.pk]))
    assert not other.groups.exists()


def test_it_lets_a_member_still_manage_ordinary_users(member):
    other = User.objects.create_user("other")
    response = signed_in(member).post(
        change_url(other), change_form(other, is_staff="on", email="o@example.kz")
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.is_staff, other.email) == (True, "o@example.kz")


def test_it_lets_a_superuser_grant_superuser_permissions_and_groups(root):
    other = User.objects.create_user("other", is_staff=True)
    admins = Group.objects.get(name="admins")
    permission = Permission.objects.get(codename="view_analytics")
    signed_in(root).post(
        change_url(other),
        change_form(other, is_superuser="on", groups=[admins.pk], user_permissions=[permission.pk]),
    )
    other.refresh_from_db()
    assert other.is_superuser
    assert list(other.groups.all()) == [admins]
    assert list(other.user_permissions.all()) == [permission]


def test_it_lets_a_superuser_change_another_superuser_and_set_his_password(root):
    second = User.objects.create_superuser("second", password="pw")
    client = signed_in(root)
    assert client.get(change_url(second)).status_code == 200
    address = f"/admin/auth/user/{second.pk}/password/"
    response = client.post(address, {"password1": "new-pass-91", "password2": "new-pass-91"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.check_password("new-pass-91")


def test_it_shows_no_full_token_key_in_the_old_token_list(member, root):
    keys = [api_token(user) for user in (member, root)]
    for user in (member, root):
        page = signed_in(user).get(OLD_TOKEN_LIST).content.decode()
        assert not any(key in page for key in keys)


def test_it_lists_tokens_by_name_and_prefix_only(root):
    keys = [api_token(user) for user in (root, User.objects.create_user("x"))]
    response = signed_in(root).get(TOKEN_LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "test script" in page
    assert all(key[:4] in page and key not in page for key in keys)


def test_it_lists_only_a_members_own_token(member, root):
    own, others = api_token(member), api_token(root)
    page = signed_in(member).get(TOKEN_LIST).content.decode()
    assert f">{own[:4]}<" in page
    assert f">{others[:4]}<" not in page


@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_it_shows_no_full_key_on_a_tokens_own_pages(root, page):
    key = api_token(User.objects.create_user("x"))
    token = ApiToken.objects.get()
    response = signed_in(root).get(f"{TOKEN_LIST}{token.pk}/{page}/")
    assert response.status_code == 200
    assert key not in response.content.decode()


def new_token_form(user: User, **fields) -> dict:
    tomorrow = timezone.localtime() + timedelta(days=1)
    return {
        "name": "weekly report",
        "user": user.pk,
        "expiry_0": tomorrow.strftime("%Y-%m-%d"),
        "expiry_1": tomorrow.strftime("%H:%M:%S"),
        **fields,
    }


def test_it_does_not_let_a_member_make_a_token_for_a_superuser(member, root):
    client = signed_in(member)
    for token_list in (OLD_TOKEN_LIST, TOKEN_LIST):
        client.post(f"{token_list}add/", new_token_form(root))
    assert not ApiToken.objects.filter(user=root).exists()


def test_it_shows_a_new_tokens_key_once_to_whoever_made_it(member):
    client = signed_in(member)
    response = client.post(f"{TOKEN_LIST}add/", new_token_form(member), follow=True)
    [key] = re.findall(r"The new token&#x27;s key is ([0-9a-f]{64})", response.content.decode())
    assert key not in client.get(TOKEN_LIST).content.decode()
    api = Client(headers={"Authorization": f"Token {key}"})
    assert api.get("/api/v1/surveys/no-such-survey/analytics/frequencies/").status_code == 404


@pytest.mark.parametrize(
    ("address", "lookup"),
    [
        (TOKEN_LIST, "token_key__startswith"),
        (TOKEN_LIST, "digest__startswith"),
        ("/admin/auth/user/", "auth_token_set__token_key__startswith"),
    ],
)
def test_it_does_not_filter_by_a_token_key_so_it_cannot_be_guessed(root, address, lookup):
    key = api_token(root)
    assert signed_in(root).get(address, {lookup: key[:8]}).status_code == 400
