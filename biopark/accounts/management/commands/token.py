"""biopark token USERNAME: print a new API token for the user (stored hashed; shown once)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from biopark.accounts.auth import token_create
from biopark.core.cli_language import speaks_terminal_language


class Command(BaseCommand):
    help = "Create an API token for a user and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("no user %(name)s") % {"name": repr(options["username"])})
        self.stdout.write(token_create(user=user, name=str(options["name"])))
