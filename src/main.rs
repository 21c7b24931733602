fn main() -> std::process::ExitCode {
    huntbench::cli::main()
}
