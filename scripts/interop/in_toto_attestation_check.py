#!/usr/bin/env python3
"""Strictly parses statements with the in-toto reference protobufs (PyPI in-toto-attestation).

Usage: in_toto_attestation_check.py [--expect NAME=EXPECTED.json]... STATEMENT.json...

For every statement file:
  1. json_format.ParseDict into in_toto_attestation.v1.statement_pb2.Statement
     (ignore_unknown_fields=False: any field the spec does not define fails);
  2. Statement.validate() (the package's own validator, which also validates every subject
     ResourceDescriptor);
  3. the predicate, parsed again from the JSON, into the SLSA v1 Provenance message
     (predicates.provenance.v1.provenance_pb2.Provenance), strictly;
  4. the provenance validators: the package's own when it ships them, else the rules of the
     upstream Go validator (buildDefinition, buildType, externalParameters, runDetails,
     builder.id required; every ResourceDescriptor valid);
  5. with --expect NAME=FILE: every field of FILE (a JSON object) equals the statement's
     field, for the statement file whose base name is NAME.json.
Prints one line per check and "N passed, M failed"; exits 1 on any failure.
"""

import json
import os
import sys

from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
from in_toto_attestation.v1.statement import Statement
from in_toto_attestation.predicates.provenance.v1 import provenance_pb2

try:  # newer releases ship a provenance wrapper with validate()
    from in_toto_attestation.predicates.provenance.v1.provenance import Provenance as ProvenanceWrapper
except ImportError:  # 0.9.x: protobufs only
    ProvenanceWrapper = None

SLSA_V1 = "https://slsa.dev/provenance/v1"


def validate_rd(rd_pb, where):
    ResourceDescriptor.copy_from_pb(rd_pb).validate()
    if rd_pb.uri == "" and len(rd_pb.digest) == 0 and len(rd_pb.content) == 0:
        raise ValueError(f"{where}: one of uri, digest, content is required")


def validate_provenance(pb):
    if ProvenanceWrapper is not None:
        ProvenanceWrapper.copy_from_pb(pb).validate()
    if not pb.HasField("build_definition"):
        raise ValueError("buildDefinition required")
    bd = pb.build_definition
    if bd.build_type == "":
        raise ValueError("buildDefinition.buildType required")
    if not bd.HasField("external_parameters"):
        raise ValueError("buildDefinition.externalParameters required")
    for i, rd in enumerate(bd.resolved_dependencies):
        validate_rd(rd, f"resolvedDependencies[{i}]")
    if not pb.HasField("run_details"):
        raise ValueError("runDetails required")
    rd = pb.run_details
    if not rd.HasField("builder") or rd.builder.id == "":
        raise ValueError("runDetails.builder.id required")
    for i, dep in enumerate(rd.builder.builder_dependencies):
        validate_rd(dep, f"builderDependencies[{i}]")
    for i, bp in enumerate(rd.byproducts):
        validate_rd(bp, f"byproducts[{i}]")
    md = rd.metadata
    if md.HasField("started_on") and md.HasField("finished_on"):
        if md.finished_on.ToNanoseconds() < md.started_on.ToNanoseconds():
            raise ValueError("metadata.finishedOn is before startedOn")


def require(condition, message):
    if not condition:
        raise ValueError(message)


def subset_mismatch(expected, actual, path="$"):
    """The first path where `expected` is not found in `actual` (dicts compared as subsets)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing"
            found = subset_mismatch(value, actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if expected != actual:
        return f"{path}: expected {expected!r}, found {actual!r}"
    return None


def main(argv):
    expectations = {}
    files = []
    args = iter(argv)
    for arg in args:
        if arg == "--expect":
            name, _, path = next(args).partition("=")
            with open(path, encoding="utf-8") as f:
                expectations[name] = json.load(f)
        else:
            files.append(arg)
    passed = failed = 0

    def check(label, fn):
        nonlocal passed, failed
        try:
            fn()
        except Exception as err:  # noqa: BLE001 - every failure is reported and counted
            failed += 1
            print(f"FAIL {label}: {type(err).__name__}: {err}")
        else:
            passed += 1
            print(f"ok   {label}")

    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        st_pb = statement_pb2.Statement()
        check(f"{name}: Statement parses strictly",
              lambda: json_format.ParseDict(doc, st_pb, ignore_unknown_fields=False))
        check(f"{name}: Statement.validate()", lambda: Statement.copy_from_pb(st_pb).validate())
        check(f"{name}: predicateType is SLSA v1",
              lambda: require(doc.get("predicateType") == SLSA_V1, doc.get("predicateType")))
        prov_pb = provenance_pb2.Provenance()
        check(f"{name}: Provenance parses strictly",
              lambda: json_format.ParseDict(doc["predicate"], prov_pb, ignore_unknown_fields=False))
        check(f"{name}: provenance validators", lambda: validate_provenance(prov_pb))
        if name in expectations:
            def expect():
                mismatch = subset_mismatch(expectations[name], doc)
                if mismatch:
                    raise ValueError(mismatch)
            check(f"{name}: expected fields", expect)
    missing = set(expectations) - {os.path.splitext(os.path.basename(p))[0] for p in files}
    for name in sorted(missing):
        failed += 1
        print(f"FAIL {name}: no statement file for this expectation")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
