//! The `quire` binary: dispatches to `cli` and exits with its code.

#![forbid(unsafe_code)]

mod cli;

/// mimalloc rather than the system's allocator: a build makes and frees
/// millions of small vectors and strings, on every thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
