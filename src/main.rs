//! The `rehearse` command: all of it is in the library's command line,
//! which parses flags, calls the library and writes what it returns.

use std::process::ExitCode;

fn main() -> ExitCode {
    rehearse::cli::main(std::env::args_os(), rehearse::cli::Environment::detect())
}
