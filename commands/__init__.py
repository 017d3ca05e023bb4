"""The commands of `python cli.py`, a module per job; cli.py holds the parser and `main`.

- common: the exit codes, CommandError and how values print;
- source: reading the source as the app does, and the last good copy (--allow-stale);
- sheet: doctor, verdicts, template, init-sheet;
- check_in: check-in, outbox;
- weekly: history record, digest, slide;
- tooling: bench, import-usage.

None of them imports Streamlit; the heavy imports (pandas, the sources) wait inside each command.
"""
