use clap::Parser;

fn main() -> std::process::ExitCode {
    ssw_api::telemetry::init_logging();
    ssw_api::cli::run(ssw_api::cli::Cli::parse())
}
