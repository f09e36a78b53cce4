"""The first 系统管理员 of a new installation (everything else is done in the browser).

    .venv/bin/python manage.py create_admin zhangsan --organisation 某某县委

Creates the top-level organisation when it does not exist yet, the user (the password is
asked twice, or taken from ``KAOPING_ADMIN_PASSWORD`` when there is no terminal) and the
系统管理员 role on that organisation, through the same actions as the pages. An existing
user keeps its password and only gets the role.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...actions.base import ActionError
from ...actions.orgs import do_create_organisation
from ...actions.people import do_create_user, do_grant_role
from ...models import Organisation, Role


class Command(BaseCommand):
    help = "创建第一个系统管理员（及其顶层组织）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--organisation", required=True, help="顶层组织名称，如“某某县委”")
        parser.add_argument("--full-name", default="", help="姓名")
        parser.add_argument("--email", default="", help="电子邮箱（接收提醒）")

    def handle(self, *args, username: str, organisation: str, full_name: str, email: str,
               **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = None if user else self._password(username)
        try:
            with transaction.atomic():
                org = Organisation.objects.filter(name=organisation, parent=None).first()
                if org is None:
                    org = do_create_organisation(None, name=organisation)
                    self.stdout.write(f"已创建顶层组织「{org.name}」")
                if user is None:
                    user = do_create_user(None, username=username, password=password,
                                          full_name=full_name, email=email)
                    self.stdout.write(f"已创建用户「{username}」")
                do_grant_role(None, user, org, Role.ADMIN)
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"「{username}」现为「{org.name}」的系统管理员"))

    def _password(self, username: str) -> str:
        from_env = os.environ.get("KAOPING_ADMIN_PASSWORD")
        if from_env:
            password = from_env
        elif sys.stdin.isatty():
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        else:
            raise CommandError("没有终端可以输入密码：请设置环境变量 KAOPING_ADMIN_PASSWORD")
        try:
            validate_password(password, get_user_model()(username=username))
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from None
        return password
