"""Schemathesis hooks for tools/schemathesis.sh.

The OpenAPI documents state a few rules only in words, because JSON Schema cannot express them: a
purchase's `revenue` is the sum of its lines, and an experiment's arm names are unique, its shares sum
to 1, its control arm is one of its arms, every status but `draft` has `startedAt`, and the body id
equals the path id. Positive (schema-valid) cases are repaired to satisfy them, so
`positive_data_acceptance` exercises the real success paths; negative cases are sent as generated.
"""

from datetime import datetime, timezone

import schemathesis
from schemathesis.generation import GenerationMode

MAX_AMOUNT = 1e9


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return case
    label = case.operation.label
    if label == "POST /v1/events":
        case.body = _each_event(case.body, _balanced_purchase)
    elif label == "PUT /v1/experiments/{id}" and isinstance(case.body, dict):
        case.body = _consistent_experiment(case.body, case.path_parameters or {})
    return case


def _each_event(body, repair):
    """The three body shapes of POST /v1/events: one event, an array, or `{ "events": [...] }`."""
    if isinstance(body, list):
        return [repair(event) for event in body]
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        return {**body, "events": [repair(event) for event in body["events"]]}
    return repair(body)


def _balanced_purchase(event):
    if not isinstance(event, dict) or event.get("eventType") != "purchase":
        return event
    lines = [line for line in event.get("items", []) if isinstance(line, dict)]
    total = sum(line["quantity"] * line["price"] for line in lines)
    if total > MAX_AMOUNT:
        lines = [{**line, "price": line["price"] % 100} for line in lines]
        total = sum(line["quantity"] * line["price"] for line in lines)
    return {**event, "items": lines, "revenue": total}


def _consistent_experiment(experiment, path_parameters):
    arms = [
        {**arm, "name": f"arm{index}"}
        for index, arm in enumerate(experiment.get("arms", []))
        if isinstance(arm, dict)
    ]
    if arms:
        share = round(1 / len(arms), 6)
        for arm in arms:
            arm["share"] = share
        arms[-1]["share"] = 1 - share * (len(arms) - 1)
    repaired = {**experiment, "arms": arms}
    if arms:
        repaired["controlArm"] = arms[0]["name"]
        if isinstance(repaired.get("promotion"), dict):
            repaired["promotion"] = {**repaired["promotion"], "arm": arms[0]["name"]}
    if "id" in path_parameters:
        repaired["id"] = path_parameters["id"]
    if repaired.get("status") != "draft" and "startedAt" not in repaired:
        repaired["startedAt"] = datetime.now(timezone.utc).isoformat()
    return repaired
