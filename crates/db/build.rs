// `sqlx::migrate!` embeds the migration folders at compile time, but cargo
// does not know it reads them: without this, a new migration file leaves
// the crate unbuilt and the binary without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
