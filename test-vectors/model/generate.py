#!/usr/bin/env python3
"""Deterministic generator of the provenance-model test cases in this folder.

Each case is a folder <name>/ with README.md, input.json and expected.json; folders whose
name ends in `_fail` must be rejected. Re-run with `python3 generate.py` (from any directory);
the output is byte-for-byte reproducible. crates/provenance-model/tests/model_vectors.rs walks
the folders.

expected.json:
  "statement": "ok" | {"error": <provenance_model::Error variant>, "path": <field path>}
  "predicate": absent (not read) | "ok" | "mismatch" (predicateType is not the typed one)
               | {"error": ..., "path": ...}
  "predicate_as": "slsa" | "vsa"  (how to read the predicate)
  "schema": "valid" | "invalid" | "skip" (input the schemas cannot judge: not JSON,
            duplicate keys, nesting depth)
  "round_trip": "exact" (emitted bytes equal input.json) | "value" (equal as JSON values)
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
E3 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
V1 = "https://in-toto.io/Statement/v1"
V01 = "https://in-toto.io/Statement/v0.1"
SLSA1 = "https://slsa.dev/provenance/v1"
SLSA02 = "https://slsa.dev/provenance/v0.2"
VSA = "https://slsa.dev/verification_summary/v1"


def compact(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def subject(name="app.tar.gz", digest=None):
    return {"name": name, "digest": digest or {"sha256": E3}}


def slsa_v1(**over):
    p = {
        "buildDefinition": {
            "buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {
                "workflow": {
                    "ref": "refs/heads/main",
                    "repository": "https://github.com/octo/app",
                    "path": ".github/workflows/release.yml",
                }
            },
            "internalParameters": {"github": {"event_name": "push", "repository_id": "1",
                                              "repository_owner_id": "2",
                                              "runner_environment": "github-hosted"}},
            "resolvedDependencies": [
                {"uri": "git+https://github.com/octo/app@refs/heads/main",
                 "digest": {"gitCommit": COMMIT}}
            ],
        },
        "runDetails": {
            "builder": {"id": "https://github.com/octo/app/.github/workflows/release.yml@refs/heads/main"},
            "metadata": {"invocationId": "https://github.com/octo/app/actions/runs/1/attempts/1",
                         "startedOn": "2024-01-01T00:00:00Z", "finishedOn": "2024-01-01T00:05:00Z"},
        },
    }
    p.update(over)
    return p


def statement(predicate, predicate_type=SLSA1, type_=V1, subjects=None, **extra):
    doc = {"_type": type_, "subject": subjects if subjects is not None else [subject()],
           "predicateType": predicate_type, "predicate": predicate}
    doc.update(extra)
    return doc


def err(variant, path):
    return {"error": variant, "path": path}


CASES = []


def case(name, readme, doc=None, raw=None, statement_outcome="ok", predicate=None,
         predicate_as="slsa", schema=None, round_trip="value"):
    text = raw if raw is not None else compact(doc)
    if schema is None:
        schema = "valid" if statement_outcome == "ok" and predicate in (None, "ok", "mismatch") else "invalid"
    expected = {"statement": statement_outcome}
    if predicate is not None:
        expected["predicate"] = predicate
        expected["predicate_as"] = predicate_as
    expected["schema"] = schema
    if statement_outcome == "ok":
        expected["round_trip"] = round_trip
    CASES.append((name, readme, text, expected))


# --- accepted -------------------------------------------------------------------------
case("statement-v1-slsa-v1", "A complete Statement v1 with a SLSA v1 predicate in GitHub's shape.",
     statement(slsa_v1()), predicate="ok", round_trip="exact")
case("statement-v01-slsa-v02", "Statement v0.1 with a SLSA v0.2 predicate (slsa-github-generator shape, "
     "including its `buildInvocationID` spelling).",
     statement({
         "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0"},
         "buildType": "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
         "invocation": {"configSource": {"uri": "git+https://github.com/octo/app@refs/heads/main",
                                         "digest": {"sha1": COMMIT}, "entryPoint": ".github/workflows/r.yml"},
                        "parameters": {}, "environment": {"github_event_name": "push"}},
         "metadata": {"buildInvocationID": "1-1", "completeness": {"parameters": True, "environment": False,
                                                                   "materials": False}, "reproducible": False},
         "materials": [{"uri": "git+https://github.com/octo/app@refs/heads/main", "digest": {"sha1": COMMIT}}],
     }, predicate_type=SLSA02, type_=V01), predicate="ok", round_trip="exact")
case("unknown-fields-kept", "Unknown fields at every level are kept and written back (sorted after "
     "the known fields).",
     statement(slsa_v1(zExtra={"b": 1, "a": [True, None]}), aTop="x",
               subjects=[{"name": "a", "digest": {"sha256": E3, "customAlg": "Not-Hex!"}, "x-note": 1}]),
     predicate="ok")
case("slsa-v1.0-predicate-type", "witness writes predicateType `https://slsa.dev/provenance/v1.0`: a valid "
     "Statement whose predicate must NOT be taken as SLSA Provenance v1.",
     statement(slsa_v1(), predicate_type="https://slsa.dev/provenance/v1.0"), predicate="mismatch",
     round_trip="exact")
case("subject-unknown-algorithm-only", "A subject whose only digest uses an algorithm the spec does not "
     "name is a valid Statement (a verifier must still not match on it).",
     statement({}, predicate_type="https://example.com/p/v1",
               subjects=[{"name": "_", "digest": {"gce_image_id": "8970095005306000053"}}]), round_trip="exact")
case("vsa-failed", "A VSA with verificationResult FAILED and all optional fields.",
     statement({"verifier": {"id": "https://example.com/verifier", "version": {"v": "1"}},
                "timeVerified": "2024-01-01T00:00:00.123Z", "resourceUri": "pkg:generic/app@1",
                "policy": {"uri": "https://example.com/policy", "digest": {"sha256": E3}},
                "inputAttestations": [{"uri": "https://example.com/att", "digest": {"sha256": E3}}],
                "verificationResult": "FAILED", "verifiedLevels": [],
                "dependencyLevels": {"SLSA_BUILD_LEVEL_1": 2}, "slsaVersion": "1.0"},
               predicate_type=VSA), predicate="ok", predicate_as="vsa", round_trip="exact")

# --- rejected: not a statement ----------------------------------------------------------
case("link-rejected_fail", "An in-toto link `_type` must not pass as a Statement.",
     statement({}, type_="https://in-toto.io/Link/v1"), statement_outcome=err("NotAStatement", ""))
case("metablock-rejected_fail", "A legacy in-toto metablock (signed link) must not pass as a Statement.",
     {"signed": {"_type": "link", "name": "build"}, "signatures": []},
     statement_outcome=err("NotAStatement", ""))
case("statement-v2_fail", "Unknown Statement versions are rejected.",
     statement({}, type_="https://in-toto.io/Statement/v2"),
     statement_outcome=err("UnsupportedStatementType", ""))
case("not-json_fail", "Trailing data after the document.", raw=compact(statement({})) + " {}",
     statement_outcome=err("Json", ""), schema="skip")
case("duplicate-key_fail", "A duplicated key makes a document ambiguous (parsers differ on which "
     "value wins); rejected wherever it occurs.",
     raw=compact(statement(slsa_v1()))[:-1] + ',"predicateType":"https://example.com/other"}',
     statement_outcome=err("DuplicateKey", ""), schema="skip")

# --- rejected: subjects ------------------------------------------------------------------
case("subject-empty-list_fail", "At least one subject is required.", statement({}, subjects=[]),
     statement_outcome=err("Empty", "subject"))
case("subject-no-digest_fail", "A subject must have a digest.",
     statement({}, subjects=[subject(), {"name": "b", "uri": "https://example.com/b"}]),
     statement_outcome=err("SubjectDigestMissing", "subject[1]"))
case("subject-empty-digest_fail", "An empty digest set is no digest.",
     statement({}, subjects=[{"name": "b", "digest": {}}]),
     statement_outcome=err("SubjectDigestMissing", "subject[0]"))
case("subject-uppercase-hex_fail", "Digests of the algorithms the spec names are lowercase hex.",
     statement({}, subjects=[subject(digest={"sha256": E3.upper()})]),
     statement_outcome=err("InvalidDigest", "subject[0].digest.sha256"))
case("subject-short-digest_fail", "A sha512 digest must have 128 hex characters.",
     statement({}, subjects=[subject(digest={"sha512": E3})]),
     statement_outcome=err("InvalidDigest", "subject[0].digest.sha512"))
case("too-many-subjects_fail", "1025 subjects exceed the default limit of 1024 (sigstore-go's bound).",
     statement({}, subjects=[subject(name=f"f{i}") for i in range(1025)]),
     statement_outcome=err("LimitExceeded", "subject"))
case("too-many-digests_fail", "33 digests on one subject exceed the default limit of 32.",
     statement({}, subjects=[subject(digest={f"alg{i:02}": "x" for i in range(33)})]),
     statement_outcome=err("LimitExceeded", "subject[0].digest"))

# --- rejected: statement fields ------------------------------------------------------------
case("predicate-type-empty_fail", "predicateType must not be empty.",
     statement({}, predicate_type=""), statement_outcome=err("Empty", "predicateType"))
case("predicate-missing_fail", "predicate is required (as in the in-toto reference validators).",
     {"_type": V1, "subject": [subject()], "predicateType": SLSA1},
     statement_outcome=err("MissingField", "predicate"))
case("predicate-not-object_fail", "predicate must be a JSON object.",
     statement([1, 2]), statement_outcome=err("WrongType", "predicate"))
case("deep-nesting_fail", "Nesting deeper than the default limit of 64 is rejected while parsing.",
     raw=compact(statement({}))[:-1] + ',"deep":' + "[" * 70 + "]" * 70 + "}",
     statement_outcome=err("LimitExceeded", "deep" + "[0]" * 63), schema="skip")

# --- rejected: predicates -------------------------------------------------------------------
bad_time = slsa_v1()
bad_time["runDetails"]["metadata"]["startedOn"] = "2024-01-01 00:00:00"
case("slsa-bad-timestamp_fail", "Timestamps are RFC 3339.", statement(bad_time),
     predicate=err("InvalidTimestamp", "predicate.runDetails.metadata.startedOn"))
name_only = slsa_v1()
name_only["buildDefinition"]["resolvedDependencies"] = [{"name": "only-a-name"}]
case("slsa-dependency-name-only_fail", "A resource descriptor needs one of uri, digest, content.",
     statement(name_only), predicate=err("DescriptorEmpty", "predicate.buildDefinition.resolvedDependencies[0]"))
no_builder_id = slsa_v1()
no_builder_id["runDetails"]["builder"] = {"id": ""}
case("slsa-empty-builder-id_fail", "runDetails.builder.id is required and non-empty.",
     statement(no_builder_id), predicate=err("Empty", "predicate.runDetails.builder.id"))
bad_content = slsa_v1()
bad_content["buildDefinition"]["resolvedDependencies"] = [{"content": "not base64!"}]
case("slsa-content-not-base64_fail", "content is base64.", statement(bad_content),
     predicate=err("InvalidBase64", "predicate.buildDefinition.resolvedDependencies[0].content"))
case("vsa-bad-result_fail", "verificationResult is PASSED or FAILED (exact case).",
     statement({"verifier": {"id": "https://example.com/verifier"}, "resourceUri": "pkg:generic/app@1",
                "policy": {"uri": "https://example.com/policy"}, "verificationResult": "passed",
                "verifiedLevels": ["SLSA_BUILD_LEVEL_1"]}, predicate_type=VSA),
     predicate=err("InvalidVerificationResult", "predicate.verificationResult"), predicate_as="vsa")


def main():
    for entry in os.listdir(HERE):
        path = os.path.join(HERE, entry)
        if os.path.isdir(path):
            shutil.rmtree(path)
    for name, readme, text, expected in CASES:
        folder = os.path.join(HERE, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "README.md"), "w", encoding="utf-8") as f:
            f.write(f"# {name}\n\n{readme}\n\nGenerated by `../generate.py`.\n")
        with open(os.path.join(folder, "input.json"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(expected, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
