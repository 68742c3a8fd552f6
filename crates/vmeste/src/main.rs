fn main() -> std::process::ExitCode {
    vmeste::main()
}
