"""The `ktgs` command: Django's management commands under one name.

ktgs migrate            create or update the database
ktgs demo               load the demo bloc (Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh)
ktgs runserver          serve on http://127.0.0.1:8000 (development)
ktgs createadmin        create the first system administrator
ktgs changepassword U   set a new password for user U (no e-mail needed)
ktgs shell              a Python shell with the project loaded
"""

import os
import sys

KTGS_COMMANDS = ("demo", "createadmin", "changepassword", "migrate", "runserver", "shell")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "ktgs"
    if len(argv) == 1 or argv[1] in ("-h", "--help", "help") and len(argv) == 2:
        print(__doc__.strip())
        print("\nMọi lệnh quản trị của Django cũng dùng được; `ktgs help --all` liệt kê tất cả,")
        print("`ktgs help LỆNH` cho biết cách dùng một lệnh.")
        return
    if argv[1:3] == ["help", "--all"]:
        argv = [argv[0], "help"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
