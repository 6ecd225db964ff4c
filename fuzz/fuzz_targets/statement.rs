//! Statement and predicate parsing never panic, and whatever parses writes back to a document
//! that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance_model::{
    Limits, Provenance, ProvenanceV02, ResourceDescriptor, Statement, VerificationSummary,
};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let _ = Provenance::from_slice(data, &limits);
    let _ = ProvenanceV02::from_slice(data, &limits);
    let _ = VerificationSummary::from_slice(data, &limits);
    let _ = ResourceDescriptor::from_slice(data, &limits);
    let Ok(statement) = Statement::from_slice(data, &limits) else {
        return;
    };
    if let Ok(provenance) = statement.slsa_provenance(&limits) {
        let _ = provenance.as_v1();
    }
    let _ = statement.predicate::<VerificationSummary>(&limits);
    let written = statement
        .to_json_bytes()
        .expect("a parsed statement serialises");
    let again = Statement::from_slice(&written, &limits).expect("written statement parses");
    assert_eq!(again, statement, "round trip changed the statement");
});
