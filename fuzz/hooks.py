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

import json
import os
import random
import re

import schemathesis
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import use_after_free

# The reasons (problem `issues[].detail`) that are rules beyond the schema.
BUSINESS_RULES = [
    # references to records that must exist
    r"^no such [a-z ]+$",
    r"^no known municipality has this NIS code$",
    r"^is not a challenge of the (action|proposal)'s plan$",
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
    r"^must not hold the lead organisation$",
    r"^Flanders-wide work has no other regions",
    # results: rules between fields, and rules that depend on the indicator named
    r"^is required: a period id",
    r"^give either period or periodStart and periodEnd, not both$",
    r"^is required with period(Start|End)$",
    r"^a region or municipality needs its code$",
    r"^stands for Flanders as a whole: use the place type flanders$",
    r"^(is required: )?an? (count|amount|percentage|qualitative) indicator takes",
    r"^the indicator is reported per (year|quarter|month)",
    r"^the (GBO project|initiative) reports for its own",
    r"^the (year|date) must lie between \d{4} and \d{4}$",
    r"^must lie between 0 and the denominator$",
    r"^a count is a whole number",
    r"^a percentage is a number from 0 to 100$",
    r"^(an amount needs its unit|only an amount has a unit|say whether a higher or a lower value is better)$",
    r"^(text values |percentages are never averaged|cumulative values are running totals)",
    r"^is required unless a standard indicator is named$",
    r"^is set by the standard indicator",
    r"^each date has one target$",
    r"^names an organisation more than once$",
    r"^must lie in the conference's year \d{4}$",
    # a day that the calendar does not have (2023-02-30) in a day-or-period parameter
    r"^must be a date \(\d{4}-\d{2}-\d{2}\) or a period id",
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
    # reports: rules between parameters
    r"^with `region`, the level is `region` or `municipality`$",
    r"^must not come before `from`$",
    r"^must not be after today",
    # a list as a file holds the whole collection: no paging then
    r"^a file holds every [\w ]+ the filters select",
    # the change feed's cursor is opaque: only the feed makes one
    r"^is not a cursor of this feed",
    # practices: their life cycle, and a review after the publication
    r"^an? (draft|published|archived) practice cannot become (draft|published|archived)$",
    r"^must not be before the publication date$",
    # practices: a search needs a word to search for; relevance orders a search
    r"^holds only words too common to search for",
    r"^holds no word to search for",
    r"^is empty: give at least one word to search for",
    r"^relevance orders a search: give q as well$",
    # proposals: a proposing region, reasons for a refusal and a reconsideration,
    # and an accepted proposal's action keeps where it came from
    r"^is required: name the proposing regional platform$",
    r"^is required to (reject or return a proposal|reconsider a decision)$",
    r"^an action accepted from a proposal stays a regionalProposal of its region$",
]

# Statuses that depend on the state of the data, not on the request's form. An
# import's body is a file whose rows the document cannot describe: a file that
# cannot be read, or an atomic one with rejected rows, is a 422 of its own kind.
STATE_TYPES = {
    412: ("urn:problem-type:ssw:precondition-failed",),
    422: (
        "urn:problem-type:ssw:unprocessable",
        "urn:problem-type:ssw:import-failed",
        "urn:problem-type:ssw:import-rejected",
    ),
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
        if problem.get("type") not in STATE_TYPES[status]:
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


# Real records to work on: fuzz/run.sh seeds the example plan and writes the
# ids of its records (fuzz/records.sql) to the file FUZZ_RECORDS names.
# Generated identifiers in paths, and in four bodies out of five, are swapped
# for real ones, so the fuzzer reaches the logic behind a record instead of a
# 404 or a "no such record". Only values already well-formed are swapped, each distinct value
# by one real one, so that input meant to be invalid stays invalid.
_RECORDS = {}
if os.environ.get("FUZZ_RECORDS"):
    with open(os.environ["FUZZ_RECORDS"]) as f:
        _RECORDS = {k: v for k, v in json.load(f).items() if v}

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NIS = re.compile(r"^[0-9]{5}$")

# Body members that name a record, and the collection it comes from.
_BODY_REFERENCES = {
    "planId": "plans",
    "actionId": "actions",
    "initiativeId": "initiatives",
    "gboProjectId": "gboProjects",
    "indicatorId": "indicators",
    "challengeIds": "challenges",
    "organisationId": "organisations",
    "leadOrganisationId": "organisations",
    "leadOrganisationIds": "organisations",
    "partnerOrganisationIds": "organisations",
    "organisationIds": "organisations",
    "initiativeIds": "initiatives",
    "gboProjectIds": "gboProjects",
    "actionIds": "actions",
    "practiceIds": "practices",
    "primaryCareZoneId": "primaryCareZones",
    "regionId": "regions",
    "proposedByRegionId": "regions",
    "regions": "regions",
    "municipality": "municipalities",
    "municipalities": "municipalities",
    "standard": "standardIndicators",
}
_SUBJECTS = {"plan": "plans", "action": "actions", "initiative": "initiatives", "gboProject": "gboProjects"}


def _well_formed(collection, value):
    if not isinstance(value, str):
        return False
    if collection == "municipalities":
        return bool(_NIS.match(value))
    if collection in ("regions", "standardIndicators"):
        return True
    return bool(_UUID.match(value))


class _Swap:
    """Replaces each distinct well-formed value by its own real record, chosen by `rnd`.

    Distinct values get distinct records (while there are enough), so a list
    without repeats stays without repeats, and a repeat stays a repeat.
    """

    def __init__(self, rnd, method=None):
        self.rnd = rnd
        self.method = (method or "").upper()
        self.chosen = {}
        self.used = set()

    def one(self, collection, value):
        ids = _RECORDS.get(collection)
        if ids and len(ids) > 1 and self.method:
            # Deletes take the second half of a collection, everything else
            # the first, so that a delete that succeeds (a guessed If-Match)
            # leaves records for the other operations.
            half = len(ids) // 2
            ids = ids[half:] if self.method == "DELETE" else ids[:half]
        if not ids or not _well_formed(collection, value):
            return value
        key = (collection, value)
        if key not in self.chosen:
            free = [i for i in ids if (collection, i) not in self.used]
            if not free:
                return value
            self.chosen[key] = self.rnd.choice(free)
            self.used.add((collection, self.chosen[key]))
        return self.chosen[key]

    def member(self, collection, value):
        if isinstance(value, list):
            return [self.one(collection, v) for v in value]
        return self.one(collection, value)

    def body(self, value):
        if isinstance(value, list):
            return [self.body(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for name, member in value.items():
            if name in _BODY_REFERENCES:
                out[name] = self.member(_BODY_REFERENCES[name], member)
            elif name == "subject" and isinstance(member, dict) and isinstance(member.get("type"), str) \
                    and member["type"] in _SUBJECTS:
                out[name] = {**member, "id": self.one(_SUBJECTS[member["type"]], member.get("id"))}
            elif name == "place" and isinstance(member, dict):
                kind = member.get("type")
                kind = {"region": "regions", "municipality": "municipalities"}.get(kind) if isinstance(kind, str) else None
                out[name] = {**member, "code": self.one(kind, member.get("code"))} if kind and "code" in member else member
            else:
                out[name] = self.body(member)
        return out


def _keep_some():
    # One body in five keeps the identifiers it was generated with.
    return st.tuples(st.integers(0, 4), st.randoms(use_true_random=False))


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not _RECORDS or context.operation is None or not path_parameters:
        return st.just(path_parameters)
    segments = context.operation.path.split("/")

    # Reading a user: the reader's own account, the one other users may read.
    # Changing one: accounts made for it, never one the fuzzer signs in with.
    own = "ownUsers" if context.operation.method.upper() == "GET" else "users"

    def swap(rnd):
        swapped = dict(path_parameters)
        if "keyId" in path_parameters:
            # An API key is named under its own service account.
            pairs = _RECORDS.get("apiKeys")
            if pairs and all(_UUID.match(str(v)) for v in path_parameters.values()):
                swapped["id"], swapped["keyId"] = rnd.choice(pairs)
            return swapped
        for name, value in path_parameters.items():
            marker = "{" + name + "}"
            if marker in segments:
                collection = segments[segments.index(marker) - 1]
                if collection == "users":
                    collection = own
                swapped[name] = _Swap(rnd, context.operation.method).one(collection, value)
        return swapped

    # Path identifiers are always real ones: an unknown one is a 404 that the
    # tests in tests/api cover; here every call should reach a record.
    return st.randoms(use_true_random=False).map(swap)


@schemathesis.hook
def flatmap_body(context, body):
    if not _RECORDS or not isinstance(body, (dict, list)):
        return st.just(body)
    return _keep_some().map(lambda choice: body if choice[0] == 0 else _Swap(choice[1]).body(body))


@schemathesis.hook
def before_call(context, case, kwargs):
    """The accounts the fuzzer signs in with are never changed, and the change
    feed is not kept waiting.

    Stateful sequences can carry one's id into `PATCH /users/{id}` (from
    `GET /me`, say); an administrator's call would then demote or deactivate
    the fuzzer's own identity and every later call would fail to sign in. Such
    a call goes to an account made to be changed instead.
    """
    # The change feed's `wait` only waits for a change: at most a second
    # here, so that the run's time goes to requests, not to waiting.
    if case.operation.path == "/api/v1/changes" and isinstance(case.query, dict):
        wait = case.query.get("wait")
        if isinstance(wait, int) and not isinstance(wait, bool) and wait > 1:
            case.query = {**case.query, "wait": 1}
    if case.operation.path != "/api/v1/users/{id}" or case.method.upper() == "GET":
        return
    if str((case.path_parameters or {}).get("id")) in (_RECORDS.get("identities") or []):
        case.path_parameters = {**case.path_parameters, "id": _RECORDS["users"][0]}


@schemathesis.hook
def map_case(context, case):
    """Real ids in the paths of the coverage phase too.

    The coverage phase builds its cases without the strategies above and runs
    only `map_case`; the swap is seeded by the generated values, so a run is
    the same every time.
    """
    if case.meta is None or case.meta.phase.name.value != "coverage":
        return case
    if case.query:
        case.query = _swap_query(context, case.query)
    if not _RECORDS or not case.path_parameters or context.operation is None:
        return case
    segments = context.operation.path.split("/")
    if "{keyId}" in segments:
        return case
    rnd = random.Random(repr(sorted(case.path_parameters.items())) + context.operation.path)
    own = "ownUsers" if context.operation.method.upper() == "GET" else "users"
    swap = _Swap(rnd, context.operation.method)
    swapped = dict(case.path_parameters)
    for name, value in case.path_parameters.items():
        marker = "{" + name + "}"
        if marker in segments:
            collection = segments[segments.index(marker) - 1]
            swapped[name] = swap.one(own if collection == "users" else collection, value)
    case.path_parameters = swapped
    return case


# Query parameters of the reports that name a record, and its collection.
_QUERY_REFERENCES = {
    "plan": "plans",
    "challenge": "challenges",
    "action": "actions",
    "initiative": "initiatives",
    "gboProject": "gboProjects",
    "indicator": "indicators",
    "region": "regions",
}


_PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f-\x9f]{1,50}$")


def _swap_query(context, query):
    """Real records in the reports' filters, for schema-valid values only.

    A report asked for an unknown plan is a 404, which tests/api covers; here
    a valid request should compute figures. `plan` takes an id or a code, and
    `region` an id, so any value of the form the document allows is swapped;
    a value meant to be invalid is left as it is.
    """
    if not _RECORDS or not query or context.operation is None:
        return query
    if not context.operation.path.startswith("/api/v1/reports/"):
        return query
    rnd = random.Random(repr(sorted(query.items())) + context.operation.path)
    swapped = dict(query)
    for name, collection in _QUERY_REFERENCES.items():
        value = query.get(name)
        ids = _RECORDS.get(collection)
        if not ids or not isinstance(value, str):
            continue
        valid = _PRINTABLE.match(value) if name in ("plan", "region") else _UUID.match(value)
        if valid:
            swapped[name] = rnd.choice(ids)
    return swapped


@schemathesis.hook
def map_query(context, query):
    return _swap_query(context, query)
