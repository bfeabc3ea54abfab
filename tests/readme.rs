//! README's tables are the code's: the config keys (one row per key of
//! `gan::keys::KEYS`, with its default, values, live or reset, meaning).

#[test]
fn readme_holds_the_config_key_table_of_the_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let table = ganscope::gan::keys::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's config-key table differs from the code; it should read:\n\n{table}"
    );
}
