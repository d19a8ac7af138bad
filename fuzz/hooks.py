"""Schemathesis hooks for fuzz/run.sh.

The service refuses some schema-valid input for reasons that JSON Schema
cannot state: references to records that do not exist, rules between fields,
dates relative to today, check digits, the state of a record (its version, an
Idempotency-Key already used). Schemathesis' own `positive_data_acceptance`
check is told to expect those statuses (schemathesis.toml); this check then
looks inside every such refusal of schema-valid input and fails unless each
reason given is one of the rules below. A refusal for any other reason means
the OpenAPI document is looser than the service, which is a bug in one of them.
"""

import re

import schemathesis
from schemathesis.specs.openapi.checks import use_after_free

# The reasons (problem `issues[].detail`) that are rules beyond the schema.
BUSINESS_RULES = [
    # references to records that must exist
    r"^no such [a-z ]+$",
    r"^no known municipality has this NIS code$",
    r"^is not a challenge of the action's plan$",
    r"^lies outside the initiative's regions$",
    r"^must be the NIS code of a province",
    # an import lists each municipality once (uniqueItems cannot say "by NIS code")
    r"^repeats the NIS code of item \[\d+\]$",
    # a GBO project names each partner organisation once, whatever its part
    r"^names an organisation more than once$",
    # rules between fields
    r"^must not be (before|below|after|above) [A-Za-z]+$",
    r"^dropped work has no progress; leave it out$",
    r"^completed work has progress 100; leave it out or send 100$",
    r"^is only for actions whose origin is regionalProposal$",
    r"^is required for (a regional proposal|contributors|coordinators)$",
    r"^is only for (coordinators|contributors)",
    r"^a Flanders-wide initiative has no other regions",
    r"^must lie in the conference's year \d+$",
    # dates relative to today or to the data's era
    r"^must be a (day|date) from \d{4}",
    # check digits
    r"^check digits do not match$",
    # fields a role may not set (scope it does not control): a 400 that names them
    r"^(coordinators|contributors|partners) cannot ",
    # a path value that is not of the document's `format: uuid` (stateful
    # links can carry another resource's id into a UUID path)
    r"^UUID parsing failed",
    # the caller's own secret
    r"^is not the current password$",
    # results: indicators (references, the standard's settings, combinations
    # without a meaningful figure, values that fit the measure)
    r"^no such (plan|action|initiative|gboProject|standard indicator)$",
    r"^is required unless a standard indicator is named$",
    r"^is set by the standard indicator",
    r"^(an amount needs its unit|only an amount has a unit)$",
    r"^(text values|percentages are never averaged|cumulative values are running totals)",
    r"^say whether a higher or a lower value is better$",
    r"^a count is a whole number",
    r"^must be a finite number within",
    r"^a percentage is a number from 0 to 100$",
    r"^each date has one target$",
    r"^the date must lie between 1990 and 2100$",
    # results: measurements (periods of the indicator's granularity that have
    # begun, the value fields of its measure, places where its work is)
    r"^give either period or periodStart and periodEnd, not both$",
    r"^is required (with periodStart|with periodEnd|: a period id)",
    r"^the year must lie between",
    r"^the indicator is reported per (year|quarter|month)",
    r"has not started yet",
    r"^(is required: )?an? (count|amount|percentage|qualitative) indicator takes",
    r"^must lie between 0 and the denominator$",
    r"^must be a number above 0",
    r"^must not be empty$",
    r"^(Flanders as a whole has no code|a region or municipality needs its code)$",
    r"^stands for Flanders as a whole",
    # a place's code has the form of its type (a region id or a NIS code)
    r"^must be a NIS code of five digits$",
    r"^must be 2 to 40 lowercase letters, digits or '-', starting with a letter$",
    r"^the (GBO project|initiative) reports for",
]

# Statuses that depend on the state of the data, not on the request's form.
STATE_TYPES = {
    412: "urn:problem-type:ssw:precondition-failed",
    422: "urn:problem-type:ssw:unprocessable",
}


@schemathesis.check
def refusals_of_valid_input_name_a_business_rule(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status not in (400, 412, 422):
        return None
    try:
        problem = response.json()
    except Exception:
        raise AssertionError(f"a {status} without a problem document")
    if status in STATE_TYPES:
        if problem.get("type") != STATE_TYPES[status]:
            raise AssertionError(f"a {status} of unexpected type {problem.get('type')}")
        return None
    issues = problem.get("issues") or []
    unexplained = [
        issue
        for issue in issues
        if not any(re.search(rule, issue.get("detail", "")) for rule in BUSINESS_RULES)
    ]
    if not issues or unexplained:
        raise AssertionError(
            "schema-valid input refused for a reason the OpenAPI document does not state: "
            f"{unexplained or problem}"
        )
    return None


@schemathesis.check
def use_after_free_but_history_outlives_its_record(ctx, response, case):
    """Schemathesis' `use_after_free`, except for `…/{id}/history` and a
    measurement's `…/{id}/revisions`.

    A record's history stays readable after the record is deleted: that is
    what an audit trail is for (README, audit), and what a measurement's
    revisions are for. Every other read of a deleted record must be a 404, as
    the built-in check demands.
    """
    if case.path.endswith("/history") or case.path.endswith("/revisions"):
        return None
    return use_after_free(ctx, response, case)
