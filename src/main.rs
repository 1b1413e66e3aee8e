//! The `quire` binary: dispatches to `cli` and exits with its code.

#![forbid(unsafe_code)]

mod cli;

fn main() {
    std::process::exit(cli::run());
}
