"""Check in: a team updates its initiative in half a minute; the row goes to the CheckIns tab.

Top to bottom: whether the app can write (and how to let it), check-ins waiting on this
server to be sent (retried on load and by "Send pending"), the initiative picker (searchable
by name, team or id; it lives in the URL), the initiative's last check-ins, and the form.
A check-in that cannot be written goes to the outbox and the form keeps what was typed;
one that is written refreshes the shared workbook so it shows at once.
"""

import pandas as pd
import streamlit as st

from data_sources import checkins
from data_sources.config import GSHEETS
from data_sources.errors import SourceError
from portfolio import schema
from portfolio.digest import CHECK_IN_PARAM
from ui import data, display, shell
from ui import format as fmt

RECENT_CHECKINS = 5
PICK_KEY = "check_in_initiative"
PICK_PARAM = CHECK_IN_PARAM  # the picked initiative lives in the URL: the digest links here
FLASH_KEY = "check_in_flash"  # what the last send of the outbox did, shown after the rerun
FORM_FLASH_KEY = "check_in_form_flash"  # what the last submit did, shown under the form
DRAFT_KEY = "check_in_draft"  # (fields, CheckIn) of a queued check-in, resent with its id
GENERATION_KEY = "check_in_generation"  # bumped after a write: a fresh, empty form
AUTHOR_KEY = "check_in_author"  # kept across initiatives: the same person checks in often
SEPARATOR = " · "
# How a check-in's active users count (portfolio/evidence.py): said next to the field.
USERS_COUNT = (
    "Active users typed here are kept with the check-in and shown in its log, but they are "
    "not usage evidence: verdicts count weekly users from the Usage tab or the tools. The "
    "check-in itself counts as a sign of life (evidence: check-in)."
)

view = shell.page(
    "Check in",
    lead="Say where your initiative stands in half a minute: no hunting for your row in the "
    "shared sheet. Each check-in is added as a new row of the CheckIns tab; nothing is "
    "overwritten, and the latest check-in sets the status and stage the dashboard shows.",
)
spec = data.current_spec()
portfolio = view.portfolio

flash = st.session_state.pop(FLASH_KEY, None)
if flash is not None:
    kind, text = flash
    (st.success if kind == "success" else st.warning)(text, icon=":material/task_alt:")

# -- can the app write? --------------------------------------------------------------------

sheet_answered = view.loaded.result.error is None
access = checkins.write_access(spec, sheet_answered=sheet_answered)
if access.can_write:
    st.info(fmt.plain(access.message), icon=":material/edit_note:")
else:
    st.warning(fmt.plain(access.message), icon=":material/lock:")


def _settle(report: checkins.SendReport) -> None:
    """Say what a send did; refresh the shared workbook when something landed."""
    recovered = (
        f"Recovered {fmt.plural(len(report.recovered), 'check-in')} from damaged lines of the "
        "outbox (the lines were moved, as they were, to a file beside it). "
        if report.recovered
        else ""
    )
    if report.settled:
        data.refresh()
        st.session_state[FLASH_KEY] = (
            "success",
            recovered
            + f"Sent {fmt.plural(report.settled, 'waiting check-in')} to the sheet"
            + (f"; {report.remaining:,} still waiting." if report.remaining else "."),
        )
        st.rerun()
    if recovered:
        st.success(recovered, icon=":material/task_alt:")
    if report.busy:
        st.info("Another session is sending these right now; reload in a moment.")
    elif report.error is not None:
        st.warning("Still waiting: " + fmt.plain(report.error.message), icon=":material/cloud_off:")


# -- the outbox ----------------------------------------------------------------------------

if spec.kind == GSHEETS:
    if sheet_answered and checkins.retry_due(spec):
        _settle(checkins.send_pending(spec))
    waiting = checkins.pending(spec)
    broken = checkins.damaged(spec)
    if broken:
        lines = ", ".join(str(d.line) for d in broken)
        st.error(
            f"{fmt.plural(len(broken), 'damaged line')} in this server's outbox (line "
            f"{lines}), kept, not deleted, and not sent as "
            f"{'it is' if len(broken) == 1 else 'they are'}. "
            "A check-in whose own part is whole is recovered on the next send; "
            "`python cli.py outbox` on the server names the file.",
            icon=":material/report:",
        )
        st.markdown(
            "\n".join(f"- line {d.line}: {fmt.plain(checkins.describe_damaged(d))}" for d in broken)
        )
    if waiting:
        st.warning(
            f"{fmt.plural(len(waiting), 'check-in')} "
            f"{'waits' if len(waiting) == 1 else 'wait'} on this server to be sent to the "
            "sheet. They are kept safely and sent once each, when the sheet answers.",
            icon=":material/outbox:",
        )
        display.table(
            pd.DataFrame(
                {
                    "initiative": [p.item.initiative_id for p in waiting],
                    "status": [p.item.reported_status for p in waiting],
                    "stage": [p.item.stage for p in waiting],
                    "queued (UTC)": [p.queued_at.replace("T", " ").rstrip("Z") for p in waiting],
                    "attempts": [p.attempts for p in waiting],
                    "last error": [p.last_error for p in waiting],
                }
            ),
            key="check_in_pending",
            present=view.present,
            file_name=view.export_name("check-in-waiting"),
        )
        if st.button("Send pending", key="check_in_send_pending", icon=":material/send:"):
            _settle(checkins.send_pending(spec))

# -- which initiative ----------------------------------------------------------------------

listed = view.filtered[view.filtered["id"].notna()].sort_values(["team", "name"])
# Plain object arrays: iterating pandas' Arrow-backed columns row by row took 0.4 s at
# 10,000 initiatives.
every_id = listed["id"].astype(str).to_numpy(dtype=object).tolist()
columns = [listed[c].to_numpy(dtype=object, na_value=None) for c in ("name", "team", "id")]
labels: dict[str, str] = {}
shared: dict[str, int] = {}  # a repeated id: its check-ins count for every row that has it
for ident, *parts in zip(every_id, *columns, strict=True):
    if ident in labels:
        shared[ident] = shared.get(ident, 0) + 1
        continue
    labels[ident] = SEPARATOR.join(part for part in parts if isinstance(part, str) and part)
for ident, more in shared.items():
    labels[ident] += f" (and {fmt.plural(more, 'other row')} with this id)"
ids = list(labels)
no_id = int(view.filtered["id"].isna().sum())
if no_id:
    st.caption(
        f"{fmt.plural(no_id, 'initiative')} without an id {'is' if no_id == 1 else 'are'} "
        "not listed: a check-in names its initiative by id. Type an id in Initiatives "
        "(Sheet health lists the rows)."
    )
wanted = st.query_params.get(PICK_PARAM)
picked = st.selectbox(
    "Initiative",
    ids,
    index=ids.index(wanted) if wanted in ids else None,
    format_func=lambda ident: labels.get(ident, ident),
    placeholder="Type a name, a team or an id…",
    key=PICK_KEY,
    help="Only initiatives in the sidebar filters are listed."
    if view.filters.active
    else "Every initiative started by the as-of date in the sidebar.",
)
if picked:
    st.query_params[PICK_PARAM] = picked
elif PICK_PARAM in st.query_params:
    del st.query_params[PICK_PARAM]

if not ids:
    st.info(f"No initiative matches {view.scope}: clear the sidebar filters to pick one.")
if not picked:
    st.stop()

current = listed[listed["id"].astype(str) == picked].iloc[0]
status_now = current["reported_status"] if isinstance(current["reported_status"], str) else None
stage_now = current["stage"] if isinstance(current["stage"], str) else None
st.subheader(fmt.plain(labels.get(picked, picked)))
st.caption(
    f"Now: reported {status_now or 'no status'}, stage {stage_now or 'not set'} "
    f"({'from its latest check-in' if pd.notna(current['last_checkin']) else 'from its row'})"
    f"; the evidence says {current['verdict']}: {fmt.plain(current['reason'])}"
)

# -- its last check-ins --------------------------------------------------------------------

log = portfolio.checkins
if portfolio.has(schema.CHECKINS) and not log.empty and "initiative_id" in log.columns:
    mine = log[log["initiative_id"].astype("string") == picked]
    mine = mine.sort_values("timestamp", ascending=False, na_position="last").head(RECENT_CHECKINS)
else:
    mine = log.iloc[0:0]
if mine.empty:
    st.caption("No check-in yet for this initiative: yours will be the first.")
else:
    st.markdown(f"**Last {fmt.plural(len(mine), 'check-in')}**")
    recent = pd.DataFrame(
        {
            "when (UTC)": mine["timestamp"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "status": mine["reported_status"].to_numpy(),
            "stage": mine["stage"].to_numpy(),
            "active users": mine["active_users"].to_numpy(),
            "author": mine["author"].to_numpy(),
            "note": mine["note"].to_numpy(),
            "team": current["team"],
        }
    )
    display.table(
        recent,
        key="check_in_recent",
        present=view.present,
        file_name=view.export_name(f"check-in-{picked}"),
    )

# -- the form ------------------------------------------------------------------------------

generation = st.session_state.setdefault(GENERATION_KEY, 0)
suffix = f"{picked}_{generation}"


def _word_box(where, label: str, words: tuple[str, ...], now: object, *, hint: str, key: str):
    """A drop-down of the schema's `words`, set to the initiative's word `now` if it is one."""
    index = words.index(now) if now in words else None
    return where.selectbox(label, words, index=index, placeholder=hint, key=key)


with st.form(f"check_in_form_{suffix}", border=True):
    left, right = st.columns(2)
    status = _word_box(
        left,
        "Reported status",
        schema.STATUSES,
        status_now,
        hint="Green, Amber or Red",
        key=f"check_in_status_{suffix}",
    )
    stage = _word_box(
        right,
        "Stage",
        schema.STAGES,
        stage_now,
        hint="Idea, Pilot, Rollout…",
        key=f"check_in_stage_{suffix}",
    )
    users = left.text_input(
        "Active users this week",
        placeholder="e.g. 12 (leave blank if nobody counted)",
        key=f"check_in_users_{suffix}",
    )
    author = right.text_input(
        "Your name",
        placeholder="Who is checking in",
        key=AUTHOR_KEY,
        # Presentation mode shows no person's name, not even the one being typed.
        type="password" if view.present else "default",
    )
    note = st.text_area(
        "What changed?",
        placeholder="One or two sentences: what works, what does not, what you went back to.",
        max_chars=checkins.NOTE_MAX_CHARS,
        key=f"check_in_note_{suffix}",
    )
    st.caption(USERS_COUNT)
    sent = st.form_submit_button("Check in", type="primary", icon=":material/send:")

form_flash = st.session_state.pop(FORM_FLASH_KEY, None)
if form_flash is not None:
    kind, text = form_flash
    if kind == "success":
        st.success(text, icon=":material/task_alt:")
    else:
        st.warning(text, icon=":material/outbox:")

if sent:
    fields = (picked, status, stage, users, note, author)
    draft = st.session_state.get(DRAFT_KEY)
    try:
        if draft is not None and draft[0] == fields:
            # The same check-in sent again after it was queued: same id, so it lands once.
            checkin = draft[1]
        else:
            checkin = checkins.new_checkin(
                initiative_id=picked,
                reported_status=status,
                stage=stage,
                active_users=users,
                note=note,
                author=author,
                known_ids=set(portfolio.initiatives["id"].dropna().astype(str)),
            )
        delivery = checkins.submit(checkin, spec)
    except checkins.InvalidCheckIn as invalid:
        st.error(
            "Not sent yet, nothing was written. Please fix:\n\n"
            + "\n".join(f"- {fmt.plain(problem)}" for problem in invalid.problems.values()),
            icon=":material/edit:",
        )
    except SourceError as error:  # nothing was sent or kept: the form stays as typed
        st.error(
            f"{fmt.plain(error.message)} The form still holds what you typed.",
            icon=":material/error:",
        )
    else:
        left_out = checkins.removed_notice(note=note, author=author)
        left_out = f"\n\n{left_out}" if left_out else ""
        if delivery.written:
            st.session_state.pop(DRAFT_KEY, None)
            st.session_state[GENERATION_KEY] = generation + 1
            later = pd.Timestamp(checkin.timestamp).tz_convert(None).normalize() > view.as_of
            st.session_state[FORM_FLASH_KEY] = (
                "success",
                f"Checked in: {fmt.plain(labels.get(picked, picked))} is now "
                f"{checkin.reported_status}, {checkin.stage}. Saved to "
                # a file on this server is named by what it is, never by its path
                + (fmt.plain(delivery.where) if spec.kind == GSHEETS else "this server")
                + f" (check-in {checkin.checkin_id[:8]})."
                + (
                    f" Its {checkin.active_users:,} active users are kept with it, not counted "
                    "as usage."
                    if checkin.active_users is not None
                    else ""
                )
                + (
                    f" The verdicts are computed as of {fmt.day(view.as_of)}, before this "
                    "check-in: pick a later as-of date in the sidebar to count it."
                    if later
                    else ""
                )
                + left_out,
            )
            data.refresh()
        else:
            # Same widget keys after the rerun: the form keeps what was typed.
            st.session_state[DRAFT_KEY] = (fields, checkin)
            reason = delivery.error.message if delivery.error is not None else ""
            st.session_state[FORM_FLASH_KEY] = (
                "queued",
                f"Not in the sheet yet: {fmt.plain(reason)}\n\nYour check-in is kept on this "
                "server and is sent once, automatically, when the sheet answers (or press "
                "Send pending). The form still holds what you typed." + left_out,
            )
        st.rerun()
