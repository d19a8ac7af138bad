use std::sync::OnceLock;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use ssw_api::config::{DatabaseSettings, ServerSettings};
use ssw_api::domain::Role;
use ssw_api::startup::Application;
use ssw_api::storage::{self, DbPool, principals};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

fn admin_url() -> String {
    std::env::var("SSW_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:55432/postgres".into())
}

fn template() -> String {
    std::env::var("SSW_TEST_TEMPLATE").unwrap_or_else(|_| "ssw_template".into())
}

fn with_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
    format!("{base}/{name}")
}

/// The hash of [`PASSWORD`], computed once per test process.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| ssw_api::auth::password::hash_blocking(PASSWORD).expect("hash"))
}

pub struct TestUser {
    pub id: Uuid,
    pub email: String,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub db_name: String,
    pub database_url: String,
    pub jwt_secret: String,
    handle: actix_web::dev::ServerHandle,
}

pub fn settings(database_url: &str) -> ServerSettings {
    ServerSettings {
        database: DatabaseSettings {
            database_url: database_url.to_owned(),
            db_pool_size: 4,
            db_timeout_seconds: 2,
            db_warm_search: false,
        },
        bind: "127.0.0.1:0".parse().expect("address"),
        workers: 1,
        environment: "test".into(),
        jwt_secret: format!("test-secret-{}", Uuid::new_v4()),
        jwt_issuer: "ssw-api".into(),
        jwt_audience: "ssw-api".into(),
        access_token_ttl_seconds: 900,
        refresh_token_ttl_seconds: 3600,
        cors_origins: String::new(),
        body_limit_bytes: 1_048_576,
        login_max_failures_per_account: 5,
        login_max_failures_per_client: 50,
        login_window_seconds: 900,
        trust_proxy: false,
        public_read: false,
        read_database_url: None,
        shutdown_timeout_seconds: 5,
        password_hashes: 0,
        report_cache_mb: 32,
        page_cache_mb: 16,
        import_max_bytes: 104_857_600,
        import_wait_bytes: 1_048_576,
    }
}

async fn create_database() -> String {
    let name = format!("t_{}", Uuid::new_v4().simple());
    let mut conn = AsyncPgConnection::establish(&admin_url())
        .await
        .expect("connect to the test cluster");
    let mut attempt = 0;
    loop {
        let created = diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {}", template()))
            .execute(&mut conn)
            .await;
        match created {
            Ok(_) => return name,
            // Two clones of one template at the same moment can collide; try again.
            Err(e) if attempt < 20 => {
                attempt += 1;
                eprintln!("retrying CREATE DATABASE: {e}");
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
            }
            Err(e) => panic!("cannot create test database: {e}"),
        }
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut ServerSettings)) -> Self {
        let db_name = create_database().await;
        let database_url = with_database(&admin_url(), &db_name);
        let mut settings = settings(&database_url);
        configure(&mut settings);
        let jwt_secret = settings.jwt_secret.clone();
        let pool = storage::build_pool(&DatabaseSettings {
            database_url: database_url.clone(),
            db_pool_size: 2,
            db_timeout_seconds: 2,
            db_warm_search: false,
        });
        let app = Application::build(settings, false).expect("build application");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            address,
            client,
            pool,
            db_name,
            database_url,
            jwt_secret,
            handle,
        }
    }

    /// Another server on this app's database, with the same secret (a
    /// token of one holds on the other), set up by `configure`; its address.
    /// It stops with the test's runtime.
    pub fn another(&self, configure: impl FnOnce(&mut ServerSettings)) -> String {
        let mut settings = settings(&self.database_url);
        settings.jwt_secret = self.jwt_secret.clone();
        configure(&mut settings);
        let app = Application::build(settings, false).expect("build application");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        address
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// GETs `path` as the holder of `token` and returns the JSON body.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        self.get(path)
            .bearer_auth(token)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json")
    }

    pub fn post_json(&self, path: &str, body: &Value) -> RequestBuilder {
        self.request(Method::POST, path).json(body)
    }

    pub async fn create_user(
        &self,
        role: Role,
        region: Option<&str>,
        organisation: Option<Uuid>,
    ) -> TestUser {
        let email = format!("{}-{}@example.org", role, Uuid::new_v4().simple());
        let mut conn = storage::connection(&self.pool).await.expect("conn");
        let row = principals::insert_user(
            &mut conn,
            principals::NewUser {
                email: &email,
                display_name: "Test user",
                password_hash: password_hash(),
                role: role.as_str(),
                region_id: region,
                organisation_id: organisation,
            },
        )
        .await
        .expect("insert user");
        TestUser { id: row.id, email }
    }

    pub async fn create_organisation(&self, region: &str) -> Uuid {
        let mut conn = storage::connection(&self.pool).await.expect("conn");
        let id = Uuid::new_v4();
        diesel::sql_query("INSERT INTO organisations (id, name, kind, region_id) VALUES ($1, 'Test organisation', 'caw', $2)")
            .bind::<diesel::sql_types::Uuid, _>(id)
            .bind::<diesel::sql_types::Text, _>(region)
            .execute(&mut conn)
            .await
            .expect("insert organisation");
        id
    }

    pub async fn login_raw(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .send()
        .await
        .expect("send")
    }

    /// Logs a user in and returns the token response.
    pub async fn login(&self, user: &TestUser) -> Value {
        let response = self.login_raw(&user.email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {}", user.email);
        response.json().await.expect("json")
    }

    /// A bearer token for a new user with this role (and a region or organisation when the role needs one).
    pub async fn token_for(&self, role: Role) -> (TestUser, String) {
        let (region, organisation) = match role {
            Role::Coordinator => (Some("limburg"), None),
            Role::Contributor => (None, Some(self.create_organisation("limburg").await)),
            _ => (None, None),
        };
        let user = self.create_user(role, region, organisation).await;
        let tokens = self.login(&user).await;
        let token = tokens["accessToken"].as_str().expect("token").to_owned();
        (user, token)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
        let name = self.db_name.clone();
        // The test's runtime is ending; drop the database from a thread of our own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                if let Ok(mut conn) = AsyncPgConnection::establish(&admin_url()).await {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                }
            });
        })
        .join();
    }
}

/// Asserts a problem document with this status and `type` suffix, and returns it.
pub async fn assert_problem(response: Response, status: StatusCode, kind: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type:?}"
    );
    assert!(
        response.headers().contains_key("x-request-id"),
        "x-request-id on an error"
    );
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(
        body["type"],
        format!("urn:problem-type:ssw:{kind}"),
        "{body}"
    );
    assert_eq!(body["status"], status.as_u16(), "{body}");
    body
}
