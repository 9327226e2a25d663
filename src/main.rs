use std::process::ExitCode;

fn main() -> ExitCode {
    rehearse::cli::main(std::env::args_os(), rehearse::cli::Environment::detect())
}
