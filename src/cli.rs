//! The command line: `serve`, `migrate`, `create-user`, `seed`, `openapi`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::auth::password::PasswordService;
use crate::config::{DatabaseSettings, ServerSettings};

use crate::domain::Role;
use crate::service::users::{self, UserCreate};
use crate::service::{self, ServiceError, Writer};
use crate::startup::Application;
use crate::storage;

#[derive(Parser, Debug)]
#[command(name = "ssw-api", version, about = "The Sterk Sociaal Werk API")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP until SIGTERM or Ctrl-C.
    Serve(ServerSettings),
    /// Apply pending database migrations.
    Migrate(DatabaseSettings),
    /// Create a user; the password comes from SSW_NEW_USER_PASSWORD or is generated and printed once.
    CreateUser(CreateUser),
    /// Load the demo data set: an example plan with its organisations, all marked as examples.
    Seed(DatabaseSettings),
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(clap::Args, Debug)]
pub struct CreateUser {
    #[command(flatten)]
    pub database: DatabaseSettings,
    /// E-mail address.
    #[arg(long, env = "SSW_NEW_USER_EMAIL")]
    pub email: String,
    /// Display name.
    #[arg(long, env = "SSW_NEW_USER_NAME", default_value = "Administrator")]
    pub display_name: String,
    /// Role: admin, steering, coordinator, contributor or reader.
    #[arg(long, default_value = "admin")]
    pub role: Role,
    /// Region (coordinators).
    #[arg(long)]
    pub region: Option<String>,
    /// Password; generated when absent.
    #[arg(long, env = "SSW_NEW_USER_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Do nothing when an active administrator already exists (for first-run set-up).
    #[arg(long)]
    pub if_no_admin: bool,
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

fn migrate(database_url: &str) -> Result<(), String> {
    let applied = storage::run_migrations(database_url)?;
    for migration in applied {
        log::info!("applied migration {migration}");
    }
    Ok(())
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve(settings) => serve(settings),
        Command::Migrate(settings) => migrate(&settings.database_url),
        Command::CreateUser(args) => create_user(args),
        Command::Seed(settings) => seed(&settings),
        Command::Openapi => crate::openapi::document()
            .and_then(|doc| serde_json::to_string_pretty(&doc))
            .map(|json| println!("{json}"))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: ServerSettings) -> Result<(), String> {
    // Migrations run before the actix system starts: their harness blocks.
    migrate(&settings.database.database_url)?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings.clone(), true).map_err(|e| e.to_string())?;
        log::info!(
            "serving on http://{}:{} (Swagger UI at /docs)",
            settings.bind.ip(),
            app.port()
        );
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn create_user(args: CreateUser) -> Result<(), String> {
    let (password, generated) = match args.password.filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (crate::auth::secrets::random_token()[..24].to_owned(), true),
    };
    let passwords = PasswordService::new(1).map_err(|e| e.to_string())?;
    runtime().map_err(|e| e.to_string())?.block_on(async move {
        let pool = storage::build_pool(&args.database);
        let mut conn = service::connect(&pool).await.map_err(problem)?;
        if args.if_no_admin && !users::no_active_admin(&mut conn).await.map_err(problem)? {
            println!("An administrator exists already; no user created.");
            return Ok(());
        }
        let input = UserCreate {
            email: args.email,
            display_name: args.display_name,
            password: password.clone(),
            role: args.role,
            region_id: args.region,
            organisation_id: None,
        };
        let writer = Writer::command_line();
        let user = users::create(&mut conn, &writer, &passwords, input)
            .await
            .map_err(problem)?;
        println!("Created {} {} ({}).", user.role, user.email, user.id);
        if generated {
            println!("Password (shown only now): {password}");
        }
        Ok(())
    })
}

/// A refusal of a use case, as one line for the operator.
fn problem(error: ServiceError) -> String {
    match error {
        ServiceError::Invalid(issues) => issues
            .iter()
            .map(|issue| format!("{}: {}", issue.name, issue.detail))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Loads the demo data set (`crate::seed`): example data, never the real plan.
fn seed(settings: &DatabaseSettings) -> Result<(), String> {
    runtime().map_err(|e| e.to_string())?.block_on(async move {
        let pool = storage::build_pool(settings);
        let mut conn = service::connect(&pool).await.map_err(problem)?;
        let seeded = crate::seed::run(&mut conn).await.map_err(problem)?;
        let plan = &seeded.plan;
        println!(
            "Demo data (example data, not the real plan): {} example organisations added, {} municipalities added.",
            plan.organisations_added, plan.municipalities_added
        );
        if plan.created {
            println!(
                "Example plan {} created: {} challenges, {} actions, {} initiatives, {} progress updates.",
                crate::seed::PLAN_CODE,
                plan.challenges.len(),
                plan.actions.len(),
                plan.initiatives.len(),
                plan.progress_updates_added
            );
        } else {
            println!(
                "Example plan {} is there already; nothing added to it.",
                crate::seed::PLAN_CODE
            );
        }
        let results = &seeded.results;
        println!(
            "Results: {} example GBO projects, {} indicators, {} measurements added ({} corrected); {} conferences known.",
            results.gbo_projects,
            results.indicators,
            results.measurements,
            results.corrections,
            results.conferences
        );
        println!(
            "Practices: {} example good practices added.",
            seeded.practices
        );
        println!(
            "Proposals: {} example proposals for new actions added, in every state.",
            seeded.proposals
        );
        match crate::seed::imports::check_example(&pool).await.map_err(problem)? {
            Some(job) => println!(
                "Example import {} (a check of a spreadsheet of measurements, mode=validate): {} rows read, {} rejected.",
                job.id, job.counts.read, job.counts.rejected
            ),
            None => println!("No example import: the example data holds no indicator with two values."),
        }
        Ok(())
    })
}
