// `fluent_templates::static_loader!` compiles in every `.ftl` file under
// `locales`, but cargo does not know it reads them: without this, a new
// file of texts leaves the crate unbuilt and its ids missing.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
