//! Prints the JSON Schema the model must answer in, for the kinds given (default: all).
fn main() {
    let kinds = std::env::args()
        .nth(1)
        .map(|k| llm_client::parse_kinds(&k).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|| llm_client::KindWanted::ALL.to_vec());
    let schema = llm_client::answer::schema(&kinds, 40);
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    );
}
