use clap::Parser;

// mimalloc hands large freed blocks (argon2id's 19 MiB per hash) back to the
// system, so a login burst does not leave the resident set grown.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc 2 (`mimalloc.h`), which libmimalloc-sys
/// does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Return freed memory to the system at once rather than after a delay:
    // otherwise each thread that hashed a password keeps its 19 MiB until it
    // allocates again, which can be never.
    // SAFETY: sets a process-wide allocator option; mimalloc allows this at any
    // time, and no other thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    ssw_api::telemetry::init_logging();
    ssw_api::cli::run(ssw_api::cli::Cli::parse())
}
