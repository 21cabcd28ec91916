"""The `denialdesk` command. Expected failures print one line and exit 1, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from denialdesk.app.settings import SettingsError, load_settings
from denialdesk.store.users import UserError


class CLIError(Exception):
    """A user-facing failure: printed as one line, exit code 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="denialdesk", description="Denial-management work queue for behavioral health."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("dev", help="embedded stack: Temporal dev server, worker, web, demo data")
    sub.add_parser("web", help="serve the web app and API (external Temporal and database)")
    sub.add_parser("worker", help="run a Temporal worker (external Temporal and database)")
    sub.add_parser("migrate", help="bring the database schema up to date")
    sub.add_parser("seed-demo", help="load demo practices, payers, patients and users")

    user = sub.add_parser("user", help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = user_sub.add_parser("create", help="create a user")
    create.add_argument("username")
    create.add_argument(
        "--role", required=True, help="specialist | supervisor | admin | integration"
    )
    create.add_argument(
        "--practice",
        nargs="+",
        default=[],
        metavar="SLUG",
        help="practices the role applies to (an admin without --practice administers all)",
    )
    create.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )

    password = user_sub.add_parser(
        "password", help="set a user's password (ends their sessions and API tokens)"
    )
    password.add_argument("username")
    password.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )

    remit = sub.add_parser("import-835", help="import 835 remittance files (as POST /remittances)")
    remit.add_argument("files", nargs="+", metavar="FILE")
    remit.add_argument("--json", action="store_true", help="print the result as JSON")
    remit.add_argument("--dry-run", action="store_true", help="parse and report; store nothing")

    export = sub.add_parser("export-837", help="print the 837P sent (or to send) for a claim")
    export.add_argument("claim_id", type=int, metavar="CLAIM_ID")

    auths = sub.add_parser("authorizations", help="authorizations: what needs renewing")
    auths_sub = auths.add_subparsers(dest="auth_command", required=True, metavar="ACTION")
    soon = auths_sub.add_parser("expiring", help="active authorizations ending within N days")
    soon.add_argument("--days", type=int, required=True, metavar="N")
    soon.add_argument("--practice", metavar="SLUG", help="only this practice")
    soon.add_argument("--json", action="store_true", help="print the result as JSON")

    schedule = sub.add_parser("schedule", help="the practices' scheduled visits")
    schedule_sub = schedule.add_subparsers(dest="schedule_command", required=True, metavar="ACTION")
    load = schedule_sub.add_parser(
        "import", help="replace scheduled visits from a CSV (all or nothing)"
    )
    load.add_argument("file", metavar="FILE.csv")
    load.add_argument("--practice", required=True, metavar="SLUG")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except (CLIError, SettingsError, UserError) as exc:
        print(f"denialdesk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    from denialdesk.app import commands

    if args.command == "import-835" and args.dry_run:  # parsing only: no settings or database
        from denialdesk.app.remit_report import import_835_dry_run

        return import_835_dry_run(args.files, as_json=args.json)
    settings = load_settings()
    if args.command in ("import-835", "export-837"):
        from denialdesk.app import exchange_cli

        if args.command == "import-835":
            return exchange_cli.import_835(settings, args.files, as_json=args.json)
        return exchange_cli.export_837(settings, args.claim_id)
    if args.command in ("authorizations", "schedule"):
        from denialdesk.app import auth_cli

        if args.command == "authorizations":
            return auth_cli.expiring(
                settings, days=args.days, practice=args.practice, as_json=args.json
            )
        return auth_cli.import_schedule(settings, args.file, practice=args.practice)
    if args.command == "user":
        password = sys.stdin.readline().rstrip("\r\n")
        if args.user_command == "password":
            return commands.set_password(settings, args.username, password=password)
        return commands.create_user(
            settings, args.username, role=args.role, practices=args.practice, password=password
        )
    return getattr(commands, args.command.replace("-", "_"))(settings)


if __name__ == "__main__":
    sys.exit(main())
