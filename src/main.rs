use clap::Parser;

// mimalloc hands large freed blocks (argon2id's 19 MiB per hash) back to the
// system, so a login burst does not leave the resident set grown.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ssw_api::telemetry::init_logging();
    ssw_api::cli::run(ssw_api::cli::Cli::parse())
}
