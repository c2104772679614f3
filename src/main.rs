//! The `static-first` binary: parse the command line, run, exit with the documented code.

fn main() -> std::process::ExitCode {
    static_first::cli::main()
}
