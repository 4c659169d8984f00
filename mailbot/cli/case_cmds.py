"""Staff commands: cases, case REF, queue, approve, reject, defer, extend, breach."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from mailbot.cases import actions, breach, documents
from mailbot.cases.models import Action, Case
from mailbot.cli.common import case_context, emit_json
from mailbot.config import Settings
from mailbot.errors import ActionError


def action_json(action: Action) -> dict[str, Any]:
    case = action.case
    return {"id": action.id, "case": case.ref, "kind": action.kind, "state": action.state,
            "requester": case.requester_email, "created_at": action.created_at, "priority": case.priority,
            "due_on": case.effective_due_on, "params": action.params, "reason": action.reason,
            "repeat_of": case.repeat_of}


def case_json(case: Case, *, timeline: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": case.ref, "state": case.state, "intent": case.intent, "intents": case.intents,
        "confidence": case.confidence, "lang": case.lang, "priority": case.priority,
        "requester": case.requester_email, "authenticated": case.authenticated,
        "account_id": case.account_id, "received_at": case.received_at, "deadline": case.effective_due_on,
        "due_on": case.due_on, "extended_due_on": case.extended_due_on,
        "paused": case.paused_since is not None, "repeat_of": case.repeat_of,
        "review_reason": case.review_reason,
    }
    if timeline:
        out["actions"] = [action_json(a) for a in case.actions]
        out["timeline"] = [{"at": e.at, "actor": e.actor, "kind": e.kind, "from": e.from_state,
                            "to": e.to_state, "reason": e.reason, "data": e.data} for e in case.events]
    return out


def cmd_cases(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        query = select(Case).order_by(Case.priority.desc(), Case.due_on, Case.id)
        if args.state:
            query = query.where(Case.state == args.state)
        rows = [case_json(c, timeline=False) for c in ctx.session.scalars(query.limit(args.limit))]
    if args.json:
        emit_json(rows)
    else:
        for c in rows:
            flag = " URGENT" if c["priority"] == "urgent" else ""
            print(f"{c['ref']}  {c['state']:<17} {c['intent']:<11} due {c['deadline']}{flag}  {c['requester']}")
    return 0


def cmd_case(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        data = case_json(actions.get_case(args.ref, ctx), timeline=True)
    if args.json:
        emit_json(data)
        return 0
    print(f"{data['ref']}  {data['state']}  {', '.join(data['intents'])}  lang {data['lang']}  "
          f"received {data['received_at']:%Y-%m-%d}  due {data['deadline']}"
          + ("  (paused: waiting for identity)" if data["paused"] else ""))
    if data["repeat_of"]:
        print(f"  repeated request; earlier: {', '.join(data['repeat_of'])}")
    for a in data["actions"]:
        print(f"  action {a['id']}: {a['kind']} {a['state']}" + (f" ({a['reason']})" if a["reason"] else ""))
    for e in data["timeline"]:
        move = f"{e['from']} -> {e['to']}" if e["kind"] == "transition" else e["kind"]
        print(f"  {e['at']:%Y-%m-%d %H:%M:%S}  {e['actor']:<16} {move}" + (f"  {e['reason']}" if e["reason"] else ""))
    return 0


def cmd_queue(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        rows = [action_json(a) for a in actions.pending(ctx)]
    if args.json:
        emit_json(rows)
    else:
        for a in rows:
            repeat = "  REPEAT" if a["repeat_of"] else ""
            print(f"{a['id']:>5}  {a['case']}  {a['kind']:<12} {a['state']:<8} due {a['due_on']}  "
                  f"{a['requester']}{repeat}")
        if not rows:
            print("nothing waits for approval")
    return 0


def _fields(pairs: list[str]) -> dict[str, str]:
    fields = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ActionError(f"--set takes FIELD=VALUE, not {pair!r}")
        fields[name.strip()] = value.strip()
    return fields


def cmd_approve(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        action = actions.approve(args.id, ctx, fields=_fields(args.set))
        print(f"action {action.id} ({action.kind}) {action.state}; case {action.case.ref} {action.case.state}")
    return 0 if action.state == "executed" else 1


def cmd_reject(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        action = actions.reject(args.id, ctx, reason=args.reason)
        print(f"action {action.id} rejected; case {action.case.ref} {action.case.state}")
    return 0


def cmd_defer(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        action = actions.defer(args.id, ctx, reason=args.reason)
        print(f"action {action.id} deferred")
    return 0


def cmd_extend(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        case = actions.extend(args.ref, ctx, reason=args.reason)
        print(f"case {case.ref} now due {case.extended_due_on}; the requester is told why")
    return 0


def cmd_breach(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        if args.decision == "list":
            rows = [{"case": c.ref, "status": k.status, "started_at": k.started_at, "deadline_at": k.deadline_at,
                     "decided_by": k.decided_by, "note": k.note} for k, c in breach.clocks(ctx)]
            if args.json:
                emit_json(rows)
            for r in [] if args.json else rows:
                print(f"{r['case']}  {r['status']:<9} deadline {r['deadline_at']:%Y-%m-%d %H:%M} UTC  {r['note'] or ''}")
            return 0
        clock = breach.decide(args.ref, args.decision, ctx, note=args.note)
        print(f"72-hour clock of {args.ref}: {clock.status}")
    return 0


def cmd_documents_checked(args: argparse.Namespace, settings: Settings) -> int:
    with case_context(settings, args) as ctx:
        removed = documents.documents_checked(args.ref, ctx, outcome=args.outcome)
        print(f"case {args.ref}: identity check recorded, {removed} attachment(s) deleted")
    return 0


def register(commands: Any) -> None:
    def staff(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--as", dest="actor", help="who acts (default cli:<login>)")
        return parser

    cases = staff(commands.add_parser("cases", help="list cases"))
    cases.add_argument("--state")
    cases.add_argument("--limit", type=int, default=200)
    cases.add_argument("--json", action="store_true")
    cases.set_defaults(func=cmd_cases)
    case = staff(commands.add_parser("case", help="one case with its timeline"))
    case.add_argument("ref")
    case.add_argument("--json", action="store_true")
    case.set_defaults(func=cmd_case)
    queue = staff(commands.add_parser("queue", help="actions waiting for approval"))
    queue.add_argument("--json", action="store_true")
    queue.set_defaults(func=cmd_queue)
    approve = staff(commands.add_parser("approve", help="approve and execute an action"))
    approve.add_argument("id", type=int)
    approve.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                         help="for rectify: the corrected value of a field")
    approve.set_defaults(func=cmd_approve)
    reject = staff(commands.add_parser("reject", help="reject an action; the reason is sent to the requester"))
    reject.add_argument("id", type=int)
    reject.add_argument("--reason", required=True)
    reject.set_defaults(func=cmd_reject)
    defer = staff(commands.add_parser("defer", help="leave an action in the queue with a note"))
    defer.add_argument("id", type=int)
    defer.add_argument("--reason", required=True)
    defer.set_defaults(func=cmd_defer)
    extend = staff(commands.add_parser("extend", help="extend a case's deadline by two months (Art. 12(3))"))
    extend.add_argument("ref")
    extend.add_argument("--reason", required=True)
    extend.set_defaults(func=cmd_extend)
    checked = staff(commands.add_parser("documents-checked",
                                        help="record an identity check and delete the documents sent for it"))
    checked.add_argument("ref")
    checked.add_argument("--outcome", required=True, help="what the check concluded")
    checked.set_defaults(func=cmd_documents_checked)
    brc = staff(commands.add_parser("breach", help="the 72-hour clocks and the breach register"))
    brc.add_argument("decision", choices=("list", "confirmed", "dismissed"))
    brc.add_argument("ref", nargs="?")
    brc.add_argument("--note", default="")
    brc.add_argument("--json", action="store_true")
    brc.set_defaults(func=cmd_breach)
