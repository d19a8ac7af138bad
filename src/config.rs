//! Settings. Every setting comes from an environment variable (12-factor) and can
//! also be given as a command-line flag; `.env.example` and the README list them.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

/// Settings shared by every subcommand that talks to the database.
#[derive(Args, Debug, Clone)]
pub struct DatabaseSettings {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,

    /// Maximum number of pooled database connections.
    #[arg(long, env = "SSW_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: usize,

    /// Seconds to wait for a database connection before answering 503.
    #[arg(long, env = "SSW_DB_TIMEOUT_SECONDS", default_value_t = 3)]
    pub db_timeout_seconds: u64,

    /// Make the pool's connections at start, one after another, and load the
    /// Dutch search dictionary into each (about 0.2 s and 20 MB per
    /// connection), so that no search waits for it.
    #[arg(long, env = "SSW_DB_WARM_SEARCH", default_value_t = true, action = clap::ArgAction::Set)]
    pub db_warm_search: bool,
}

impl DatabaseSettings {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.db_timeout_seconds.max(1))
    }
}

/// Settings of the HTTP server.
#[derive(Args, Debug, Clone)]
pub struct ServerSettings {
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// Address and port to listen on.
    #[arg(long, env = "SSW_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Number of HTTP worker threads (0: one per CPU core).
    #[arg(long, env = "SSW_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// `development` relaxes the secret checks for local use; anything else is production.
    #[arg(long, env = "SSW_ENV", default_value = "production")]
    pub environment: String,

    /// Secret for signing access tokens (HS256): at least 32 bytes of random data.
    #[arg(
        long,
        env = "SSW_JWT_SECRET",
        hide_env_values = true,
        default_value = ""
    )]
    pub jwt_secret: String,

    /// `iss` claim of issued access tokens.
    #[arg(long, env = "SSW_JWT_ISSUER", default_value = "ssw-api")]
    pub jwt_issuer: String,

    /// `aud` claim of issued access tokens.
    #[arg(long, env = "SSW_JWT_AUDIENCE", default_value = "ssw-api")]
    pub jwt_audience: String,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "SSW_ACCESS_TOKEN_TTL_SECONDS", default_value_t = 900)]
    pub access_token_ttl_seconds: u64,

    /// Lifetime of a session (its refresh tokens), in seconds.
    #[arg(
        long,
        env = "SSW_REFRESH_TOKEN_TTL_SECONDS",
        default_value_t = 1_209_600
    )]
    pub refresh_token_ttl_seconds: u64,

    /// Comma-separated origins allowed by CORS (empty: no cross-origin access).
    #[arg(long, env = "SSW_CORS_ORIGINS", default_value = "")]
    pub cors_origins: String,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "SSW_BODY_LIMIT_BYTES", default_value_t = 1_048_576)]
    pub body_limit_bytes: usize,

    /// Failed logins per account within the window before the account is throttled.
    #[arg(long, env = "SSW_LOGIN_MAX_FAILURES_PER_ACCOUNT", default_value_t = 5)]
    pub login_max_failures_per_account: i32,

    /// Failed logins per client address within the window before the address is throttled.
    #[arg(long, env = "SSW_LOGIN_MAX_FAILURES_PER_CLIENT", default_value_t = 50)]
    pub login_max_failures_per_client: i32,

    /// Length of the login throttling window, in seconds.
    #[arg(long, env = "SSW_LOGIN_WINDOW_SECONDS", default_value_t = 900)]
    pub login_window_seconds: i64,

    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "SSW_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// Let anyone read the published plan without logging in.
    #[arg(long, env = "SSW_PUBLIC_READ", default_value_t = false)]
    pub public_read: bool,

    /// PostgreSQL URL of a streaming replica for the reads that may lag:
    /// reports, list files (exports) and the change feed. Unset: the primary.
    #[arg(long, env = "SSW_READ_DATABASE_URL", hide_env_values = true)]
    pub read_database_url: Option<String>,

    /// Megabytes for reports kept in memory: half for rendered reports, each
    /// served again while no write has been committed since it was computed,
    /// half for indicators' results, each taken again while nothing it reads
    /// was written (0: compute every report afresh).
    #[arg(long, env = "SSW_REPORT_CACHE_MB", default_value_t = 32)]
    pub report_cache_mb: u64,

    /// Megabytes for list pages kept in memory, each served again while no
    /// write it could show has been committed since it was read (0: read
    /// every page afresh).
    #[arg(long, env = "SSW_PAGE_CACHE_MB", default_value_t = 16)]
    pub page_cache_mb: u64,

    /// Largest file an import takes, in bytes (a larger one is a 413).
    #[arg(long, env = "SSW_IMPORT_MAX_BYTES", default_value_t = 104_857_600)]
    pub import_max_bytes: u64,

    /// Imports of files up to this many bytes answer when they are done;
    /// larger ones answer 202 at once and run in the background.
    #[arg(long, env = "SSW_IMPORT_WAIT_BYTES", default_value_t = 1_048_576)]
    pub import_wait_bytes: u64,

    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.
    #[arg(long, env = "SSW_SHUTDOWN_TIMEOUT_SECONDS", default_value_t = 30)]
    pub shutdown_timeout_seconds: u64,

    /// Password hashes (argon2id, 19 MiB and tens of milliseconds of CPU each)
    /// that may run at once; 0 means half the cores, at least one. The rest of
    /// the cores stay free for requests during a login burst.
    #[arg(long, env = "SSW_PASSWORD_HASHES", default_value_t = 0)]
    pub password_hashes: usize,
}

/// Why the server refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "SSW_JWT_SECRET must be set to at least 32 bytes (set SSW_ENV=development to use a throwaway secret)"
    )]
    WeakSecret,
    #[error("SSW_ACCESS_TOKEN_TTL_SECONDS and SSW_REFRESH_TOKEN_TTL_SECONDS must be positive")]
    BadLifetime,
}

impl ServerSettings {
    pub fn is_development(&self) -> bool {
        self.environment.eq_ignore_ascii_case("development")
    }

    /// Checks the settings and returns the signing secret to use.
    pub fn signing_secret(&self) -> Result<Vec<u8>, SettingsError> {
        if self.access_token_ttl_seconds == 0 || self.refresh_token_ttl_seconds == 0 {
            return Err(SettingsError::BadLifetime);
        }
        if self.jwt_secret.len() >= 32 {
            return Ok(self.jwt_secret.as_bytes().to_vec());
        }
        if self.is_development() {
            log::warn!("development mode: using a random JWT secret; tokens end with the process");
            return Ok(crate::auth::secrets::random_bytes(32));
        }
        Err(SettingsError::WeakSecret)
    }

    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_origins
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: ServerSettings,
    }

    fn settings(args: &[&str]) -> ServerSettings {
        let mut argv = vec!["ssw-api", "--database-url", "postgres://localhost/x"];
        argv.extend_from_slice(args);
        Cli::parse_from(argv).settings
    }

    #[test]
    fn production_refuses_a_missing_or_short_secret() {
        assert!(matches!(
            settings(&[]).signing_secret(),
            Err(SettingsError::WeakSecret)
        ));
        let short = "x".repeat(31);
        assert!(matches!(
            settings(&["--jwt-secret", &short]).signing_secret(),
            Err(SettingsError::WeakSecret)
        ));
        let long = "x".repeat(32);
        assert_eq!(
            settings(&["--jwt-secret", &long]).signing_secret().unwrap(),
            long.as_bytes()
        );
    }

    #[test]
    fn development_mode_uses_a_random_secret_when_none_is_given() {
        let dev = settings(&["--environment", "development"]);
        let (a, b) = (dev.signing_secret().unwrap(), dev.signing_secret().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn zero_token_lifetimes_are_refused() {
        let long = "x".repeat(32);
        let s = settings(&["--jwt-secret", &long, "--access-token-ttl-seconds", "0"]);
        assert!(matches!(
            s.signing_secret(),
            Err(SettingsError::BadLifetime)
        ));
    }

    #[test]
    fn cors_origins_are_a_trimmed_comma_separated_list() {
        let s = settings(&["--cors-origins", " https://a.example , ,https://b.example"]);
        assert_eq!(s.cors_origins(), ["https://a.example", "https://b.example"]);
    }
}
