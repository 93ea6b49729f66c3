"""The child process of one import job: `python -m ktgs.exchange.worker JOB_ID`.

Started by `jobs.start()`, detached from the web server; it runs the import and leaves the
outcome in the job's state file (ktgs/exchange/jobs.py).
"""

import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("Cách dùng: python -m ktgs.exchange.worker MÃ_VIỆC", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from ktgs.exchange import jobs

    if jobs.job_dir(argv[0]) is None:
        print(f"Không có việc nhập dữ liệu {argv[0]}.", file=sys.stderr)
        return 2
    state = jobs.run(argv[0])
    jobs.purge_quietly()  # after the job: before, its own not yet locked job could look dead
    return 0 if state["state"] == jobs.DONE else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
