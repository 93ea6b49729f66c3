"""The child process of one import job: `python -m ktgs.exchange.worker JOB_ID`.

Started by `jobs.start()`, detached from the web server; it runs the import and leaves the
outcome in the job's state file (ktgs/exchange/jobs.py). Before that it recovers after jobs whose
worker died (`jobs.recover()`: their outcome from the database, fresh statistics). SIGTERM ends
it as Ctrl-C would: psycopg cancels the running statement on the server, the transaction rolls
back; on PostgreSQL its session also has a statement timeout and is named after the job.
"""

import os
import signal
import sys


def _stop(signum, frame):
    raise SystemExit(128 + signum)  # psycopg cancels the statement in progress on SystemExit


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
    signal.signal(signal.SIGTERM, _stop)
    jobs.recover()
    jobs.limit_worker_session(argv[0])
    state = jobs.run(argv[0])
    jobs.purge_quietly()  # after the job: before, its own not yet locked job could look dead
    return 0 if state["state"] == jobs.DONE else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
