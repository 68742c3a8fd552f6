// mimalloc rather than glibc's malloc: under intake load glibc's took about
// 12 % of the request workers' samples, most of it consolidating and
// unlinking free chunks (docs/PERFORMANCE.md, issue 8).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vmeste::main()
}
