use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use ssw_api::domain::Role;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::helpers::{TestApp, assert_problem};

#[actix_web::test]
async fn liveness_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/health/live").send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/health/ready").send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/regions").send().await.unwrap();
    let text = app
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"ssw_http_requests_total{endpoint="/api/v1/regions",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("ssw_http_requests_duration_seconds_bucket"));
    assert!(text.contains("ssw_db_pool_max_connections 4"));
}

/// A TCP proxy in front of PostgreSQL that the test can cut and restore.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(Notify::new());
        let (up2, cut2) = (up.clone(), cut.clone());
        actix_web::rt::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let cut = cut2.clone();
                actix_web::rt::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Self { port, up, cut }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[actix_web::test]
async fn with_the_database_gone_the_api_answers_503_and_recovers_by_itself() {
    let direct = TestApp::spawn().await;
    let (_, token) = direct.token_for(Role::Admin).await;
    drop(token);
    // A second application on the same database, reached through the proxy.
    let url = reqwest::Url::parse(&direct.database_url).unwrap();
    let proxy = Proxy::start(format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port().unwrap_or(5432)
    ))
    .await;
    let mut proxied_url = url.clone();
    proxied_url.set_port(Some(proxy.port)).unwrap();
    let proxied_url = proxied_url.to_string();
    let app = TestApp::spawn_with(move |s| s.database.database_url = proxied_url).await;
    assert_eq!(
        app.get("/health/ready").send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/regions").send().await.unwrap().status(),
        StatusCode::OK
    );

    proxy.down();
    for path in ["/api/v1/regions", "/health/ready", "/api/v1/regions"] {
        let response = app.get(path).send().await.unwrap();
        assert!(
            response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
        assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    }
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"email": "a@example.org", "password": "x"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.get("/health/live").send().await.unwrap().status(),
        StatusCode::OK
    );

    proxy.restore();
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/api/v1/regions").send().await.unwrap().status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        recovered,
        "the service did not recover after the database came back"
    );
}
